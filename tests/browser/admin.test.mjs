// The secretariat at work: rejecting with a reason, users (role and disabling with If-Match,
// a stale version explained), API clients (the secret shown once, deletion); and a signatory
// managing the organisation's representatives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, settled, axe, confirmDialog, loginUI, call, apiLogin, makeUser, ADMIN, RUN } from './support.mjs';

let admin;
let adminToken;
const tabs = (page) => page.getByRole('navigation', { name: 'Kansliets sidor' });

before(async () => {
  adminToken = await apiLogin(ADMIN.email, ADMIN.password);
  admin = await open();
  await admin.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await loginUI(admin.page, ADMIN.email, ADMIN.password);
  await admin.page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click();
  await settled(admin.page);
});
after(async () => {
  await admin.page.assertClean('secretariat session');
  await admin.context.close();
});

test('rejecting an organisation needs a reason', async () => {
  const owner = await makeUser('avvisad');
  const token = await apiLogin(owner.email, owner.password);
  const name = `Aktiebolaget Inte Ideellt ${RUN}`;
  await call('POST', '/organisations', { name, kind: 'annan' }, token);
  const { page } = admin;
  await tabs(page).getByRole('link', { name: 'Användare' }).click(); // reload the list
  await settled(page);
  await tabs(page).getByRole('link', { name: 'Att granska' }).click();
  await settled(page);
  const item = page.locator('.org-item', { hasText: name });
  const reject = item.getByRole('button', { name: `Avvisa ${name}` });
  assert.equal(await reject.getAttribute('aria-expanded'), 'false');
  await reject.click();
  assert.equal(await reject.getAttribute('aria-expanded'), 'true');
  const reason = item.getByLabel(/^Motivering till avvisningen/);
  assert.ok(await reason.evaluate((el) => el === document.activeElement), 'focus moves to the reason');
  await item.getByRole('button', { name: 'Avvisa organisationen' }).click();
  await item.locator('.error-summary').waitFor();
  assert.match(await item.locator('.field-error').innerText(), /måste fyllas i/);
  await axe(page, 'secretariat: rejecting without a reason');
  await reason.fill('Organisationen är ett aktiebolag och inte idéburen.');
  await item.getByRole('button', { name: 'Avvisa organisationen' }).click();
  await confirmDialog(page, { title: `Avvisa ${name}?`, answer: 'Avvisa organisationen', label: 'secretariat: confirming a rejection' });
  await page.locator('main').getByText(`${name} är avvisad.`).waitFor();
  assert.equal(await page.locator('.org-item', { hasText: name }).count(), 0);
  // the owner sees the reason on the organisation's page
  const { data } = await call('GET', '/me', undefined, token);
  const org = (await call('GET', `/organisations/${data.organisations[0].id}`, undefined, token)).data;
  assert.equal(org.status, 'rejected');
  assert.equal(org.status_reason, 'Organisationen är ett aktiebolag och inte idéburen.');
});

test('a user: role and disabling with If-Match, a stale version explained', async () => {
  const u = await makeUser('kanslist');
  const { page } = admin;
  await tabs(page).getByRole('link', { name: 'Användare' }).click();
  await settled(page);
  await page.getByLabel('Sök på namn eller e-post').fill(u.email);
  await page.waitForFunction(() => document.querySelectorAll('.table tbody tr').length === 1);
  await page.getByRole('link', { name: u.name }).click();
  await page.getByRole('heading', { level: 2, name: `Ändra användare ${u.name}` }).waitFor();
  await settled(page);
  await page.getByLabel('Roll').selectOption('admin');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.locator('main').getByText('Användaren är sparad.').waitFor();
  assert.equal((await apiLogin(u.email, u.password)).length > 0, true);
  // someone else disables the user meanwhile; this page still holds the older version
  const list = (await call('GET', `/users?q=${encodeURIComponent(u.email)}`, undefined, adminToken)).data.items[0];
  const { etag } = await call('GET', `/users/${list.id}`, undefined, adminToken);
  const res = await fetch(`${process.env.IDEKOM_BASE_URL}/api/v1/users/${list.id}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}`, 'If-Match': etag },
    body: JSON.stringify({ disabled: true }),
  });
  assert.equal(res.status, 200);
  page.allow(412);
  await page.getByLabel('Roll').selectOption('member');
  await page.getByRole('button', { name: 'Spara' }).click();
  const warn = page.locator('.notice-warning');
  await warn.waitFor();
  assert.match(await warn.innerText(), /Någon annan har ändrat användaren/);
  assert.ok(await warn.evaluate((el) => el === document.activeElement));
  assert.equal(await page.getByLabel('Stäng av användaren (kan inte logga in)').isChecked(), true, 'the form shows the saved version');
  await axe(page, 'secretariat: a user changed by someone else');
  // now enable them again and make them a member
  await page.getByLabel('Stäng av användaren (kan inte logga in)').uncheck();
  await page.getByLabel('Roll').selectOption('member');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.locator('main').getByText('Användaren är sparad.').waitFor();
  const after = (await call('GET', `/users/${list.id}`, undefined, adminToken)).data;
  assert.equal(after.role, 'member');
  assert.equal(after.disabled, false);
});

test('API clients: created with its secret shown once, then deleted', async () => {
  const { page } = admin;
  const name = `Föreningsregistret ${RUN}`;
  await tabs(page).getByRole('link', { name: 'API-klienter' }).click();
  await settled(page);
  await page.getByRole('button', { name: 'Skapa API-klient' }).click();
  await page.locator('.error-summary').waitFor();
  assert.match(await page.locator('.error-summary').innerText(), /Namn på klienten: måste fyllas i[\s\S]*Behörigheter: måste fyllas i/);
  await axe(page, 'secretariat: new API client with errors');
  await page.getByLabel(/^Namn på klienten/).fill(name);
  await page.getByRole('checkbox', { name: /Läsa organisationer/ }).check();
  await page.getByRole('checkbox', { name: /Läsa ändringsflödet/ }).check();
  await page.getByRole('button', { name: 'Skapa API-klient' }).click();
  const box = page.locator('.secret-box');
  await box.waitFor();
  await settled(page);
  assert.ok(await box.evaluate((el) => el === document.activeElement));
  const secret = await page.getByLabel('Klienthemlighet').inputValue();
  assert.match(secret, /^cs_[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'Kopiera' }).click();
  await box.getByText('Kopierat.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await axe(page, 'secretariat: API client secret shown once');
  // the secret works with the client-credentials grant
  const clientId = await box.locator('dd code').innerText();
  const tok = await call('POST', '/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  assert.equal(tok.data.token_type, 'Bearer');
  // delete, after confirming
  const row = page.locator('tr', { hasText: name });
  // the button says what it does; the client's name is its description, not its label
  const del = row.getByRole('button', { name: 'Ta bort', exact: true });
  assert.equal(await del.getAttribute('aria-describedby'), await row.locator('td').first().getAttribute('id'));
  await del.click();
  await confirmDialog(page, { title: `Radera ${name}?`, answer: 'Avbryt' });
  assert.ok(await del.evaluate((b) => b === document.activeElement), 'focus back on the button');
  assert.equal(await page.locator('tr', { hasText: name }).count(), 1, 'cancelling deleted nothing');
  await del.click();
  await confirmDialog(page, { title: `Radera ${name}?`, answer: 'Ja, radera', label: 'secretariat: confirming the deletion of an API client' });
  await page.locator('main').getByText(`${name} är raderad.`).waitFor();
  assert.equal(await page.locator('tr', { hasText: name }).count(), 0);
  assert.equal(await page.locator('.secret-box').count(), 0, 'the secret is gone from the page');
});

test('a signatory manages the representatives of the organisation', async () => {
  const owner = await makeUser('firmatecknare');
  const helper = await makeUser('hjalpreda');
  const token = await apiLogin(owner.email, owner.password);
  const name = `Föreningen Många Händer ${RUN}`;
  await call('POST', '/organisations', { name, kind: 'ideell_forening' }, token);
  const { page, context } = await open();
  await loginUI(page, owner.email, owner.password);
  await page.getByRole('link', { name: `Hantera företrädare för ${name}` }).click();
  await page.getByRole('heading', { level: 1, name: `Företrädare för ${name}` }).waitFor();
  await settled(page);
  await axe(page, 'representatives of an organisation');
  // a person without an account: the API's 422 at the e-mail field
  page.allow(422);
  await page.getByLabel(/^E-post/).fill(`ingen-${RUN}@web.test`);
  await page.getByRole('button', { name: 'Lägg till' }).click();
  await page.locator('#f-email-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#f-email-error').innerText(), /ingen har ett konto med den e-postadressen/);
  await axe(page, 'representatives: an e-mail without an account');
  await page.getByLabel(/^E-post/).fill(helper.email);
  await page.getByRole('button', { name: 'Lägg till' }).click();
  await page.locator('main').getByText(`${helper.name} är tillagd.`).waitFor();
  const row = page.locator('tbody tr', { hasText: helper.email });
  assert.match(await row.innerText(), /Företrädare/);
  await row.getByLabel(`Ny roll för ${helper.name}`).selectOption('signatory');
  await row.getByRole('button', { name: `Byt roll för ${helper.name}` }).click();
  await page.locator('main').getByText(`${helper.name} är nu undertecknare.`).waitFor();
  assert.match(await page.locator('tbody tr', { hasText: helper.email }).innerText(), /Undertecknare/);
  await page.locator('tbody tr', { hasText: helper.email }).getByRole('button', { name: `Ta bort ${helper.name}` }).click();
  await confirmDialog(page, { title: `Ta bort ${helper.name}?`, answer: 'Ja, ta bort', label: 'confirming the removal of a representative' });
  await page.locator('main').getByText(`${helper.name} är borttagen.`).waitFor();
  assert.equal(await page.locator('tbody tr', { hasText: helper.email }).count(), 0);
  await axe(page, 'representatives after changes');
  await page.assertClean('representatives');
  await context.close();
});

test('a new version of the agreement: drafted from the current one, changed, adopted', async () => {
  const { page } = admin;
  const title = `Överenskommelse om samverkan 2027 ${RUN}`;
  await tabs(page).getByRole('link', { name: 'Överenskommelser' }).click();
  await settled(page);
  await axe(page, 'secretariat: agreements');
  await page.getByRole('link', { name: 'Ny version av överenskommelsen' }).click();
  await page.getByRole('heading', { level: 2, name: 'Ny version av överenskommelsen' }).waitFor();
  await settled(page);
  const principles = page.locator('#f-principles');
  const before = await principles.locator('.row').count();
  await principles.getByRole('button', { name: 'Lägg till: Princip' }).click();
  assert.equal(await principles.locator('.row').count(), before + 1);
  assert.equal(await page.evaluate(() => document.activeElement.id), `f-principles-${before}-code`, 'focus goes to the new row');
  await page.keyboard.type(`delaktighet_${RUN}`); // codes are unique within an agreement
  await principles.locator('.row').last().getByLabel(/^Titel/).fill('Delaktighet');
  await page.getByLabel(/^Kortnamn i adressen/).fill('Inte Ett Kortnamn');
  await page.getByLabel(/^Titel/).first().fill(title);
  page.allow(422);
  await page.getByRole('button', { name: 'Spara utkastet' }).click();
  await page.locator('#f-slug-error').waitFor({ state: 'visible' });
  await axe(page, 'secretariat: new agreement with a field error');
  await page.getByLabel(/^Kortnamn i adressen/).fill(`test-2027-${RUN}`);
  await page.getByRole('button', { name: 'Spara utkastet' }).click();
  await page.locator('main').getByText('Utkastet är sparat.').first().waitFor();
  await settled(page);
  assert.equal(await page.locator('#f-principles .row').last().getByLabel(/^Kod/).inputValue(), `delaktighet_${RUN}`);
  await axe(page, 'secretariat: editing a draft agreement');
  // adopt it, with the decision behind it
  await page.getByLabel(/^Instans/).fill('Kommunfullmäktige');
  await page.locator('#f-adopt-date').fill('2026-11-26');
  await page.getByLabel(/^Diarienummer/).fill('Dnr 1234/26');
  await page.getByRole('button', { name: 'Anta överenskommelsen' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await settled(page);
  const main = await page.locator('main').innerText();
  assert.match(main, /Överenskommelsen är antagen och gäller nu/);
  assert.match(main, /Gällande/);
  assert.match(main, /Delaktighet/);
  assert.match(main, /Kommunfullmäktige[\s\S]*Dnr 1234\/26/);
  await axe(page, 'the newly adopted agreement');
});

test('the audit log, filtered', async () => {
  const { page } = admin;
  await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click();
  await settled(page);
  await tabs(page).getByRole('link', { name: 'Händelselogg' }).click();
  await page.getByRole('heading', { level: 2, name: 'Händelselogg' }).waitFor();
  await settled(page);
  assert.ok((await page.locator('tbody tr').count()) > 0);
  await page.getByLabel('Typ av uppgift').selectOption('agreement');
  await page.waitForURL(/entity_type=agreement/);
  await settled(page);
  const kinds = await page.locator('tbody tr td:nth-child(4)').allInnerTexts();
  assert.ok(kinds.length > 0 && kinds.every((k) => k.startsWith('Överenskommelse')), kinds.join(' | '));
  assert.match(await page.locator('tbody').innerText(), /Antagen/);
  await page.locator('tbody details summary').first().click();
  await axe(page, 'secretariat: audit log, filtered');
  // words, never codes: every action and every changed field has a Swedish label
  await page.getByLabel('Typ av uppgift').selectOption('');
  await settled(page);
  const actions = await page.locator('tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(actions.length > 0);
  for (const a of actions) assert.doesNotMatch(a, /^[a-z_]+$/, `a raw action code in the audit log: ${a}`);
  for (const d of await page.locator('tbody details').all()) await d.locator('summary').click();
  const fields = (await page.locator('tbody .changes li').allInnerTexts()).map((x) => x.split(':')[0]);
  assert.ok(fields.length > 0);
  for (const f of fields) assert.doesNotMatch(f, /^[a-z_]+$/, `a raw field name in the audit log: ${f}`);
  assert.ok(fields.includes('Namn') || fields.includes('Status'), fields.join(' | '));
});
