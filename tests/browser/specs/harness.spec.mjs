// The harness checks itself: a check that cannot fail proves nothing, so each kind of failure
// checkAxe reports is provoked here once, on a page whose fault is known.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { InspelServer, useHarness } from '../lib/harness.mjs';

// The seed runs on the empty data directory before the server starts: migrate reports version 0.
let seeded;
const h = useHarness({
    seed: async (harness) => {
        seeded = (await harness.inspel(['migrate'])).stdout;
    },
});

test('checkAxe reports a WCAG violation with the rule, the element and the fix', async () => {
    const page = await h.openPage('/finns-inte', { status: 404 });
    // An input without a label breaks WCAG 1.3.1/4.1.2 (axe rule "label").
    await page.evaluate(() => {
        const input = document.createElement('input');
        input.type = 'text';
        input.id = 'unlabelled';
        document.querySelector('main').append(input);
    });
    await assert.rejects(h.checkAxe(page, 'page with an unlabelled input'), (e) => {
        assert.match(e.message, /WCAG 2\.1 A\/AA rule\(s\) violated/);
        assert.match(e.message, /- label \(critical\): Form elements must have labels/);
        assert.match(e.message, /at #unlabelled/);
        return true;
    });
});

test('checkAxe reports what the Content-Security-Policy blocked', async () => {
    const page = await h.openPage('/finns-inte', { status: 404 });
    // An inline style, as a template might slip in: the site's policy (style-src 'self') blocks it.
    await page.evaluate(() => {
        const style = document.createElement('style');
        style.textContent = 'main { color: red; }';
        document.head.append(style);
    });
    await assert.rejects(h.checkAxe(page, 'page with an inline style'), /CSP: .*Content Security Policy/);
});

test('checkAxe reports a sub-resource that does not load', async () => {
    const page = await h.openPage('/finns-inte', { status: 404 });
    await page.evaluate(
        () =>
            new Promise((resolve) => {
                const img = document.createElement('img');
                img.alt = 'Karta';
                img.onerror = resolve;
                img.onload = resolve;
                img.src = '/static/finns-inte.png';
                document.querySelector('main').append(img);
            }),
    );
    await assert.rejects(h.checkAxe(page, 'page with a missing image'), /sub-resource GET .*finns-inte\.png answered 404/);
});

test('openPage fails on an unexpected status, with the body', async () => {
    await assert.rejects(h.openPage('/finns-inte'), /GET \/finns-inte answered 404, expected 2xx:[\s\S]*Sidan finns inte/);
});

test('seed runs subcommands on the empty data directory before the server starts', async () => {
    assert.match(seeded, new RegExp(`database ${h.dataDir}/\\S+ migrated from version 0 to \\d+`));
    const r = await h.inspel(['migrate']);
    assert.match(r.stdout, new RegExp(`database ${h.dataDir}/\\S+ is up to date`));
    await assert.rejects(h.inspel(['no-such-command']), /inspel no-such-command exited with 2 \(expected 0\):\ninspel: unknown command/);
});

test('a server that did not shut down cleanly fails the stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inspel-browser-kill-'));
    try {
        const server = await InspelServer.start({ dataDir: dir });
        assert.equal((await (await h.api()).get(server.url('/healthz'))).status(), 200);
        server.child.kill('SIGKILL');
        await server.exited;
        await assert.rejects(server.stop(), /inspel serve had already exited \(code null, signal SIGKILL\)/);
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
});
