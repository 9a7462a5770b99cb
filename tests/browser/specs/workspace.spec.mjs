// The officials' workspace in a browser (issue 8): an official signs in, searches, tags two items
// from the result at once, opens one, answers it, and signs out; the resident's receipt shows the
// answer. Every state a person can see passes axe. Item texts come from the seed policy texts'
// themes (cycling in Cykelplan 2030).
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

async function submit(api, title, body) {
    const r = await api.post('/api/v1/submissions', {
        data: { kind: 'feedback', feedback_type: 'idea', title, body, contact: { email: 'karin@example.se' } },
    });
    assert.equal(r.status(), 201);
    return r.json();
}

test('log in, search, bulk-tag, open an item, answer it, log out', async () => {
    const api = await h.api();
    const first = await submit(api, 'Cykelbanan vid skolan', 'Cykelbanan vid skolan behöver breddas, den är farlig.');
    await submit(api, 'Cykelparkering', 'Det behövs fler cykelställ vid stationen.');
    await submit(api, 'Parkbänkar', 'Parken behöver fler bänkar.');

    const official = await h.newContext();
    const page = await h.openPage('/login?next=/official', { context: official });
    await page.getByLabel('Användarnamn').fill(username);
    await page.getByLabel('Lösenord').fill(password);
    await Promise.all([page.waitForURL(/\/official$/), page.getByRole('button', { name: 'Logga in' }).click()]);

    // Search (the index follows within a second or so).
    let found = 0;
    for (let i = 0; i < 50 && found < 2; i++) {
        await page.goto(h.url('/search?q=cykel*'));
        found = await page.locator('.result-list > li').count();
        if (found < 2) await page.waitForTimeout(100);
    }
    assert.equal(found, 2);
    await h.checkAxe(page, 'search page with the bulk form');

    // Tick both results from the keyboard (a ticks all), then tag them.
    await page.locator('.result-list h2 a').first().focus();
    await page.keyboard.press('a');
    assert.equal(await page.locator('.result-list input[type=checkbox]:checked').count(), 2);
    await page.getByLabel('Åtgärd').selectOption('tag_add');
    await page.getByLabel('Tagg, användarnamn eller status').fill('Cykel');
    await Promise.all([page.waitForURL(/changed=2/), page.getByRole('button', { name: 'Utför' }).click()]);
    assert.match(await page.locator('main').innerText(), /Ändrade inspel: 2/);
    await h.checkAxe(page, 'search page after a bulk action');
    await h.screenshot(page, 'workspace-search-bulk');

    // Open one item.
    await Promise.all([page.waitForURL(new RegExp(`/official/submissions/${first.id}$`)),
                       page.getByRole('link', { name: 'Cykelbanan vid skolan' }).click()]);
    assert.match(await page.locator('.tag-list').innerText(), /Cykel/);
    assert.doesNotMatch(await page.locator('main').innerText(), /karin@example\.se/);
    await h.checkAxe(page, 'item page');

    // An empty answer is refused beside the field, then the real one is sent.
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#f-answer-text').getAttribute('aria-invalid'), 'true');
    await h.checkAxe(page, 'item page, answer refused');
    await page.getByLabel('Svar', { exact: true }).fill('Tack! Cykelbanan breddas i höst.');
    await Promise.all([page.waitForURL(new RegExp(`/official/submissions/${first.id}$`)),
                       page.getByRole('button', { name: 'Skicka svaret' }).click()]);
    assert.match(await page.locator('main').innerText(), /Status: Besvarad/);
    assert.match(await page.locator('.answer').innerText(), /Cykelbanan breddas i höst/);
    await h.checkAxe(page, 'item page, answered');
    await h.screenshot(page, 'workspace-item-answered');

    // Personal data on request, audited.
    await page.getByRole('link', { name: 'Visa personuppgifter och originaltext' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /karin@example\.se/);
    await h.checkAxe(page, 'item page with personal data');

    // Log out.
    await Promise.all([page.waitForURL(/\/($|\?|login)/), page.getByRole('button', { name: 'Logga ut' }).click()]);
    const session = await official.request.get(h.url('/api/v1/session'));
    assert.equal(session.status(), 401);

    // It took effect: the resident's receipt shows the answer.
    const receipt = await (await api.get(`/api/v1/receipts/${first.receipt}`)).json();
    assert.equal(receipt.status, 'answered');
    assert.equal(receipt.answer.text, 'Tack! Cykelbanan breddas i höst.');
    const receiptPage = await h.openPage(`/receipts/${first.receipt}`);
    assert.match(await receiptPage.locator('.answer').innerText(), /Cykelbanan breddas i höst/);
    await h.checkAxe(receiptPage, 'receipt page with the answer');
});
