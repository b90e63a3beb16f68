// The front end as people use it day to day: the secretariat's landing page, meetings and
// their seats, confirmations in dialogs, a volunteer's statuses and forms, notices that go
// away, the register's filters in the address, the spreadsheet file, Swedish content in
// English mode, the month calendar and the organisation search on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { open, visit, settled, switchLanguage, axe, confirmDialog, loginTo, loginUI, call, apiLogin, makeUser, memberWithOrganisation, ensureAgreement, ensureRegister, ADMIN, RUN, REPO_ROOT } from './support.mjs';
import { stampWeb } from '../../tools/stamp-web.mjs';
import { local } from '../../web/js/i18n.js';

let adminToken;
const closeAll = [];
before(async () => { adminToken = await apiLogin(ADMIN.email, ADMIN.password); });
after(async () => { for (const c of closeAll) await c.close(); });
const session = async (o) => { const s = await open(o); closeAll.push(s.context); return s; };
const hours = (n) => new Date(Date.now() + n * 3600e3).toISOString();

test('every module and style sheet the pages load carries the current release version', async () => {
  const { version } = stampWeb({ check: true });
  const { page } = await session();
  for (const p of ['/', '/dialoger', '/overenskommelsen', '/organisationer']) await visit(page, p);
  const urls = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /\/(js|css|i18n)\//.test(u)));
  assert.ok(urls.length >= 5, `modules loaded: ${urls.length}`);
  assert.deepEqual(urls.filter((u) => !u.endsWith(`?v=${version}`)), [], 'addresses without the version');
});

test('the secretariat lands on Kansliet; seats in words; a held meeting offers no seats', async () => {
  const full = (await call('POST', '/dialogues', { title: `Fullt möte ${RUN}`, kind: 'dialogmote', starts_at: hours(24 * 20), ends_at: hours(24 * 20 + 2), capacity: 1 }, adminToken)).data;
  for (const tag of ['plats', 'kö-ett', 'kö-två']) {
    const m = await memberWithOrganisation(tag, adminToken);
    await call('POST', `/dialogues/${full.id}/registrations`, { organisation_id: m.org.id, attendees: 1 }, m.token);
  }
  const held = (await call('POST', '/dialogues', { title: `Hållet möte ${RUN}`, kind: 'dialogmote', starts_at: hours(-30), ends_at: hours(-28), capacity: 10 }, adminToken)).data;
  await call('PATCH', `/dialogues/${held.id}`, { status: 'held' }, adminToken).catch(async () => {
    const { etag } = await call('GET', `/dialogues/${held.id}`);
    const r = await fetch(`${process.env.IDEKOM_BASE_URL}/api/v1/dialogues/${held.id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}`, 'If-Match': etag }, body: '{"status":"held"}' });
    assert.equal(r.status, 200, await r.text());
  });
  const { page } = await session();
  await visit(page, '/logga-in');
  await page.getByLabel(/^E-postadress/).fill(ADMIN.email);
  await page.getByLabel(/^Lösenord/).fill(ADMIN.password);
  await page.locator('main form').getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL((u) => u.pathname === '/kansli');
  await page.getByRole('heading', { level: 1, name: 'Kansliet' }).waitFor();
  await settled(page);
  await page.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Dialoger' }).click();
  await settled(page);
  const row = page.locator('tr', { hasText: full.title });
  assert.match(await row.innerText(), /1 av 1 plats, 2 på kölistan/);
  await axe(page, 'secretariat: dialogues with seats in words');
  // the held meeting: no seats left, no waiting list, no registration, no "you represent nothing"
  await page.getByRole('link', { name: `Visa den publika sidan för ${held.title}` }).click(); // a reload would log out
  await page.getByRole('heading', { level: 1, name: held.title }).waitFor();
  await settled(page);
  const text = await page.locator('main').innerText();
  assert.match(text, /Genomförd/);
  assert.doesNotMatch(text, /platser kvar|Kölista|Fullbokad|Anmälan öppen/);
  assert.doesNotMatch(text, /Du företräder ingen organisation/);
  assert.match(text, /Anmälningar och närvaro hanterar kansliet/);
  await axe(page, 'a held dialogue (secretariat)');
});

test('unregistering asks first, in a modal dialog that keeps and returns the focus (also in English)', async () => {
  const d = (await call('POST', '/dialogues', { title: `Möte att lämna ${RUN}`, kind: 'dialogmote', starts_at: hours(24 * 9), ends_at: hours(24 * 9 + 2), capacity: 5 }, adminToken)).data;
  const m = await memberWithOrganisation('lamnar', adminToken);
  await call('POST', `/dialogues/${d.id}/registrations`, { organisation_id: m.org.id, attendees: 2 }, m.token);
  const { page } = await session();
  await loginTo(page, m.email, m.password, `/dialoger/${d.id}`);
  const off = page.getByRole('button', { name: `Avanmäl ${m.org.name}` });
  await off.click();
  const dialog = page.getByRole('dialog', { name: `Avanmäla ${m.org.name}?` });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /lämnar sin plats/);
  // Tab stays inside the dialog; the page behind is inert
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('dialog') || document.activeElement === document.body), 'focus left the dialog');
  }
  await axe(page, 'confirmation dialog open');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.ok(await off.evaluate((b) => b === document.activeElement), 'focus back on Avanmäl');
  assert.equal((await call('GET', `/dialogues/${d.id}/registrations`)).data.items[0].status, 'registered', 'Escape changed nothing');
  // in English the dialog is English and axe-clean too
  await switchLanguage(page, 'en');
  await page.getByRole('button', { name: `Unregister ${m.org.name}` }).click();
  await confirmDialog(page, { title: `Unregister ${m.org.name}?`, answer: 'Yes, unregister', label: 'confirmation dialog (English)' });
  // the notice shows where the person is: in the registration section
  const notice = page.locator('#anmalan .flash');
  await notice.waitFor();
  assert.match(await notice.innerText(), new RegExp(`${m.org.name}`));
  assert.ok(await notice.isVisible());
  assert.equal((await call('GET', `/dialogues/${d.id}/registrations`)).data.items[0].status, 'cancelled');
  await switchLanguage(page, 'sv');
});

test('"Mina organisationer" shows each status, the rejection with its reason', async () => {
  const u = await makeUser('status');
  const token = await apiLogin(u.email, u.password);
  const mk = async (name) => (await call('POST', '/organisations', { name: `${name} ${RUN}`, kind: 'ideell_forening' }, token)).data;
  const waiting = await mk('Väntande föreningen');
  const ok = await mk('Godkända föreningen');
  const no = await mk('Avvisade bolaget');
  await call('POST', `/organisations/${ok.id}/verify`, undefined, adminToken);
  await call('POST', `/organisations/${no.id}/reject`, { reason: 'Ett aktiebolag är inte idéburet.' }, adminToken);
  const { page } = await session();
  await loginUI(page, u.email, u.password);
  const item = (o) => page.locator('.org-item', { hasText: o.name });
  assert.match(await item(waiting).innerText(), /Väntar på granskning/);
  assert.match(await item(ok).innerText(), /Verifierad/);
  assert.match(await item(no).innerText(), /Avvisad[\s\S]*Ett aktiebolag är inte idéburet\./);
  // "Du är inloggad." shows once, and goes away when closed (focus to the heading)
  const flash = page.locator('.flash', { hasText: 'Du är inloggad.' });
  assert.ok(await flash.isVisible());
  await axe(page, 'my organisations with statuses');
  await flash.getByRole('button', { name: 'Stäng meddelandet' }).click();
  assert.equal(await flash.count(), 0);
  assert.ok(await page.evaluate(() => document.activeElement.tagName === 'H1'));
  await page.getByRole('link', { name: 'Organisationer', exact: true }).first().click();
  await settled(page);
  await page.goBack();
  await settled(page);
  assert.equal(await page.locator('.flash').count(), 0, 'the notice shows once');
});

test('creating an account names every wrong field at once; a website without https:// is kept', async () => {
  const { page } = await session();
  await visit(page, '/skapa-konto');
  await page.getByLabel(/^E-postadress/).fill('inte-en-adress');
  await page.getByLabel(/^Lösenord/).fill('kort');
  await page.locator('main form').getByRole('button', { name: 'Skapa konto' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  const items = await summary.locator('li').allInnerTexts();
  assert.deepEqual(items, ['Ditt namn: måste fyllas i', 'E-postadress: måste vara en e-postadress', 'Lösenord: behöver ha minst 12 tecken']);
  await axe(page, 'account form with three errors');
  // an organisation's website typed as people say it
  const m = await memberWithOrganisation('webb');
  await loginTo(page, m.email, m.password, `/organisationer/${m.org.id}/redigera`);
  await page.getByLabel(/^Webbplats/).fill('solglantan.se');
  await page.getByRole('button', { name: 'Spara ändringarna' }).click();
  await page.waitForURL((u) => u.pathname === `/organisationer/${m.org.id}`);
  await settled(page);
  assert.equal(await page.getByRole('link', { name: /solglantan\.se/ }).getAttribute('href'), 'https://solglantan.se');
});

test('withdrawing an endorsement: the confirmation is where the person is looking', async () => {
  const agreement = await ensureAgreement();
  const m = await memberWithOrganisation('aterkallar', adminToken);
  const e = (await call('POST', `/agreements/${agreement.id}/endorsements`, { organisation_id: m.org.id, signatory_name: m.name, mandate: 'Styrelsebeslut' }, m.token)).data;
  assert.ok(e.id);
  const { page } = await session();
  await loginTo(page, m.email, m.password, '/overenskommelsen');
  await page.getByRole('button', { name: `Återkalla anslutningen för ${m.org.name}` }).click();
  await page.getByLabel(/^Skäl till återkallelsen/).fill('Föreningen läggs ner.');
  await page.getByRole('button', { name: 'Återkalla', exact: true }).click();
  const notice = page.locator('#anslut .flash', { hasText: `Anslutningen för ${m.org.name} är återkallad.` });
  await notice.waitFor();
  await settled(page);
  assert.ok(await notice.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }), 'the notice is in view');
});

test('the register keeps its filters in the address, refuses a date that cannot be one, and offers a file for Swedish Excel', async () => {
  await ensureAgreement();
  const { page } = await session();
  await visit(page, '/overenskommelsen?status=active&as_of=2020-06-30');
  const reg = page.locator('#register');
  assert.equal(await reg.getByLabel(/^Status/).inputValue(), 'active');
  assert.equal(await reg.getByLabel(/^Visa registret som det såg ut på ett visst datum/).inputValue(), '2020-06-30');
  await reg.getByLabel(/^Status/).selectOption('');
  await settled(page);
  assert.equal(new URL(page.url()).search, '?as_of=2020-06-30');
  await page.reload();
  await settled(page);
  assert.equal(await reg.getByLabel(/^Visa registret som det såg ut på ett visst datum/).inputValue(), '2020-06-30', 'the view survives a reload');
  // the Excel file and the machine file, the same rows
  const dir = path.join(REPO_ROOT, '.run', 'browser-downloads');
  fs.mkdirSync(dir, { recursive: true });
  await visit(page, '/overenskommelsen');
  const [download] = await Promise.all([page.waitForEvent('download'), reg.getByRole('button', { name: 'Ladda ner för Excel (svensk CSV)' }).click()]);
  const excelFile = path.join(dir, `excel-${RUN}.csv`);
  await download.saveAs(excelFile);
  const bytes = fs.readFileSync(excelFile);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte order mark');
  const excel = parse(bytes, { bom: true, delimiter: ';' });
  assert.deepEqual(excel[0], ['Organisation', 'Organisationsnummer', 'Organisationsform', 'Status', 'Anslöt', 'Återkallade', 'Skäl för återkallandet', 'Ställningstagande']);
  const href = await reg.getByRole('link', { name: 'Ladda ner registret som CSV' }).getAttribute('href');
  const machine = parse(await (await fetch(new URL(href, page.url()))).text(), { columns: true });
  assert.equal(excel.length - 1, machine.length, 'as many rows as the machine file');
  assert.ok(machine.length > 0, 'the register has rows');
  assert.deepEqual(excel.slice(1).map((r) => r[0]), machine.map((r) => r.organisation_name));
  assert.ok(excel.slice(1).every((r) => ['Ansluten', 'Återkallad', 'Behöver förnyas'].includes(r[3])), 'labels, not codes');
  // Gnumeric opens it: every row, the byte order mark taken as UTF-8 (å ä ö intact, nothing
  // before the first column name). Its automatic importer guesses only comma or tab, so each
  // row comes back as one cell, which must then split on semicolons into the same cells.
  const out = path.join(dir, `excel-${RUN}.txt`);
  execFileSync('ssconvert', ['-T', 'Gnumeric_stf:stf_csv', excelFile, out], { stdio: 'pipe' });
  const sheet = parse(fs.readFileSync(out, 'utf8'), { relax_column_count: true });
  assert.equal(sheet.length, excel.length, 'every row');
  assert.deepEqual(sheet.map((r) => parse(r.join(','), { delimiter: ';', relax_quotes: true })[0]), excel);
  // a date that cannot be a date: a Swedish message, and no count without its table
  const date = reg.getByLabel(/^Visa registret som det såg ut på ett visst datum/);
  await date.click();
  await page.keyboard.type('20130101');
  await date.blur();
  await page.waitForFunction(() => document.querySelector('#register .error-summary'));
  assert.match(await reg.locator('#f-as_of-error').innerText(), /Ange ett datum som finns/);
  assert.equal(await reg.locator('.count').innerText(), '');
  assert.equal(await reg.locator('table').count(), 0);
  await axe(page, 'register with a date that cannot be one');
});

test('in English, Swedish content carries lang="sv", and every page stays axe-clean', async () => {
  await ensureAgreement();
  const { page } = await session({ lang: 'en' });
  await visit(page, '/overenskommelsen');
  await switchLanguage(page, 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.locator('main h1').getAttribute('lang'), 'sv');
  assert.ok(await page.locator('#register table td[lang="sv"], main ol[lang="sv"], main dl[lang="sv"]').count() > 0,
    `no Swedish-marked register, list or definitions on ${page.url()}: ${(await page.locator('main').innerText()).slice(0, 300)}`);
  await axe(page, 'the agreement in English');
  const d = (await call('GET', `/dialogues?from=${encodeURIComponent(new Date().toISOString())}&limit=1`)).data.items[0];
  if (d) {
    await visit(page, `/dialoger/${d.id}`);
    assert.equal(await page.locator('main h1').getAttribute('lang'), 'sv', `the h1 of ${d.kind} dialogue "${d.title}" (${d.status})`);
    await axe(page, 'a dialogue in English');
  }
  await visit(page, '/dialoger');
  assert.ok(await page.locator('.org-item a[lang="sv"]').count() > 0 || !d,
    `the dialogue list marks no title lang="sv" (first upcoming: ${d && d.title}): ${(await page.locator('main').innerText()).slice(0, 300)}`);
  await axe(page, 'dialogues in English');
  await switchLanguage(page, 'sv');
});

test('the month calendar marks today, and on a phone it names the month', async () => {
  const now = local(new Date());
  const { page } = await session();
  await visit(page, '/dialoger');
  const today = page.locator('.month-grid td[aria-current="date"]');
  assert.equal(await today.count(), 1);
  assert.match(await today.locator('.daynum').innerText(), new RegExp(`^${now.day}\\b.*i dag`));
  const phone = await session({ width: 390, height: 844 });
  await visit(phone.page, '/dialoger');
  const name = phone.page.locator('#manad .month-name');
  assert.ok(await name.isVisible(), 'the month is named on a phone');
  const month = new Intl.DateTimeFormat('sv-SE', { month: 'long', year: 'numeric', timeZone: 'Europe/Stockholm' }).format(new Date());
  assert.equal(await name.innerText(), month);
  await phone.page.getByRole('button', { name: 'Nästa månad' }).click();
  await settled(phone.page);
  assert.notEqual(await name.innerText(), month);
  await axe(phone.page, 'month calendar on a phone');
});

test('on a phone the organisation search says next to the filters how many it found', async () => {
  await ensureRegister();
  const { page } = await session({ width: 390, height: 844 });
  await visit(page, '/organisationer');
  await page.getByLabel(/^Organisationsform/).selectOption('ideell_forening');
  await settled(page);
  const near = page.locator('form .count-near');
  assert.ok(await near.isVisible());
  const count = await page.locator('.results .count').innerText();
  assert.match(await near.innerText(), new RegExp(`^${count.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(await near.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }), 'the count is in view after the change');
  await near.getByRole('link', { name: 'Till resultaten' }).click();
  assert.ok(await page.locator('#res-h').evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top <= innerHeight; }));
  await axe(page, 'organisation search on a phone');
});
