// The secretariat's daily tools in the browser: the verification queue filtered and paged
// past its first page; a rejected organisation corrected and sent back by its signatory; the
// signatory and mandate of every endorsement for the secretariat, and an endorsement received
// on paper recorded on an organisation's behalf with its scanned copy (a refused file asked
// for again; the copy downloaded, by the secretariat only); the webhooks page with a failed
// delivery retried (in English). Every state passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { open, settled, axe, loginTo, call, apiLogin, makeUser, orgNumber, ensureAgreement, memberWithOrganisation, ADMIN, RUN } from './support.mjs';

let adminToken;
let admin;
const word = `Kö${RUN}`;

before(async () => {
  adminToken = await apiLogin(ADMIN.email, ADMIN.password);
  admin = await open();
});
after(async () => {
  await admin.page.assertClean('secretariat');
  await admin.context.close();
});

test('the verification queue is filtered and pages past its first page', async () => {
  // 53 pending organisations with a word of their own: more than one page of 50
  await Promise.all(Array.from({ length: 53 }, (_, i) => call('POST', '/organisations', { name: `Granskningsföreningen ${word} ${String(i).padStart(2, '0')}`, kind: 'ideell_forening', org_number: orgNumber() }, adminToken)));
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, '/kansli');
  await page.getByLabel('Sök på namn eller verksamhet').fill(word);
  await page.getByRole('button', { name: 'Filtrera', exact: true }).click();
  await page.locator('main').getByText('Visar 50 organisationer – det finns fler').waitFor();
  await settled(page);
  assert.equal(await page.locator('.org-list > li').count(), 50);
  assert.match(page.url(), /\/kansli\?q=/);
  await axe(page, 'the verification queue, filtered');
  await page.getByRole('button', { name: 'Visa fler' }).click();
  await page.locator('main').getByText('Visar 53 organisationer', { exact: true }).waitFor();
  assert.equal(await page.locator('.org-list > li').count(), 53);
  assert.ok(await page.locator('.org-list > li').nth(50).locator('a').evaluate((a) => a === document.activeElement), 'focus on the first new item');
  await page.getByLabel('Organisationsform').selectOption('stiftelse');
  await page.locator('main').getByText('Inga organisationer väntar på granskning.').waitFor();
  await axe(page, 'the verification queue, nothing matches');
});

test('a rejected organisation is corrected and sent back by its signatory', async () => {
  const m = await memberWithOrganisation('rattar');
  await call('POST', `/organisations/${m.org.id}/reject`, { reason: 'Beskrivningen saknas.' }, adminToken);
  const { page, context } = await open();
  await loginTo(page, m.email, m.password, '/mina-organisationer');
  const item = page.locator('.org-item', { hasText: m.org.name });
  assert.match(await item.innerText(), /Avvisad[\s\S]*Beskrivningen saknas\./);
  await axe(page, 'my organisations, one rejected');
  await item.getByRole('button', { name: `Skicka ${m.org.name} till kansliet igen` }).click();
  await item.getByText(`${m.org.name} är skickad till kansliet och väntar på granskning.`).waitFor();
  assert.match(await item.innerText(), /Väntar på granskning/);
  assert.equal(await item.getByRole('button', { name: /Skicka .* igen/ }).count(), 0);
  await axe(page, 'my organisations, sent back');
  await page.assertClean('resubmitting');
  await context.close();
});

test('the secretariat sees who signed and under which mandate, and records a paper endorsement', async () => {
  const agreement = await ensureAgreement();
  const online = await memberWithOrganisation('digital', adminToken);
  await call('POST', `/agreements/${agreement.id}/endorsements`, { organisation_id: online.org.id, signatory_name: 'Dagny Digital', signatory_title: 'Ordförande', mandate: 'Styrelsebeslut 2026-01-10 §3' }, online.token);
  const onPaper = await memberWithOrganisation('papper', adminToken);
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, '/overenskommelsen');
  const reg = page.locator('table', { has: page.getByRole('columnheader', { name: 'Undertecknare och mandat' }) });
  await reg.waitFor();
  assert.match(await reg.locator('tr', { hasText: online.org.name }).innerText(), /Dagny Digital, Ordförande[\s\S]*Mandat: Styrelsebeslut 2026-01-10 §3/);
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Registrera anslutningen' }) });
  await form.getByLabel(/^Organisation/).selectOption({ label: onPaper.org.name });
  await form.getByRole('button', { name: 'Registrera anslutningen' }).click();
  await form.locator('.error-summary').waitFor();
  assert.match(await form.locator('.error-summary').innerText(), /Namn på den som undertecknar: måste fyllas i[\s\S]*Beslut om anslutning: måste fyllas i/);
  await axe(page, 'paper endorsement form with errors');
  await form.getByLabel(/^Namn på den som undertecknar/).fill('Pia Papper');
  await form.getByLabel(/^Beslut om anslutning/).fill('Årsmötesbeslut 2026-02-20 §9');
  const scan = Buffer.from(`%PDF-1.7\n% ${RUN}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);
  await form.getByLabel(/^Skannad kopia av papperet/).setInputFiles({ name: 'anslutning-papper.pdf', mimeType: 'application/pdf', buffer: scan });
  await form.getByRole('button', { name: 'Registrera anslutningen' }).click();
  await page.locator('main').getByText(`Anslutningen för ${onPaper.org.name} är registrerad och den skannade kopian är sparad.`).waitFor();
  await settled(page);
  const row = page.locator('table tr', { hasText: onPaper.org.name });
  assert.match(await row.innerText(), /Pia Papper[\s\S]*Mandat: Årsmötesbeslut 2026-02-20 §9[\s\S]*Kom in på papper \d+ \S+ \d{4}[\s\S]*Skannad kopia: Anslutning på papper från/);
  await axe(page, 'the register with a paper endorsement and its scan (secretariat)');
  // the copy is the secretariat's: the link fetches it with the session's token
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: `Skannad kopia: Anslutning på papper från ${onPaper.org.name} (1 kB)` }).click()]);
  assert.equal(download.suggestedFilename(), 'anslutning-papper.pdf');
  assert.ok(fs.readFileSync(await download.path()).equals(scan), 'the downloaded copy is the uploaded file');

  // a file that is not what it says: the endorsement stands and the file is asked for again
  page.allow(415);
  const second = await memberWithOrganisation('papper2', adminToken);
  await page.reload();
  await settled(page);
  await form.getByLabel(/^Organisation/).selectOption({ label: second.org.name });
  await form.getByLabel(/^Namn på den som undertecknar/).fill('Per Papper');
  await form.getByLabel(/^Beslut om anslutning/).fill('Styrelsebeslut 2026-03-01 §2');
  await form.getByLabel(/^Skannad kopia av papperet/).setInputFiles({ name: 'skanning.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await form.getByRole('button', { name: 'Registrera anslutningen' }).click();
  const retry = page.getByRole('form', { name: `Lägg till skannad kopia för ${second.org.name}` });
  await retry.locator('.error-summary').waitFor();
  assert.match(await page.locator('#anslut').innerText(), new RegExp(`Anslutningen för ${second.org.name} är registrerad, men den skannade kopian kunde inte sparas\\. Välj filen igen\\.`));
  assert.match(await retry.locator('.error-summary').innerText(), /Skannad kopia för .*: Filen är inte av en tillåten typ/);
  await axe(page, 'a paper endorsement whose scan was refused');
  await retry.getByLabel(/^Skannad kopia för/).setInputFiles({ name: 'skanning.pdf', mimeType: 'application/pdf', buffer: scan });
  await retry.getByRole('button', { name: 'Spara kopian' }).click();
  await page.locator('main').getByText(`Anslutningen för ${second.org.name} är registrerad och den skannade kopian är sparad.`).waitFor();
  await settled(page);
  assert.match(await page.locator('table tr', { hasText: second.org.name }).innerText(), /Skannad kopia: Anslutning på papper från/);

  // the public register names neither, and shows no copy
  const anon = await open();
  await anon.page.goto(page.url());
  await settled(anon.page);
  assert.doesNotMatch(await anon.page.locator('main').innerText(), /Pia Papper|Årsmötesbeslut|Undertecknare och mandat|Skannad kopia|Kom in på papper/);
  await anon.context.close();
});

test('a paper endorsement recorded without its scan gets it later, from the register', async () => {
  const agreement = await ensureAgreement();
  const later = await memberWithOrganisation('senare', adminToken);
  await call('POST', `/agreements/${agreement.id}/paper-endorsements`, { organisation_id: later.org.id, signatory_name: 'Lena Senare', mandate: 'Styrelsebeslut', received_on: '2026-01-15' }, adminToken);
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, '/overenskommelsen');
  const row = page.locator('table tr', { hasText: later.org.name });
  await row.waitFor();
  assert.match(await row.innerText(), /Kom in på papper 15 januari 2026/);
  const open1 = row.getByRole('button', { name: `Lägg till skannad kopia för ${later.org.name}` });
  await open1.click();
  assert.equal(await open1.getAttribute('aria-expanded'), 'true');
  await row.getByRole('button', { name: 'Spara kopian' }).click();
  await row.locator('.error-summary').waitFor();
  assert.match(await row.locator('.error-summary').innerText(), /Välj en fil\./);
  await axe(page, 'adding a scan from the register, no file chosen');
  await row.getByLabel(/^Skannad kopia för/).setInputFiles({ name: 'sida-1.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0c5e1b50000000049454e44ae426082', 'hex') });
  await row.getByRole('button', { name: 'Spara kopian' }).click();
  await page.locator('main').getByText(`Den skannade kopian för ${later.org.name} är sparad.`).waitFor();
  await settled(page);
  assert.match(await page.locator('table tr', { hasText: later.org.name }).innerText(), /Skannad kopia: Anslutning på papper från/);
  assert.equal(await page.locator('table tr', { hasText: later.org.name }).getByRole('button', { name: /Lägg till skannad kopia/ }).count(), 0);
});

test('en: the webhooks page shows deliveries and their errors; a failed delivery is retried', async () => {
  let answer = 503;
  const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(answer).end()); });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const hook = (await call('POST', '/webhooks', { url: `http://127.0.0.1:${server.address().port}/${RUN}`, types: ['organisation'] }, adminToken)).data;
    await call('POST', '/organisations', { name: `Webhookföreningen ${RUN}`, kind: 'ideell_forening', org_number: orgNumber() }, adminToken);
    let d;
    for (let i = 0; i < 200 && !(d = (await call('GET', `/webhooks/${hook.id}/deliveries`, undefined, adminToken)).data.items.find((x) => x.attempts >= 1)); i++) await new Promise((ok) => setTimeout(ok, 50));
    assert.ok(d, 'no attempt was made');
    // the scene: the delivery's 24 hours have passed and it failed (as the worker would record)
    execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', process.env.DATABASE_URL, '-c', `UPDATE webhook_delivery SET status = 'failed', locked_until = NULL WHERE id = '${d.id}'`]);
    answer = 200;
    const { page, context } = await open();
    await loginTo(page, ADMIN.email, ADMIN.password, '/kansli');
    await page.getByRole('button', { name: 'English' }).click();
    await settled(page);
    await page.getByRole('navigation', { name: /Secretariat/ }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 2, name: 'Webhooks' }).waitFor();
    await settled(page);
    const item = page.locator('.org-item', { hasText: hook.url });
    const show = item.getByRole('button', { name: `Show deliveries to ${hook.url}` });
    await show.click();
    assert.equal(await show.getAttribute('aria-expanded'), 'true');
    const row = item.locator('tbody tr', { hasText: 'Failed' });
    await row.waitFor();
    assert.match(await row.innerText(), /The receiver answered 503/);
    await axe(page, 'en: webhooks with a failed delivery');
    await row.getByRole('button', { name: `Try delivering event no. ${d.event_seq} again` }).click();
    await item.getByText(`Event no. ${d.event_seq} will be sent again shortly.`).waitFor();
    let after;
    for (let i = 0; i < 200 && (after = (await call('GET', `/webhooks/${hook.id}/deliveries`, undefined, adminToken)).data.items.find((x) => x.id === d.id)).status !== 'delivered'; i++) await new Promise((ok) => setTimeout(ok, 50));
    assert.equal(after.status, 'delivered');
    await axe(page, 'en: webhooks after a retry');
    await page.assertClean('webhooks page');
    await context.close();
  } finally {
    server.close();
  }
});
