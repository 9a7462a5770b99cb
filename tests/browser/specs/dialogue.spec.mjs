// A dialogue in execution as residents and officials see it (issue 5): the public page explains
// the commission in plain Swedish and links to its forms; an official sees the steps, tries the
// next step without its data, sees each gap beside its field, and takes it. Every state passes axe.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { useHarness } from '../lib/harness.mjs';

const username = 'anna.handlaggare';
const password = 'Lång-och-säker-fras-2026';

const draft = {
    slug: 'skolgarden',
    title: 'Skolgården i Norr',
    kind: 'brukardialog',
    purpose: 'Hur ska skolgården byggas om?',
    description: 'Elever, vårdnadshavare och personal tillfrågas.',
    influence_level: 'dialog',
    target_groups: [
        { group: 'KHR', considered: true, note: 'Tillgänglig lekplats' },
        { group: 'KPR', considered: true, note: 'Grannar' },
        { group: 'children_youth', considered: true, note: 'Eleverna' },
    ],
    opens_at: '2026-01-01',
    closes_at: '2029-06-30',
    decision_expected: '2029-09-30',
    outside_purpose: { action: 'forward_to_feedback', notice: 'Skickas till synpunktshanteringen.' },
};

const h = useHarness({
    seed: async (harness) => {
        const demo = await readFile(new URL('../../../deploy/demo/cykelplan.json', import.meta.url), 'utf8');
        await harness.inspel(['dialogue', 'import', await harness.writeFile('cykelplan.json', demo)]);
        await harness.inspel(['dialogue', 'import', await harness.writeFile('draft.json', JSON.stringify(draft))]);
        await harness.inspel(['user', 'add', username, '--role', 'official', '--password-stdin'], {
            input: `${password}\n`,
        });
    },
});

test('the public page of a dialogue explains it and links to its forms', async () => {
    const page = await h.openPage('/dialogues/cykelplan-2030');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal(await page.locator('main h1').innerText(), 'Cykelplan 2030');
    const text = await page.locator('main').innerText();
    assert.match(text, /Kommunen lyssnar på vad du tycker/);
    assert.match(text, /Samhällsbyggnadsförvaltningen/);
    assert.match(text, /Kommunstyrelsen, 2025-11-24, § 113/);
    const panel = page.getByRole('link', { name: 'Svara på frågepanelen' });
    assert.equal(await panel.getAttribute('href'), '/forms/panel_response?dialogue=cykelplan-2030');
    await h.checkAxe(page, 'public dialogue page');
    await h.screenshot(page, 'dialogue-public');

    const english = await h.openPage('/dialogues/cykelplan-2030?lang=en');
    assert.equal(await english.getAttribute('html', 'lang'), 'en');
    await h.checkAxe(english, 'public dialogue page, English');

    // A dialogue not yet launched has no public page.
    await h.openPage('/dialogues/skolgarden', { status: 404 });
});

test('an official takes the commission step from the dialogue page', async () => {
    const official = await h.newContext();
    const login = await h.openPage('/login?next=/official/dialogues', { context: official });
    await login.getByLabel('Användarnamn').fill(username);
    await login.getByLabel('Lösenord').fill(password);
    await Promise.all([login.waitForURL(/\/official\/dialogues$/), login.getByRole('button', { name: 'Logga in' }).click()]);
    await h.checkAxe(login, 'officials dialogue list');
    await Promise.all([login.waitForURL(/skolgarden$/), login.getByRole('link', { name: 'Skolgården i Norr' }).click()]);
    const page = login;
    await h.checkAxe(page, 'officials dialogue page');

    // The decision without its paragraph: the gap is named beside its field, what was typed stays.
    await page.getByLabel('Beslutande organ').fill('Barn- och utbildningsnämnden');
    await page.getByLabel('Beslutsdatum').fill('2025-10-01');
    await page.getByLabel('Diarienummer').fill('BUN2025/12');
    await page.getByRole('button', { name: /Genomför/ }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#f-decision-paragraph').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Diarienummer').inputValue(), 'BUN2025/12');
    await h.checkAxe(page, 'officials dialogue page, step refused');
    await h.screenshot(page, 'dialogue-official-refused');

    await page.getByLabel('Paragraf (§)').fill('§ 42');
    await Promise.all([page.waitForURL(/skolgarden$/), page.getByRole('button', { name: /Genomför/ }).click()]);
    assert.match(await page.locator('main').innerText(), /Nu: Planering \(steg 3\)/);
    await h.checkAxe(page, 'officials dialogue page, in planning');

    // It took effect.
    const r = await official.request.get(h.url('/api/v1/dialogues/skolgarden'));
    const body = await r.json();
    assert.equal(body.state, 'planning');
    assert.equal(body.decision.paragraph, '§ 42');
    assert.equal(body.history[0].decided_by, username);
});
