// An official signs in, sees the officials' start page, and signs out (issue 3's pages; the start
// of issue 8's browser flow). Every state a person can see passes axe.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { useHarness } from '../lib/harness.mjs';

const username = 'anna.handlaggare';
const password = 'Lång-och-säker-fras-2026';

const h = useHarness({
    seed: async (harness) => {
        await harness.inspel(['user', 'add', username, '--role', 'official', '--password-stdin'], {
            input: `${password}\n`,
        });
    },
});

test('the login form, its errors and a wrong password pass axe and keep what was typed', async () => {
    const page = await h.openPage('/login');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    await h.checkAxe(page, 'login form');

    // Sent empty: each field says what is missing, tied to the field for a screen reader.
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#username').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#username').getAttribute('aria-describedby'), 'username-error');
    assert.equal(await page.locator('#username-error').innerText(), 'Skriv ditt användarnamn.');
    assert.equal(await page.locator('#password-error').innerText(), 'Skriv ditt lösenord.');
    await h.checkAxe(page, 'login form, sent empty');

    await page.getByLabel('Användarnamn').fill(username);
    await page.getByLabel('Lösenord').fill('fel lösenord');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#password-error').innerText(), 'Fel användarnamn eller lösenord.');
    assert.equal(await page.getByLabel('Användarnamn').inputValue(), username);
    assert.equal(await page.getByLabel('Lösenord').inputValue(), '', 'a password is never sent back');
    await h.checkAxe(page, 'login form, wrong password');
    await h.screenshot(page, 'login-wrong-password');

    // Nothing was signed in: the officials' page still asks for it.
    const r = await (await h.api()).get('/api/v1/session');
    assert.equal(r.status(), 401);
});

test('an official signs in, sees the start page, and signs out', async () => {
    const official = await h.newContext();
    const page = await h.openPage('/login?next=/official', { context: official });
    await page.getByLabel('Användarnamn').fill(username);
    await page.getByLabel('Lösenord').fill(password);
    await Promise.all([page.waitForURL(/\/official$/), page.getByRole('button', { name: 'Logga in' }).click()]);
    assert.equal(await page.locator('main h1').innerText(), 'Startsida för handläggare');
    assert.match(await page.locator('main').innerText(), /Du är inloggad som anna\.handlaggare \(handläggare\)/);
    await h.checkAxe(page, 'officials start page');
    await h.screenshot(page, 'login-official-start');

    // It took effect: the session cookie is the browser's, and the API knows who it is.
    const session = await official.request.get(h.url('/api/v1/session'));
    assert.equal(session.status(), 200);
    assert.equal((await session.json()).username, username);

    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Logga ut' }).click()]);
    await h.checkAxe(page, 'login form after signing out');
    assert.equal((await official.request.get(h.url('/api/v1/session'))).status(), 401);
});

test('the login form in English passes axe', async () => {
    const page = await h.openPage('/login?lang=en');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.ok(await page.getByLabel('Username').isVisible());
    await h.checkAxe(page, 'login form, English');
});
