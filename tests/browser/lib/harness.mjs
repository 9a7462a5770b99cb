// The browser-test harness: the real Inspel binary, Debian's chromium, playwright-core, axe-core.
//
// Why it is shaped like this
// - Real things only. Each spec file starts the built `inspel serve` on 127.0.0.1:0 with a data
//   directory of its own, reads the port from the `{"event":"listening"}` line the server logs on
//   stderr, and drives Debian's /usr/bin/chromium through playwright-core (no browser download: the
//   npm package is only the driver). Nothing is mocked, so a spec sees what a resident's browser sees,
//   with the real Content-Security-Policy, cookies and redirects.
// - One server and one browser per spec file, a fresh browser context per page unless a spec passes
//   one on: cookies never leak between cases by accident, and a multi-page flow (log in, search,
//   answer) says so explicitly by reusing its context.
// - Seeding goes through the binary's own subcommands (`inspel dialogue import`, `inspel user add
//   --password-stdin`, ...) run against the same data directory *before* the server starts, because
//   the server holds the only writers of the database and the index. Specs never write SQLite files.
// - Accessibility is checked with axe-core for WCAG 2.0/2.1 A and AA (the level Swedish law asks of
//   public-sector sites) and any violation fails the case with a list a person can act on. The same
//   check also fails on what axe cannot see but a resident would: a script error, a sub-resource that
//   did not load, or something the page's own Content-Security-Policy blocked.
// - Everything is undone: the server gets SIGTERM and must exit 0 (a clean shutdown is part of what
//   is tested), the server must not have logged an error, and the temporary directory goes.
//
// Environment: INSPEL_BINARY (path of the built binary; ctest passes $<TARGET_FILE:inspel>, default
// build/inspel), INSPEL_CHROMIUM (default /usr/bin/chromium), INSPEL_SCREENSHOTS (default
// tests/browser/screenshots, gitignored). These names are the harness's: every INSPEL_* variable of
// the caller's environment is removed before the server or a subcommand starts, because the binary
// rejects unknown INSPEL_* variables and a developer's own settings must not leak into a test.

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const browserDir = resolve(here, '..');
export const repoRoot = resolve(browserDir, '../..');

export const paths = {
    binary: process.env.INSPEL_BINARY || join(repoRoot, 'build', 'inspel'),
    chromium: process.env.INSPEL_CHROMIUM || '/usr/bin/chromium',
    screenshots: process.env.INSPEL_SCREENSHOTS || join(browserDir, 'screenshots'),
};

// The flags known to work on this Debian chromium in containers without a display or GPU; the
// last five stop it from phoning home, which a test machine without network would wait on.
export const chromiumArgs = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

// WCAG 2.1 A and AA, which includes 2.0 A and AA.
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// playwright-core 1.65 needs node 20; on an older node it fails deep inside with a puzzling error.
if (Number(process.versions.node.split('.')[0]) < 20)
    throw new Error(`the browser tests need node 20 or later; this is node ${process.versions.node}`);

const installHint = 'run deploy/install-deps.sh test (it installs chromium and runs npm ci in tests/browser)';

function mustExist(path, what, hint) {
    try {
        accessSync(path, constants.X_OK);
    } catch {
        throw new Error(`${what} not found or not executable at ${path}: ${hint}`);
    }
}

let playwright;
async function loadPlaywright() {
    if (!playwright) {
        try {
            playwright = await import('playwright-core');
        } catch (e) {
            throw new Error(`playwright-core is not installed in ${browserDir}/node_modules: ${installHint}\n(${e.message})`);
        }
    }
    return playwright;
}

let axeSource;
function loadAxe() {
    if (axeSource === undefined) {
        const file = join(browserDir, 'node_modules', 'axe-core', 'axe.min.js');
        if (!existsSync(file)) throw new Error(`axe-core is not installed (${file} is missing): ${installHint}`);
        axeSource = readFileSync(file, 'utf8');
    }
    return axeSource;
}

// The environment for the binary: the caller's without INSPEL_*, plus what the spec asks for.
function childEnv(extra) {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('INSPEL_')) env[k] = v;
    return { ...env, ...extra };
}

function tail(lines, n = 30) {
    return lines.slice(-n).join('\n');
}

// Runs `inspel ARGS...` to completion. `input` goes to its stdin (for --password-stdin).
export function runInspel(args, { env = {}, input, timeoutMs = 60_000 } = {}) {
    mustExist(paths.binary, 'the inspel binary', 'build it first (cmake --build BUILD), or set INSPEL_BINARY');
    return new Promise((resolvePromise, reject) => {
        const child = spawn(paths.binary, args, { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            resolvePromise({ code, signal, stdout, stderr });
        });
        child.stdin.on('error', () => {}); // a command that exits without reading stdin is not our failure
        child.stdin.end(input ?? '');
    });
}

// A running `inspel serve`. Use Harness below unless a spec needs the server without a browser.
export class InspelServer {
    constructor(child, address, stderrLines) {
        this.child = child;
        this.address = address;
        this.baseUrl = `http://${address}`;
        this.stderrLines = stderrLines;
        this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    }

    static async start({ dataDir, env = {}, args = [], timeoutMs = 20_000 }) {
        mustExist(paths.binary, 'the inspel binary', 'build it first (cmake --build BUILD), or set INSPEL_BINARY');
        const child = spawn(paths.binary, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, ...args], {
            env: childEnv(env),
            stdio: ['ignore', 'ignore', 'pipe'],
        });
        // A harness that dies (a timeout, an uncaught error) must not leave a server behind.
        const reaper = () => child.kill('SIGKILL');
        process.once('exit', reaper);
        child.once('exit', () => process.removeListener('exit', reaper));

        const lines = [];
        const address = await new Promise((resolvePromise, reject) => {
            const timer = setTimeout(() => {
                child.kill('SIGKILL');
                reject(new Error(`inspel serve did not log "listening" within ${timeoutMs} ms:\n${tail(lines)}`));
            }, timeoutMs);
            child.once('error', (e) => {
                clearTimeout(timer);
                reject(e);
            });
            child.once('exit', (code, signal) => {
                clearTimeout(timer);
                reject(new Error(`inspel serve exited (code ${code}, signal ${signal}) before listening:\n${tail(lines)}`));
            });
            createInterface({ input: child.stderr }).on('line', (line) => {
                lines.push(line);
                let event;
                try {
                    event = JSON.parse(line);
                } catch {
                    return; // not a log line (a sanitizer report, say): kept for the failure message
                }
                if (event.event === 'listening' && typeof event.address === 'string') {
                    clearTimeout(timer);
                    resolvePromise(event.address);
                }
            });
        });
        return new InspelServer(child, address, lines);
    }

    url(path) {
        return new URL(path, this.baseUrl).href;
    }

    // Log lines at level "error": a handler that threw, an index that failed. None is expected.
    errors() {
        return this.stderrLines.filter((l) => {
            try {
                return JSON.parse(l).level === 'error';
            } catch {
                return false;
            }
        });
    }

    // SIGTERM, then the exit status must be 0: a clean shutdown is part of what the service promises.
    async stop({ timeoutMs = 15_000 } = {}) {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            const { code, signal } = await this.exited;
            throw new Error(`inspel serve had already exited (code ${code}, signal ${signal}):\n${tail(this.stderrLines)}`);
        }
        this.child.kill('SIGTERM');
        let timer;
        const timedOut = new Promise((r) => (timer = setTimeout(() => r(null), timeoutMs)));
        const result = await Promise.race([this.exited, timedOut]);
        clearTimeout(timer);
        if (result === null) {
            this.child.kill('SIGKILL');
            await this.exited;
            throw new Error(`inspel serve did not stop within ${timeoutMs} ms of SIGTERM:\n${tail(this.stderrLines)}`);
        }
        if (result.code !== 0)
            throw new Error(
                `inspel serve exited with code ${result.code} (signal ${result.signal}) after SIGTERM:\n${tail(this.stderrLines)}`,
            );
    }
}

export async function launchChromium() {
    mustExist(paths.chromium, 'chromium', `${installHint}, or set INSPEL_CHROMIUM`);
    const { chromium } = await loadPlaywright();
    // playwright gives every launch a fresh --user-data-dir of its own under the temp directory and
    // removes it on close (passing one in args is refused: that is what launchPersistentContext is for).
    return chromium.launch({ executablePath: paths.chromium, headless: true, args: chromiumArgs });
}

// What a person would notice but axe cannot: script errors, sub-resources that failed, and anything
// the page's own Content-Security-Policy blocked (an inline style or script slipped into a template).
const problemsOf = new WeakMap();

function watch(page) {
    if (problemsOf.has(page)) return page;
    const problems = [];
    problemsOf.set(page, problems);
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    page.on('requestfailed', (r) => {
        // A navigation the spec itself replaced (a click during a load) is aborted, not broken.
        if (!(r.isNavigationRequest() && /ERR_ABORTED/.test(r.failure()?.errorText ?? '')))
            problems.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`);
    });
    page.on('response', (r) => {
        // The document's own status is checked by openPage and the spec; its parts must all load.
        if (!r.request().isNavigationRequest() && r.status() >= 400)
            problems.push(`sub-resource ${r.request().method()} ${r.url()} answered ${r.status()}`);
    });
    return page;
}

export function problems(page) {
    return problemsOf.get(page) ?? [];
}

function formatViolations(violations) {
    const out = [];
    for (const v of violations) {
        out.push(`  - ${v.id} (${v.impact}): ${v.help}`);
        out.push(`    ${v.helpUrl}`);
        for (const n of v.nodes) {
            out.push(`    at ${n.target.join(' ')}`);
            out.push(`       ${n.html.length > 200 ? n.html.slice(0, 200) + '…' : n.html}`);
            if (n.failureSummary) for (const s of n.failureSummary.split('\n')) out.push(`       ${s}`);
        }
    }
    return out.join('\n');
}

// Runs axe-core on the page as it is now and throws a readable list of WCAG 2.1 A/AA violations.
//
// How axe gets in: the site's CSP is `script-src 'self'`, so page.addScriptTag({content}) is blocked
// (an inline script). We do not use playwright's bypassCSP either: it would switch the policy off
// for the whole page under test and hide exactly the CSP breakage we want to catch. page.evaluate()
// runs through the DevTools protocol (Runtime.evaluate), which the page's CSP does not govern, so
// the axe source is evaluated in the page's main world while the page keeps its real policy.
export async function checkAxe(page, label) {
    const url = page.url();
    const present = await page.evaluate(() => typeof window.axe === 'object');
    if (!present) await page.evaluate(loadAxe());
    const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        wcagTags,
    );
    const found = problems(page);
    const messages = [];
    if (result.violations.length) {
        const nodes = result.violations.reduce((n, v) => n + v.nodes.length, 0);
        messages.push(
            `axe-core ${result.testEngine.version} found ${result.violations.length} WCAG 2.1 A/AA rule(s) violated ` +
                `at ${nodes} place(s) on "${label}" (${url}):\n${formatViolations(result.violations)}`,
        );
    }
    if (found.length) messages.push(`"${label}" (${url}) has problems a visitor would meet:\n  - ${found.join('\n  - ')}`);
    if (messages.length) throw new Error(messages.join('\n'));
    return result;
}

export async function screenshot(page, name) {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name "${name}" must be letters, digits, '.', '-' or '_'`);
    mkdirSync(paths.screenshots, { recursive: true });
    const file = join(paths.screenshots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

// One service and one browser for a spec file. Construct with useHarness() in the spec; see
// specs/README.md.
export class Harness {
    // env: INSPEL_* settings for the server and subcommands (e.g. {INSPEL_FORM_MIN_FILL: '0s'}).
    // seed: async (harness) => {...}, run after the data directory exists and before the server starts.
    // locale: the browser's language, sent as Accept-Language; residents are Swedish by default.
    // allowServerErrors: a spec that provokes a server-side error on purpose says so here.
    constructor({ env = {}, seed, locale = 'sv-SE', allowServerErrors = false } = {}) {
        this.options = { env, seed, locale, allowServerErrors };
        this.server = null;
        this.browser = null;
        this.dir = null;
        this.dataDir = null;
        this.contexts = [];
        this.apiContext = null;
    }

    async start() {
        this.dir = await mkdtemp(join(tmpdir(), 'inspel-browser-'));
        this.dataDir = join(this.dir, 'data');
        mkdirSync(this.dataDir);
        // Fail before starting anything when a piece is missing: never skip silently.
        mustExist(paths.binary, 'the inspel binary', 'build it first (cmake --build BUILD), or set INSPEL_BINARY');
        mustExist(paths.chromium, 'chromium', `${installHint}, or set INSPEL_CHROMIUM`);
        await loadPlaywright();
        loadAxe();
        if (this.options.seed) await this.options.seed(this);
        this.server = await InspelServer.start({ dataDir: this.dataDir, env: this.options.env });
        this.browser = await launchChromium();
        return this;
    }

    url(path) {
        return this.server.url(path);
    }

    // Runs `inspel ARGS...` against this harness's data directory and throws unless it exits 0.
    // Before start() returns (inside seed) that is the only process using the data; afterwards the
    // server is running too, so only use commands that are safe beside it.
    async inspel(args, { input, env = {}, expectCode = 0 } = {}) {
        const r = await runInspel(args, { input, env: { ...this.options.env, INSPEL_DATA: this.dataDir, ...env } });
        if (r.code !== expectCode)
            throw new Error(`inspel ${args.join(' ')} exited with ${r.code} (expected ${expectCode}):\n${r.stderr}${r.stdout}`);
        return r;
    }

    // Writes a file (a dialogue to import, say) into the temporary directory and returns its path.
    async writeFile(name, content) {
        const file = join(this.dir, name);
        await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
        return file;
    }

    // A fresh browser context: its own cookies and storage. Options go to playwright's newContext.
    async newContext(options = {}) {
        const context = await this.browser.newContext({ locale: this.options.locale, ...options });
        // Every page of the context is watched, also one a link opens in a new tab.
        context.on('page', watch);
        this.contexts.push(context);
        return context;
    }

    // Opens PATH in a new page (in `context`, or a fresh one) and checks the document's HTTP status:
    // `status` is the one expected (default: any 2xx after redirects).
    async openPage(path, { context, status } = {}) {
        const ctx = context ?? (await this.newContext());
        const page = watch(await ctx.newPage());
        const response = await page.goto(this.url(path), { waitUntil: 'load' });
        if (!response) throw new Error(`no response for ${path}`);
        const ok = status === undefined ? response.status() >= 200 && response.status() < 300 : response.status() === status;
        if (!ok)
            throw new Error(
                `GET ${path} answered ${response.status()}, expected ${status ?? '2xx'}:\n` +
                    (await response.text()).slice(0, 2000),
            );
        return page;
    }

    // A plain HTTP client on the server (playwright's APIRequestContext, no browser), to check that
    // what a page did took effect: `const r = await (await h.api()).get('/api/v1/receipts/' + code)`.
    async api() {
        if (!this.apiContext) {
            const { request } = await loadPlaywright();
            this.apiContext = await request.newContext({ baseURL: this.server.baseUrl });
        }
        return this.apiContext;
    }

    checkAxe(page, label) {
        return checkAxe(page, label);
    }

    screenshot(page, name) {
        return screenshot(page, name);
    }

    async close() {
        const failures = [];
        if (this.apiContext) await this.apiContext.dispose().catch(() => {});
        for (const c of this.contexts) await c.close().catch(() => {});
        if (this.browser) await this.browser.close().catch((e) => failures.push(`closing chromium: ${e.message}`));
        if (this.server) {
            try {
                await this.server.stop();
            } catch (e) {
                failures.push(e.message);
            }
            const errors = this.server.errors();
            if (errors.length && !this.options.allowServerErrors)
                failures.push(`inspel logged ${errors.length} error(s):\n${errors.join('\n')}`);
        }
        if (this.dir) await rm(this.dir, { recursive: true, force: true });
        if (failures.length) throw new Error(failures.join('\n'));
    }
}

// In a spec: `const h = useHarness({...});` starts everything before the first case of the file
// and shuts it down after the last (and fails the file if the shutdown was not clean).
export function useHarness(options) {
    const h = new Harness(options);
    before(() => h.start(), { timeout: 60_000 });
    after(() => h.close(), { timeout: 60_000 });
    return h;
}
