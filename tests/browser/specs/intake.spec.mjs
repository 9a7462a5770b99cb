// Resident intake in a real browser: the start page, each form empty, with errors and sent, and
// the receipt page, in Swedish and English, each state checked with axe-core (WCAG 2.1 A/AA).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { useHarness } from '../lib/harness.mjs';

// A person fills these in seconds; the fill-time check has its own integration tests. The demo
// dialogue (in execution, with a frågepanel) gives the panel form something to answer.
const h = useHarness({
    env: { INSPEL_FORM_MIN_FILL: '0s' },
    seed: async (harness) => {
        const demo = await readFile(new URL('../../../deploy/demo/cykelplan.json', import.meta.url), 'utf8');
        await harness.inspel(['dialogue', 'import', await harness.writeFile('cykelplan.json', demo)]);
    },
});

const receiptPattern = /\/receipts\/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})(\?lang=en)?$/;

// Sends the form and waits for the receipt page; returns the receipt code.
async function sendAndReadReceipt(page, buttonName) {
    await Promise.all([page.waitForURL(receiptPattern), page.getByRole('button', { name: buttonName }).click()]);
    const code = page.url().match(receiptPattern)[1];
    assert.equal(await page.locator('.receipt-code').innerText(), code);
    return code;
}

async function storedKind(code) {
    const r = await (await h.api()).get(`/api/v1/receipts/${code}`);
    assert.equal(r.status(), 200);
    return (await r.json()).kind;
}

test('the start page lists the forms and the receipt lookup, and passes axe', async () => {
    const page = await h.openPage('/');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal(await page.locator('main h1').innerText(), 'Tyck till');
    for (const name of ['Lämna ett medborgarförslag', 'Lämna en synpunkt', 'Ställ en fråga till kommunfullmäktige'])
        assert.equal(await page.getByRole('link', { name }).count(), 1, name);
    await h.checkAxe(page, 'start page');
    await h.screenshot(page, 'intake-start');

    // A mistyped receipt code comes back with the message beside the field.
    await page.getByLabel('Kvittokod').fill('12');
    await Promise.all([page.waitForURL(/\/receipts\?code=12/), page.getByRole('button', { name: 'Visa' }).click()]);
    assert.equal(await page.getByLabel('Kvittokod').getAttribute('aria-invalid'), 'true');
    await h.checkAxe(page, 'receipt lookup with an error');
});

test('a proposal: errors with a summary and the typing kept, then sent, with a receipt page', async () => {
    const page = await h.openPage('/forms/proposal');
    await h.checkAxe(page, 'empty proposal form');

    await page.getByLabel('Rubrik på förslaget').fill('Fler bänkar <i parken>');
    await page.getByLabel('Din e-postadress').fill('inte-en-adress');
    await page.getByRole('button', { name: 'Skicka' }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Fel: /);
    const summary = page.locator('.error-summary a');
    assert.deepEqual(await summary.allInnerTexts(), [
        'Skriv ditt förslag.',
        'Skriv ditt namn. Ett medborgarförslag behöver namn och e-postadress.',
        'Skriv e-postadressen i formen namn@exempel.se.',
    ]);
    assert.equal(await page.getByLabel('Rubrik på förslaget').inputValue(), 'Fler bänkar <i parken>');
    assert.equal(await page.getByLabel('Ditt förslag').getAttribute('aria-invalid'), 'true');
    await h.checkAxe(page, 'proposal form with errors');
    await h.screenshot(page, 'intake-proposal-errors');

    // The summary's links lead to the fields.
    await summary.first().click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-body');

    await page.getByLabel('Ditt förslag').fill('Längs ån behövs fler bänkar, gärna med ryggstöd.');
    await page.getByLabel('Ditt namn').fill('Frida Fors');
    await page.getByLabel('Din e-postadress').fill('frida@example.se');
    await page.getByLabel('Mitt bidrag får publiceras').check();
    const code = await sendAndReadReceipt(page, 'Skicka');
    assert.equal(await storedKind(code), 'proposal');
    await h.checkAxe(page, 'proposal receipt page');
    await h.screenshot(page, 'intake-proposal-receipt');
});

test('feedback: a choice of type, optional contact details, sent', async () => {
    const page = await h.openPage('/forms/feedback');
    await h.checkAxe(page, 'empty feedback form');
    await page.getByRole('button', { name: 'Skicka' }).click();
    await page.waitForSelector('.error-summary');
    await h.checkAxe(page, 'feedback form with errors');

    await page.getByLabel('Klagomål').check();
    await page.getByLabel('Din synpunkt').fill('Gatlyktan vid busshållplatsen har varit släckt i två veckor.');
    await page.getByLabel('Område eller stadsdel').fill('Norrmalm');
    const code = await sendAndReadReceipt(page, 'Skicka');
    assert.equal(await storedKind(code), 'feedback');
    await h.checkAxe(page, 'feedback receipt page');
});

test('a public question, in English chosen by the browser language', async () => {
    const context = await h.newContext({ locale: 'en-GB' });
    const page = await h.openPage('/forms/public_question', { context });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('main h1').innerText(), 'Ask the municipal council a question');
    await h.checkAxe(page, 'empty public question form (English)');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForSelector('.error-summary');
    await h.checkAxe(page, 'public question form with errors (English)');

    await page.getByLabel('Your question').fill('When will the new library open?');
    const code = await sendAndReadReceipt(page, 'Send');
    assert.equal(await storedKind(code), 'public_question');
    assert.equal(await page.locator('main h2').first().innerText(), 'What happens next?');
    await h.checkAxe(page, 'public question receipt page (English)');
    await h.screenshot(page, 'intake-question-receipt-en');
});

test('a frågepanel: the questions of the dialogue, a message beside each unanswered one, then sent', async () => {
    const start = await h.openPage('/');
    const link = start.getByRole('link', { name: /Svara på frågepanelen/ });
    assert.equal(await link.getAttribute('href'), '/forms/panel_response?dialogue=cykelplan-2030');
    await Promise.all([start.waitForURL(/panel_response/), link.click()]);
    const page = start;
    assert.equal(await page.locator('main h1').innerText(), 'Svara på en frågepanel');
    await h.checkAxe(page, 'empty panel form');

    await page.getByLabel('Vad skulle få dig att cykla mer?').fill('Belysning längs ån.');
    await page.getByRole('button', { name: 'Skicka' }).click();
    await page.waitForSelector('.error-summary');
    assert.equal(await page.locator('.error-summary a').count(), 2);  // the two required questions
    assert.equal(await page.getByLabel('Vad skulle få dig att cykla mer?').inputValue(), 'Belysning längs ån.');
    await h.checkAxe(page, 'panel form with errors');
    await h.screenshot(page, 'intake-panel-errors');

    await page.getByRole('group', { name: /Hur trygg känner du dig/ }).getByLabel('4', { exact: true }).check();
    await page.getByLabel('Varje vecka').check();
    await page.getByLabel('Längs ån').check();
    await page.getByLabel('Till skolorna').check();
    const code = await sendAndReadReceipt(page, 'Skicka');
    assert.equal(await storedKind(code), 'panel_response');
    const status = await (await (await h.api()).get(`/api/v1/receipts/${code}`)).json();
    assert.equal(status.dialogue.slug, 'cykelplan-2030');
    await h.checkAxe(page, 'panel receipt page');
});

test('forms reflow at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10)', async () => {
    const context = await h.newContext({ viewport: { width: 320, height: 640 } });
    for (const path of ['/', '/forms/proposal', '/forms/feedback']) {
        const page = await h.openPage(path, { context });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 320, `${path} is ${width}px wide at a 320px viewport`);
        await h.checkAxe(page, `${path} at 320px`);
    }
});
