// The pages every other page is built on: the layout (lang, skip link, landmarks), the stylesheet
// and the HTML error page. If these fail, every form and result page fails with them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { useHarness } from '../lib/harness.mjs';

const h = useHarness();

test('the 404 page is Swedish, has a working skip link, and passes axe', async () => {
    const page = await h.openPage('/finns-inte/alls', { status: 404 });

    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal(await page.title(), 'Sidan finns inte – Inspel');
    assert.equal(await page.locator('main h1').innerText(), 'Sidan finns inte');

    // The skip link is the first stop for a keyboard user, visible when focused, and lands on main.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({
        text: document.activeElement.textContent.trim(),
        href: document.activeElement.getAttribute('href'),
    }));
    assert.deepEqual(focused, { text: 'Hoppa till innehållet', href: '#main' });
    const box = await page.locator('.skip-link').boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 0, `skip link is off-screen when focused: ${JSON.stringify(box)}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

    await h.checkAxe(page, '404 page');
    await h.screenshot(page, 'smoke-404');
});

test('the stylesheet is served as CSS and applied under the site CSP', async () => {
    const page = await h.openPage('/finns-inte', { status: 404 });
    const css = await (await h.api()).get('/static/inspel.css');
    assert.equal(css.status(), 200);
    assert.match(css.headers()['content-type'], /^text\/css/);
    // --text is #1a1a1a: if the sheet were blocked or missing, the body would be the default black.
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).color), 'rgb(26, 26, 26)');
    assert.equal(await page.evaluate(() => document.styleSheets.length), 1);
});

test('the 404 page reflows at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10)', async () => {
    const context = await h.newContext({ viewport: { width: 320, height: 640 } });
    const page = await h.openPage('/finns-inte', { context, status: 404 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `page is ${width}px wide at a 320px viewport`);
    await h.checkAxe(page, '404 page at 320px');
    await h.screenshot(page, 'smoke-404-narrow');
});
