// The API's field errors on the page, in the page's language: the front end translates each
// by its stable code (FieldError.code), so no English message of the API reaches a Swedish
// page. The forms are driven into the API's own errors (422 and 409), and every error text
// shown must be a text of the language's catalogue (web/i18n), never the API's message.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { open, settled, axe, loginTo, call, apiLogin, makeUser, orgNumber, ADMIN, RUN } from './support.mjs';
import sv from '../../web/i18n/sv.js';
import en from '../../web/i18n/en.js';
import { local } from '../../web/js/i18n.js';

let taken;

before(async () => {
  const token = await apiLogin(ADMIN.email, ADMIN.password);
  taken = orgNumber();
  await call('POST', '/organisations', { name: `Upptagna föreningen ${RUN}`, kind: 'ideell_forening', org_number: taken }, token);
});

/** Every text the catalogue can show for a field error, as regular expressions. */
function catalogue(dict) {
  const out = [];
  for (const v of Object.values(dict.fieldErrors)) {
    for (const text of typeof v === 'string' ? [v] : Object.values(v)) {
      const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{(min|max)\\\}/g, '[\\d\\s\u00a0]+');
      out.push(new RegExp(`^${esc}$`));
    }
  }
  return out;
}

/** Every field error and summary line on the page is a catalogue text of the language. */
async function assertCatalogued(page, dict, what) {
  const known = catalogue(dict);
  const shown = await page.locator('.field-error:not([hidden])').allInnerTexts();
  assert.ok(shown.length > 0, `${what}: no field error shown`);
  for (const s of shown) assert.ok(known.some((re) => re.test(s.trim())), `${what}: "${s}" is not a ${dict === sv ? 'Swedish' : 'English'} catalogue text`);
  const summary = await page.locator('.error-summary li').allInnerTexts();
  for (const line of summary) {
    const msg = line.replace(/^[^:]*:\s*/, '');
    assert.ok(known.some((re) => re.test(msg.trim())), `${what}: summary line "${line}" is not from the catalogue`);
  }
  const main = await page.locator('main').innerText();
  for (const english of ['must be', 'is already', 'no such', 'is required', 'is not']) {
    if (dict === sv) assert.ok(!main.includes(english), `${what}: the API's English ("${english}") shows on a Swedish page`);
  }
}

for (const [lang, dict] of [['sv', sv], ['en', en]]) {
  test(`${lang}: registering an organisation, the API's 422 and 409 are shown in the page's language`, async () => {
    const u = await makeUser(`felkod${lang}`);
    const { page, context } = await open();
    if (lang === 'en') {
      await loginTo(page, u.email, u.password, '/mina-organisationer');
      await page.getByRole('button', { name: 'English' }).click();
      await settled(page);
      await page.goto(page.url()); // the language is remembered; the session is not
      await loginTo(page, u.email, u.password, '/mina-organisationer/ny');
    } else {
      await loginTo(page, u.email, u.password, '/mina-organisationer/ny');
    }
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    const L = lang === 'sv' ? { name: /^Organisationens namn/, number: /^Organisationsnummer/, kind: /^Organisationsform/, phone: /^Telefon/, send: 'Skicka registreringen' }
      : { name: /^Name of the organisation/, number: /^Organisation number/, kind: /^Kind of organisation/, phone: /^Telephone/, send: 'Send the registration' };
    await page.getByLabel(L.name).fill(`Felkodsföreningen ${lang} ${RUN}`);
    await page.getByLabel(L.number).fill(taken);
    await page.getByLabel(L.kind).selectOption('ideell_forening');
    await page.getByLabel(L.phone).fill('ring oss!');
    page.allow(422, 409);
    await page.getByRole('button', { name: L.send }).click();
    await page.locator('#f-phone-error').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#f-phone-error').innerText(), dict.fieldErrors['invalid_format:/phone']);
    await assertCatalogued(page, dict, `${lang}: a bad phone number`);
    await axe(page, `${lang}: the API's 422 in the organisation form`);

    await page.getByLabel(L.phone).fill('031-12 34 56');
    await page.getByRole('button', { name: L.send }).click();
    await page.locator('#f-org_number-error').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#f-org_number-error').innerText(), dict.fieldErrors['not_unique:/org_number']);
    await assertCatalogued(page, dict, `${lang}: a number already registered`);
    await axe(page, `${lang}: the API's 409 in the organisation form`);
    await context.close();
  });
}

test('sv: a dialogue that ends before it starts: the API\'s ends_before_start in Swedish', async () => {
  const { page, context } = await open();
  await loginTo(page, ADMIN.email, ADMIN.password, '/kansli/dialoger/ny');
  const at = (days, hour) => {
    const l = local(new Date(Date.now() + days * 864e5));
    const p = (n) => String(n).padStart(2, '0');
    return `${l.year}-${p(l.month)}-${p(l.day)}T${p(hour)}:00`;
  };
  await page.getByLabel(/^Titel/).fill(`Felkodsmöte ${RUN}`);
  await page.getByLabel(/^Typ \(/).selectOption('dialogmote');
  await page.getByLabel(/^Börjar/).fill(at(20, 18));
  await page.getByLabel(/^Slutar/).fill(at(20, 17));
  page.allow(422);
  await page.getByRole('button', { name: 'Skapa dialogen' }).click();
  await page.locator('#f-ends_at-error').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#f-ends_at-error').innerText(), sv.fieldErrors.ends_before_start);
  await assertCatalogued(page, sv, 'sv: ends before it starts');
  await axe(page, 'sv: the API\'s ends_before_start');
  await context.close();
});
