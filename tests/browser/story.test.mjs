// The organisation story: a person creates an account, confirms the address from the mail
// (read back from a real SMTP server), registers an organisation (first with
// a bad organisation number), the secretariat verifies it, the public list shows it; an edit
// clash between two editors is explained and nothing typed is lost; the signatory endorses the
// agreement, the public register shows it, then withdraws with a reason and the register shows
// it withdrawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, visit, settled, axe, confirmDialog, shot, clickLink, loginUI, orgNumber, badCheckDigit, ensureAgreement, RUN, ADMIN, PASSWORD, BASE } from './support.mjs';
import { startSmtp } from '../http/mail.mjs';

const person = { name: 'Sara Föreningsdotter', email: `sara-${RUN}@web.test` };
const org = { name: `Föreningen Gröna Gården ${RUN}`, number: orgNumber() };
after(async () => {
  await smtp?.close();
});
let member; // the person's browser
let admin;  // the secretariat's browser
let agreement;
let smtp;
const newName = `Gröna Gården i Angered ${RUN}`;

before(async () => {
  smtp = await startSmtp();
  agreement = await ensureAgreement();
  member = await open();
  admin = await open();
});

test('a person creates an account and lands on My organisations', async () => {
  const { page } = member;
  await visit(page, '/');
  await axe(page, 'start (sv, anonymous)');
  await shot(page, 'start');
  await page.locator('.site-header').getByRole('link', { name: 'Skapa konto' }).click();
  await settled(page);
  await axe(page, 'create account form');
  await page.getByLabel('Ditt namn').fill(person.name);
  await page.getByLabel('E-postadress').fill(person.email);
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await page.locator('main').getByRole('button', { name: 'Skapa konto' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mina organisationer' }).waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /Du företräder ingen organisation ännu/);
  assert.match(await page.locator('.site-header').innerText(), new RegExp(`Inloggad som ${person.name}`));
  // tokens stay in memory: nothing but the language choice is stored
  const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
  assert.ok(stored.every((k) => k === 'idekom.lang'), `storage holds ${stored}`);
  await axe(page, 'my organisations (none yet)');
  // registering an organisation waits for a confirmed address: the page says so
  await page.locator('main').getByText('Din e-postadress är inte bekräftad').waitFor();
});

test('the person confirms the address with the link in the mail (in a new tab)', async () => {
  const [mail] = await smtp.waitFor(person.email);
  assert.equal(mail.parsed.subject, 'Bekräfta din e-postadress i Idékom');
  const link = new URL(/https:\/\/idekom\.example\/\S+/.exec(mail.parsed.text)[0]);
  const tab = await member.context.newPage();
  await tab.goto(BASE + link.pathname + link.search);
  await tab.locator('main').getByText('Tack! Din e-postadress är bekräftad.').waitFor();
  await tab.close();
});

test('registering an organisation: a bad organisation number is shown at its field, then it works', async () => {
  const { page } = member;
  await clickLink(page, 'Registrera en organisation');
  await axe(page, 'register organisation form');
  await shot(page, 'register-organisation');
  await page.getByLabel(/^Organisationens namn/).fill(org.name);
  await page.getByLabel(/^Organisationsnummer/).fill(badCheckDigit(org.number));
  await page.getByLabel(/^Organisationsform/).selectOption('ideell_forening');
  await page.getByRole('checkbox', { name: 'Barn och unga' }).check();
  await page.getByRole('checkbox', { name: 'Angered' }).check();
  await page.getByRole('checkbox', { name: 'Lundby' }).check();
  await page.getByLabel(/^Om organisationen/).fill('Odling och gemenskap för barn och unga i Angered och Lundby.');
  await page.getByLabel(/^Webbplats/).fill('https://gronagarden.example.org');
  await page.getByLabel(/^E-post/).fill('info@gronagarden.example.org');
  await page.getByLabel(/^Telefon/).fill('031-12 34 56');
  await page.getByLabel(/^Antal medlemmar/).fill('42');
  page.allow(422);
  await page.getByRole('button', { name: 'Skicka registreringen' }).click();

  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.ok(await summary.evaluate((el) => el === document.activeElement), 'focus is on the error summary');
  assert.match(await summary.innerText(), /Organisationsnummer: har fel kontrollsiffra/);
  const fieldError = page.locator('#f-org_number-error');
  assert.equal(await fieldError.isVisible(), true);
  assert.equal(await fieldError.innerText(), 'har fel kontrollsiffra');
  const input = page.locator('#f-org_number');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.match(await input.getAttribute('aria-describedby'), /f-org_number-error/);
  await page.waitForFunction(() => /kontrollsiffra/.test(document.getElementById('announce').textContent));
  // nothing typed is lost
  assert.equal(await page.getByLabel(/^Organisationens namn/).inputValue(), org.name);
  assert.equal(await page.getByRole('checkbox', { name: 'Lundby' }).isChecked(), true);
  await axe(page, 'register organisation form with a field error');
  // the summary's link takes focus to the field
  await summary.getByRole('link').click();
  assert.ok(await input.evaluate((el) => el === document.activeElement), 'the summary link focuses the field');

  await input.fill(org.number);
  await page.getByRole('button', { name: 'Skicka registreringen' }).click();
  await page.getByRole('heading', { level: 1, name: org.name }).waitFor();
  await settled(page);
  const main = await page.locator('main').innerText();
  assert.match(main, /Väntar på granskning/);
  assert.match(main, new RegExp(org.number));
  assert.match(main, /Ideell förening eller stiftelse/); // legal form from the first digit
  assert.match(main, /Angered, Lundby/);
  assert.match(main, /Företrädare och undertecknare/); // the creator is its signatory
  assert.match(main, new RegExp(person.email));
  await axe(page, 'organisation page (pending, seen by its signatory)');
});

test('the secretariat verifies the organisation', async () => {
  const { page } = admin;
  await visit(page, '/');
  await loginUI(page, ADMIN.email, ADMIN.password);
  await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click();
  await settled(page);
  await page.getByRole('heading', { name: 'Organisationer att granska' }).waitFor();
  const item = page.locator('.org-item', { hasText: org.name });
  await item.waitFor();
  await axe(page, 'secretariat: organisations to review');
  await shot(page, 'secretariat');
  await item.getByRole('button', { name: `Verifiera ${org.name}` }).click();
  await confirmDialog(page, { title: `Verifiera ${org.name}?`, answer: 'Ja, verifiera', label: 'secretariat: confirming a verification' });
  await page.locator('main').getByText(`${org.name} är verifierad.`).waitFor();
  assert.equal(await page.locator('.org-item', { hasText: org.name }).count(), 0);
  await axe(page, 'secretariat: after verifying');
});

test('the organisation shows as verified in the public list', async () => {
  const { page, context } = await open();
  await visit(page, '/organisationer');
  await page.getByLabel('Sök på namn eller verksamhet').fill(`Gröna Gården ${RUN}`);
  await page.locator('.count', { hasText: /^Visar 1 organisation$/ }).waitFor(); // debounced search done
  await settled(page);
  const hit = page.locator('.org-list .org-item', { hasText: org.name });
  assert.equal(await page.locator('.org-list .org-item').count(), 1);
  assert.match(page.url(), /\/organisationer\?q=/); // the search is in the address, to share or go back to
  await axe(page, 'organisations list, searched');
  await hit.getByRole('link', { name: org.name }).click();
  await page.getByRole('heading', { level: 1, name: org.name }).waitFor();
  await settled(page);
  const main = await page.locator('main').innerText();
  assert.doesNotMatch(main, /Väntar på granskning/);
  assert.doesNotMatch(main, /Företrädare och undertecknare/); // people are not public
  await axe(page, 'organisation page (public)');
  await shot(page, 'organisation');
  await page.assertClean('public list');
  await context.close();
});

test('an edit clash: the second save is explained and nothing typed is lost', async () => {
  // both open the edit form of the same version
  const a = member.page;
  const b = admin.page;
  await a.locator('.site-header').getByRole('link', { name: 'Mina organisationer' }).click();
  await settled(a);
  await a.getByRole('link', { name: `Ändra uppgifter för ${org.name}` }).click();
  await settled(a);
  await b.locator('.site-header').getByRole('link', { name: 'Organisationer', exact: true }).click();
  await settled(b);
  await b.getByLabel('Sök på namn eller verksamhet').fill(org.name);
  await b.locator('.org-item', { hasText: org.name }).getByRole('link').click();
  await b.getByRole('heading', { level: 1, name: org.name }).waitFor();
  await clickLink(b, 'Ändra uppgifter');

  // the signatory saves first
  const theirText = 'Odling, matlagning och läxhjälp för barn och unga.';
  await a.getByLabel(/^Om organisationen/).fill(theirText);
  await a.getByRole('button', { name: 'Spara ändringarna' }).click();
  await a.getByRole('heading', { level: 1, name: org.name }).waitFor();
  await settled(a);
  assert.match(await a.locator('main').innerText(), new RegExp(theirText));

  // the secretariat saves on the old version: 412, explained
  await b.getByLabel(/^Organisationens namn/).fill(newName);
  await b.getByLabel(/^Antal medlemmar/).fill('57');
  b.allow(412);
  await b.getByRole('button', { name: 'Spara ändringarna' }).click();
  const clash = b.locator('.clash');
  await clash.waitFor();
  await settled(b);
  assert.ok(await clash.evaluate((el) => el === document.activeElement), 'focus is on the explanation');
  const text = await clash.innerText();
  assert.match(text, /Någon annan har sparat ändringar medan du skrev/);
  assert.match(text, new RegExp(`Om organisationen: Sparad version: ${theirText}`));
  assert.equal(await b.getByLabel(/^Organisationens namn/).inputValue(), newName);
  assert.equal(await b.getByLabel(/^Antal medlemmar/).inputValue(), '57');
  await axe(b, 'edit form with a clash explained');
  await shot(b, 'edit-clash');

  // saving again puts the secretariat's changes on top of the signatory's
  await clash.getByRole('button', { name: 'Spara mina ändringar ändå' }).click();
  await b.getByRole('heading', { level: 1, name: newName }).waitFor();
  await settled(b);
  const main = await b.locator('main').innerText();
  assert.match(main, new RegExp(theirText));
  assert.match(main, /57/);
  await member.page.assertClean('member session');
  await admin.page.assertClean('admin session');
});

// The public register, searched page by page for the organisation's row
async function registerRow(page, statusLabel) {
  await visit(page, '/overenskommelsen');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: statusLabel });
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'));
  await settled(page);
  const row = page.locator('#register tbody tr', { hasText: newName });
  const more = page.locator('#register').getByRole('button', { name: 'Visa fler' });
  while (!(await row.count()) && (await more.isVisible())) {
    await more.click();
    await settled(page);
  }
  return row;
}

test('the signatory endorses the agreement and the public register shows it', async () => {
  const { page } = member;
  await page.locator('.site-header').getByRole('link', { name: 'Överenskommelsen' }).click();
  await page.getByRole('heading', { level: 1, name: agreement.title }).waitFor();
  await settled(page);
  const sec = page.locator('#anslut');
  await sec.getByLabel('Organisation', { exact: true }).selectOption({ label: newName });
  assert.equal(await sec.getByLabel(/^Namn på den som undertecknar/).inputValue(), person.name);
  await sec.getByLabel(/^Titel eller uppdrag/).fill('Ordförande');
  page.allow(422);
  await sec.getByRole('button', { name: 'Anslut organisationen' }).click();
  await sec.locator('.error-summary').waitFor(); // the mandate is required
  assert.match(await sec.locator('.error-summary').innerText(), /Beslut om anslutning: måste fyllas i/);
  await sec.getByLabel(/^Beslut om anslutning/).fill('Styrelsebeslut 2026-11-20 §4');
  await sec.getByLabel(/^Uttalande/).fill('Vi vill bidra till en stad där engagemanget tas tillvara.');
  await sec.getByRole('button', { name: 'Anslut organisationen' }).click();
  await page.locator('main').getByText(`${newName} är ansluten till överenskommelsen.`).first().waitFor();
  await settled(page);
  assert.match(await page.locator('#anslut').innerText(), new RegExp(`${newName} är ansluten sedan`));
  await axe(page, 'agreement page, endorsed by the signatory');

  const anon = await open();
  await visit(anon.page, '/overenskommelsen');
  await shot(anon.page, 'agreement');
  const row = await registerRow(anon.page, 'Ansluten');
  assert.match(await row.innerText(), /Ansluten[\s\S]*Vi vill bidra/);
  await axe(anon.page, 'the public register of endorsements');
  await anon.context.close();
});

test('the signatory withdraws with a reason and the register shows it withdrawn', async () => {
  const { page } = member;
  const reason = 'Styrelsen har beslutat att avvakta nästa version.';
  await page.getByRole('button', { name: `Återkalla anslutningen för ${newName}` }).click();
  await page.getByLabel(/^Skäl till återkallelsen/).fill(reason);
  await page.getByRole('button', { name: 'Återkalla', exact: true }).click();
  await page.locator('main').getByText(`Anslutningen för ${newName} är återkallad.`).first().waitFor();
  await settled(page);
  await axe(page, 'agreement page after withdrawing');

  const anon = await open();
  const row = await registerRow(anon.page, 'Återkallad');
  assert.match(await row.innerText(), new RegExp(`Återkallad .*${reason}`));
  // the organisation's own page keeps the history
  await row.getByRole('link', { name: newName }).click();
  await anon.page.getByRole('heading', { level: 1, name: newName }).waitFor();
  await settled(anon.page);
  assert.match(await anon.page.locator('main').innerText(), /Historik[\s\S]*Återkallad/);
  await axe(anon.page, 'organisation page with its endorsement history');
  await anon.context.close();
});

test('logging out clears the session', async () => {
  const { page } = member;
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.getByRole('heading', { level: 1, name: 'Idékom – samverkan i Göteborg' }).waitFor();
  await settled(page);
  assert.equal(await page.locator('.site-header').getByRole('link', { name: 'Logga in' }).count(), 1);
  await page.goto(page.url().replace(/\/$/, '') + '/mina-organisationer');
  await settled(page);
  assert.match(await page.locator('main').innerText(), /Du behöver logga in/);
  await axe(page, 'a page that needs a login, logged out');
  await member.context.close();
  await admin.context.close();
});
