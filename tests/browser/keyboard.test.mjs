// With the keyboard alone (Tab, Enter, Space and typing; no clicks): registering an organisation,
// then, once it is verified, endorsing the agreement for it and withdrawing with a reason
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, visit, settled, axe, makeUser, orgNumber, tabTo, assertFocusVisible, ensureAgreement, apiLogin, call, ADMIN, RUN } from './support.mjs';

const isId = (id) => document.activeElement && document.activeElement.id === id;
const isLink = (text) => document.activeElement && document.activeElement.tagName === 'A' && document.activeElement.textContent.trim() === text;
const isButton = (text) => document.activeElement && document.activeElement.tagName === 'BUTTON' && document.activeElement.textContent.trim() === text;

test('the skip link, login and registering an organisation, by keyboard only', async () => {
  const user = await makeUser('tangent');
  const name = `Tangentbordsföreningen ${RUN}`;
  const { page, context } = await open();
  await visit(page, '/');

  // the first Tab reaches the skip link, which moves focus to the main content
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const box = await page.locator('.skip').boundingBox();
  assert.ok(box && box.y >= 0, 'the skip link is visible when focused');
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  // log in
  await tabTo(page, isLink, 'Logga in');
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Logga in' }).waitFor();
  await settled(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'focus moves to the new page');
  await tabTo(page, isId, 'f-email');
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-password');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Mina organisationer' }).waitFor();
  await settled(page);

  // open the form
  await tabTo(page, isLink, 'Registrera en organisation');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Registrera en organisation' }).waitFor();
  await settled(page);
  await tabTo(page, isId, 'f-name');
  await assertFocusVisible(page);
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(orgNumber());

  // send without a kind: the summary takes focus, its link leads to the field
  await tabTo(page, isButton, 'Skicka registreringen');
  await page.keyboard.press('Enter');
  await page.locator('.error-summary').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.className), 'error-summary');
  await assertFocusVisible(page);
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Organisationsform: måste fyllas i/);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-kind');
  await page.keyboard.type('Ideell'); // type-ahead in the focused list box
  assert.equal(await page.locator('#f-kind').inputValue(), 'ideell_forening');

  // areas and districts with Space
  await tabTo(page, isId, 'f-areas-kultur');
  await assertFocusVisible(page);
  await page.keyboard.press('Space');
  await tabTo(page, isId, 'f-districts-centrum');
  await page.keyboard.press('Space');
  await tabTo(page, isId, 'f-description');
  await page.keyboard.type('Kör, teater och läxhjälp i Centrum.');
  await tabTo(page, isId, 'f-member_count');
  await page.keyboard.type('18');
  assert.equal(await page.locator('#f-areas-kultur').isChecked(), true);
  assert.equal(await page.locator('#f-districts-centrum').isChecked(), true);
  await axe(page, 'register organisation form, filled by keyboard');

  await tabTo(page, isButton, 'Skicka registreringen');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await settled(page);
  const main = await page.locator('main').innerText();
  assert.match(main, /Väntar på granskning/);
  assert.match(main, /Kultur/);
  assert.match(main, /Centrum/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await axe(page, 'organisation page after keyboard registration');

  // the secretariat verifies it (not part of this person's flow)
  await ensureAgreement();
  const orgId = new URL(page.url()).pathname.split('/').pop();
  await call('POST', `/organisations/${orgId}/verify`, undefined, await apiLogin(ADMIN.email, ADMIN.password));

  // back to the organisation's page, now verified, and on to the agreement
  await tabTo(page, isLink, 'Mina organisationer');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Mina organisationer' }).waitFor();
  await settled(page);
  await tabTo(page, isLink, name);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await settled(page);
  await tabTo(page, isLink, 'Anslut organisationen till överenskommelsen');
  await page.keyboard.press('Enter');
  await page.locator('#anslut').waitFor();
  await settled(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'anslut', 'focus goes to the endorsement section');
  await tabTo(page, isId, 'f-signatory_title');
  await page.keyboard.type('Kassör');
  await tabTo(page, isId, 'f-mandate');
  await page.keyboard.type('Årsmötesbeslut 2026-03-01 §12');
  await tabTo(page, isButton, 'Anslut organisationen');
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  await page.locator('main').getByText(`${name} är ansluten till överenskommelsen.`).first().waitFor();
  await settled(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'anslut');
  await axe(page, 'agreement page after endorsing by keyboard');

  // withdraw, with a reason
  await tabTo(page, (label) => document.activeElement.getAttribute('aria-label') === label, `Återkalla anslutningen för ${name}`);
  await page.keyboard.press('Enter');
  assert.match(await page.evaluate(() => document.activeElement.id), /^wd-/);
  await page.keyboard.type('Föreningen läggs ner.');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Återkalla');
  await page.keyboard.press('Enter');
  await page.locator('main').getByText(`Anslutningen för ${name} är återkallad.`).first().waitFor();
  await settled(page);
  const org = (await call('GET', `/organisations/${orgId}/endorsements`)).data.items[0];
  assert.equal(org.status, 'withdrawn');
  assert.equal(org.withdrawal_reason, 'Föreningen läggs ner.');
  await page.assertClean('keyboard flow');
  await context.close();
});
