#!/usr/bin/env node
// Takes a full-page screenshot of a running Inspel page with the same chromium and flags as the
// browser tests, so what a person looks at is what the specs saw. Optionally runs the axe check.
//
//   node tests/browser/screenshot.mjs URL OUT.png [--width PX] [--height PX] [--locale sv-SE] [--axe]
//
// Exit status: 0 done, 1 the page could not be loaded or (with --axe) has violations, 2 bad usage.
import { parseArgs } from 'node:util';

import { checkAxe, launchChromium } from './lib/harness.mjs';

const usage = 'usage: node tests/browser/screenshot.mjs URL OUT.png [--width PX] [--height PX] [--locale LOCALE] [--axe]';

let parsed;
try {
    parsed = parseArgs({
        allowPositionals: true,
        options: {
            width: { type: 'string', default: '1280' },
            height: { type: 'string', default: '800' },
            locale: { type: 'string', default: 'sv-SE' },
            axe: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false },
        },
    });
} catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
    console.log(usage);
    process.exit(0);
}
const width = Number(values.width);
const height = Number(values.height);
if (positionals.length !== 2 || !Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    console.error(usage);
    process.exit(2);
}
const [url, out] = positionals;
try {
    new URL(url);
} catch {
    console.error(`not an absolute URL: ${url}\n${usage}`);
    process.exit(2);
}

const browser = await launchChromium();
let status = 0;
try {
    const context = await browser.newContext({ viewport: { width, height }, locale: values.locale });
    const page = await context.newPage();
    const response = await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`${url} answered ${response?.status() ?? 'nothing'}; screenshot in ${out}`);
    if (values.axe) {
        const result = await checkAxe(page, url);
        console.log(`axe-core ${result.testEngine.version}: no WCAG 2.1 A/AA violations`);
    }
} catch (e) {
    console.error(e.message);
    status = 1;
} finally {
    await browser.close();
}
process.exit(status);
