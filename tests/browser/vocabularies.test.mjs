// The code lists the secretariat keeps: a district added, renamed and retired on the
// secretariat's page; an organisation that has it still shows its name, and keeps it when
// edited; a new registration is not offered it. Both languages, axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, settled, axe, loginTo, call, apiLogin, memberWithOrganisation, ADMIN, RUN, BASE } from './support.mjs';

let adminToken;
let admin;
const code = `stadsdel_${RUN.replace(/[^a-z]/g, 'x')}`;
const name = `Nordost ${RUN}`;

before(async () => {
  adminToken = await apiLogin(ADMIN.email, ADMIN.password);
  admin = await open();
});
after(async () => {
  await admin.page.assertClean('code lists');
  await admin.context.close();
});

test('the secretariat adds, renames and retires a district; old records keep it, new ones are not offered it', async () => {
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, '/kansli/kodlistor');
  await page.getByRole('heading', { level: 2, name: 'Kodlistor' }).waitFor();
  await settled(page);
  await axe(page, 'code lists');
  const sec = page.locator('section.vocab', { has: page.getByRole('heading', { level: 3, name: 'Stadsdelar' }) });
  const add = sec.locator('form', { has: page.getByRole('heading', { name: 'Lägg till en kod' }) });
  await add.getByLabel(/^Namn på svenska/).fill(name);
  await add.getByLabel(/^Namn på engelska/).fill(`North-east ${RUN}`);
  await add.getByLabel(/^Kod/).fill('Nordost!');
  page.allow(422);
  await add.getByRole('button', { name: 'Lägg till' }).click();
  await add.locator('.error-summary').waitFor();
  assert.match(await add.locator('.error-summary').innerText(), /Kod: har inte rätt format/);
  await axe(page, 'code lists: a bad code');
  await add.getByLabel(/^Kod/).fill(code);
  await add.getByRole('button', { name: 'Lägg till' }).click();
  await sec.getByText(`${name} är tillagd.`).waitFor();
  const row = sec.locator('tbody tr', { hasText: code });
  assert.match(await row.innerText(), /I bruk/);

  // an organisation working in the new district
  const m = await memberWithOrganisation('nordost', adminToken);
  const { etag } = await call('GET', `/organisations/${m.org.id}`, undefined, m.token);
  const res = await fetch(`${BASE}/api/v1/organisations/${m.org.id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${m.token}`, 'If-Match': etag }, body: JSON.stringify({ districts: [code] }) });
  assert.equal(res.status, 200, await res.text());

  await row.getByRole('button', { name: `Byt namn på ${name}` }).click();
  await row.getByLabel(/^Namn på svenska/).fill(`${name} (nya)`);
  await row.getByRole('button', { name: 'Spara namnen' }).click();
  await sec.getByText(`Namnen på ${name} (nya) är sparade.`).waitFor();
  await sec.locator('tbody tr', { hasText: code }).getByRole('button', { name: `Ta ${name} (nya) ur bruk` }).click();
  await sec.getByText(`${name} (nya) är tagen ur bruk.`).waitFor();
  assert.match(await sec.locator('tbody tr', { hasText: code }).innerText(), /Ur bruk/);
  await axe(page, 'code lists: a retired district');

  // the old record still shows the district's name, and its edit form keeps it
  const { page: mp, context } = await open();
  await loginTo(mp, m.email, m.password, `/organisationer/${m.org.id}`);
  assert.match(await mp.locator('main').innerText(), new RegExp(`${name} \\(nya\\)`));
  await loginTo(mp, m.email, m.password, `/organisationer/${m.org.id}/redigera`);
  assert.equal(await mp.getByRole('checkbox', { name: `${name} (nya)` }).isChecked(), true, 'the record keeps its retired district');
  await mp.getByRole('checkbox', { name: 'Angered' }).check(); // districts change: the retired one is sent again
  await mp.getByRole('button', { name: 'Spara ändringarna' }).click();
  await mp.waitForURL((u) => u.pathname === `/organisationer/${m.org.id}`);
  await settled(mp);
  assert.match(await mp.locator('main').innerText(), new RegExp(`${name} \\(nya\\)`));
  // a new registration is not offered it
  await loginTo(mp, m.email, m.password, '/mina-organisationer/ny');
  assert.equal(await mp.getByRole('checkbox', { name: `${name} (nya)` }).count(), 0);
  await axe(mp, 'a new registration without the retired district');
  await mp.assertClean('an organisation with a retired district');
  await context.close();
});

test('en: the code lists page in English', async () => {
  const { page, context } = await open();
  await loginTo(page, ADMIN.email, ADMIN.password, '/kansli/kodlistor');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 2, name: 'Code lists' }).waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /Districts[\s\S]*Interest areas[\s\S]*Kinds of organisation/);
  await axe(page, 'en: code lists');
  await context.close();
});
