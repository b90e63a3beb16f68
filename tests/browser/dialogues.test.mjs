// Dialogues: the secretariat creates one with two seats; organisations register until it is
// full and the next goes on the waiting list; unregistering moves the waiting list up; the
// secretariat records attendance, publishes the minutes, and cancels another meeting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { open, settled, axe, confirmDialog, loginTo, call, apiLogin, memberWithOrganisation, ADMIN, RUN } from './support.mjs';
import { local } from '../../web/js/i18n.js';

let adminToken;
let admin;
const members = [];
let dialogueId;
const title = `Dialogmöte om lokaler ${RUN}`;

// <input type="datetime-local"> value in Göteborg time, days from now at a given hour
function at(days, hour) {
  const l = local(new Date(Date.now() + days * 864e5));
  const p = (n) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)}T${p(hour)}:00`;
}

before(async () => {
  adminToken = await apiLogin(ADMIN.email, ADMIN.password);
  for (const tag of ['alfa', 'beta', 'gamma']) members.push(await memberWithOrganisation(tag, adminToken));
  admin = await open();
  await loginTo(admin.page, ADMIN.email, ADMIN.password, '/kansli/dialoger');
});
after(async () => {
  await admin.page.assertClean('secretariat');
  await admin.context.close();
});

test('the secretariat creates a dialogue with two seats', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Ny dialog' }).click();
  await page.getByRole('heading', { level: 2, name: 'Ny dialog' }).waitFor();
  await settled(page);
  await page.getByRole('button', { name: 'Skapa dialogen' }).click();
  await page.locator('.error-summary').waitFor();
  assert.match(await page.locator('.error-summary').innerText(), /Titel: måste fyllas i[\s\S]*Typ: måste fyllas i[\s\S]*Börjar: måste fyllas i[\s\S]*Slutar: måste fyllas i/);
  await axe(page, 'new dialogue form with errors');
  await page.getByLabel(/^Titel/).fill(title);
  await page.getByLabel(/^Typ \(/).selectOption('dialogmote');
  await page.getByLabel(/^Börjar/).fill(at(14, 18));
  await page.getByLabel(/^Slutar/).fill(at(14, 17)); // before it starts: the API's 422 at the field
  await page.getByLabel(/^Plats/).fill('Angereds bibliotek');
  await page.getByLabel(/^Antal platser/).fill('2');
  await page.getByRole('checkbox', { name: 'Hörslinga' }).check();
  await page.getByLabel(/^Beskrivning/).fill('Vilka lokaler behöver föreningarna i **Angered**?');
  page.allow(422);
  await page.getByRole('button', { name: 'Skapa dialogen' }).click();
  await page.locator('#f-ends_at-error').waitFor({ state: 'visible' });
  assert.ok(await page.locator('.error-summary').evaluate((el) => el === document.activeElement));
  await page.getByLabel(/^Slutar/).fill(at(14, 20));
  await page.getByRole('button', { name: 'Skapa dialogen' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await settled(page);
  dialogueId = new URL(page.url()).pathname.split('/').pop();
  const main = await page.locator('main').innerText();
  assert.match(main, /Dialogen är skapad/);
  assert.match(main, /2 av 2 platser kvar/);
  assert.match(main, /kl\. 18:00–20:00/); // Göteborg time, as entered
  assert.match(main, /Hörslinga/);
  await axe(page, 'a new dialogue (secretariat)');
});

async function register(m, attendees) {
  const { page, context } = await open();
  await loginTo(page, m.email, m.password, `/dialoger/${dialogueId}`);
  const form = page.locator('#anmalan form');
  assert.equal(await form.getByLabel('Organisation', { exact: true }).inputValue(), m.org.id);
  await form.getByLabel(/^Antal deltagare/).fill(String(attendees));
  return { page, context, form };
}

test('organisations register until the meeting is full; the next goes on the waiting list', async () => {
  const a = await register(members[0], 1);
  await a.form.getByRole('button', { name: 'Anmäl organisationen' }).click();
  await a.page.locator('main').getByText(`${members[0].org.name} är anmäld.`).first().waitFor();
  await settled(a.page);
  assert.match(await a.page.locator('main').innerText(), /1 av 2 platser kvar/);
  await axe(a.page, 'dialogue page after registering');
  members[0].session = a;

  const b = await register(members[1], 1);
  await b.form.getByLabel(/^Meddelande till kansliet/).fill('Vi behöver teckenspråkstolk.');
  await b.form.getByRole('button', { name: 'Anmäl organisationen' }).click();
  await b.page.locator('main').getByText(`${members[1].org.name} är anmäld.`).first().waitFor();
  await settled(b.page);
  assert.match(await b.page.locator('main').innerText(), /0 av 2 platser kvar/);
  await b.context.close();

  const c = await register(members[2], 1);
  assert.match(await c.form.innerText(), /Mötet är fullbokat/);
  await c.form.getByRole('button', { name: 'Anmäl organisationen' }).click();
  await c.page.locator('main').getByText(`${members[2].org.name} står på kölistan, plats 1.`).first().waitFor();
  await settled(c.page);
  const rows = await c.page.locator('section[aria-labelledby="list-h"] tbody tr').allInnerTexts();
  assert.deepEqual(rows.map((r) => r.split('\t')[2]), ['Anmäld', 'Anmäld', 'På kölistan, plats 1']);
  await axe(c.page, 'dialogue page, on the waiting list');
  await c.context.close();
});

test('unregistering frees the seat, and the waiting list moves up', async () => {
  const { page, context } = members[0].session;
  await page.getByRole('button', { name: `Avanmäl ${members[0].org.name}` }).click();
  await confirmDialog(page, { title: `Avanmäla ${members[0].org.name}?`, answer: 'Ja, avanmäl', label: 'confirming an unregistration' });
  await page.locator('main').getByText(`${members[0].org.name} är avanmäld.`).first().waitFor();
  await settled(page);
  const rows = await page.locator('section[aria-labelledby="list-h"] tbody tr').allInnerTexts();
  assert.deepEqual(rows.map((r) => r.split('\t')[0]), [members[1].org.name, members[2].org.name]);
  assert.deepEqual(rows.map((r) => r.split('\t')[2]), ['Anmäld', 'Anmäld']);
  await page.assertClean('unregistering');
  await context.close();
});

test('the secretariat records attendance and publishes the minutes', async () => {
  const { page } = admin;
  await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click();
  await settled(page);
  await page.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Dialoger' }).click();
  await settled(page);
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: `Ändra ${title}` }).waitFor();
  await settled(page);
  // every registration in one table, one save for all, and the page stays where it was
  const table = page.locator('#narvaro');
  assert.deepEqual(await table.locator('tbody th').allInnerTexts(), [members[1].org.name, members[2].org.name]);
  await table.getByLabel(`Närvaro för ${members[1].org.name}`, { exact: true }).selectOption('true');
  await table.getByLabel(`Närvaro för ${members[2].org.name}`, { exact: true }).selectOption('false');
  const save = table.getByRole('button', { name: 'Spara närvaron' });
  await save.scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => window.scrollY);
  await save.click();
  const saved = table.getByText('Närvaron är sparad (2 ändringar).');
  await saved.waitFor();
  await settled(page);
  assert.equal(await page.evaluate(() => window.scrollY), before, 'the page did not jump');
  assert.ok(await saved.evaluate((el) => el.closest('.notice') === document.activeElement), 'the notice has the focus');
  assert.ok(await saved.isVisible());
  const regs = (await call('GET', `/dialogues/${dialogueId}/registrations`, undefined, adminToken)).data.items;
  assert.deepEqual(regs.filter((r) => r.status !== 'cancelled').map((r) => r.attended), [true, false]);
  assert.equal(await table.getByLabel(`Närvaro för ${members[2].org.name}`, { exact: true }).inputValue(), 'false');
  await axe(page, 'the attendance table (secretariat)');
  // the organisations' notes are the secretariat's, and the list downloads as CSV
  assert.deepEqual(await table.locator('tbody td.note').allInnerTexts(), ['Vi behöver teckenspråkstolk.', 'Inget meddelande']);
  const [download] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: 'Ladda ner deltagarlistan (CSV)' }).click()]);
  assert.match(download.suggestedFilename(), /^deltagare-\d{4}-\d\d-\d\d\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(csv, /^organisation_name,org_number,status,attendees,note,attended,registered_at\r\n/);
  assert.match(csv, new RegExp(`${members[1].org.name},[^\r]*,registered,1,Vi behöver teckenspråkstolk\\.,true,`));
  await page.getByLabel(/^Status/).selectOption('held');
  await page.getByLabel(/^Minnesanteckningar/).fill('## Beslut\n\n- Kansliet kartlägger lediga lokaler.\n- Nästa möte i mars.');
  await axe(page, 'edit dialogue form');
  await page.getByRole('button', { name: 'Spara ändringarna' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await settled(page);
  const main = await page.locator('main').innerText();
  assert.match(main, /Ändringarna är sparade/);
  assert.match(main, /Genomförd/);
  assert.match(main, /Minnesanteckningar[\s\S]*Beslut[\s\S]*Kansliet kartlägger lediga lokaler/);
  const anon = await open();
  await anon.page.goto(page.url());
  await settled(anon.page);
  assert.match(await anon.page.locator('main').innerText(), /Närvaro[\s\S]*Deltog/);
  await axe(anon.page, 'a held dialogue with minutes (public)');
  await anon.context.close();
});

test('the secretariat cancels a meeting after confirming', async () => {
  const start = new Date(Date.now() + 30 * 864e5);
  const d = (await call('POST', '/dialogues', { title: `Arbetsgrupp som ställs in ${RUN}`, kind: 'arbetsgrupp', starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3600e3).toISOString() }, adminToken)).data;
  const { page } = admin;
  await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click();
  await settled(page);
  await page.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Dialoger' }).click();
  await settled(page);
  await page.getByRole('link', { name: `Visa den publika sidan för ${d.title}` }).click();
  await page.getByRole('heading', { level: 1, name: d.title }).waitFor();
  await settled(page);
  await page.getByRole('button', { name: 'Ställ in dialogen' }).click();
  await confirmDialog(page, { title: `Ställa in ${d.title}?`, answer: 'Ja, ställ in', label: 'confirming a cancellation' });
  await page.locator('main').getByText('Dialogen är inställd.').first().waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /Inställd/);
  assert.equal((await call('GET', `/dialogues/${d.id}`)).data.status, 'cancelled');
});
