// The language switch: Swedish by default, English by choice, remembered across a reload
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, visit, settled, axe, BASE } from './support.mjs';

const navText = (page) => page.locator('.site-header nav').innerText();

test('sv → en changes the navigation and the headings, survives a reload, and back', async () => {
  const { page, context } = await open();
  await visit(page, '/organisationer');
  assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
  assert.match(await navText(page), /Överenskommelsen[\s\S]*Organisationer[\s\S]*Dialoger/);
  assert.equal(await page.locator('h1').innerText(), 'Organisationer');
  assert.match(await page.title(), /^Organisationer – Idékom$/);

  const sw = page.getByRole('button', { name: 'English' });
  assert.equal(await sw.getAttribute('lang'), 'en'); // the button's text is in the language it offers
  await sw.click();
  await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
  await settled(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await navText(page), /The agreement[\s\S]*Organisations[\s\S]*Dialogues/);
  assert.equal(await page.getByLabel('Search by name or activity').count(), 1);
  assert.match(await page.locator('.count[role="status"]').innerText(), /^Showing \d+ organisations/);
  assert.ok(await page.getByRole('button', { name: 'Svenska' }).evaluate((el) => el === document.activeElement), 'focus stays on the switch');
  await axe(page, 'organisations list (en)');

  await page.reload();
  await settled(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'Organisations');
  assert.match(await page.locator('.site-footer').innerText(), /Accessibility statement/);
  await page.locator('.site-header').getByRole('link', { name: 'Home' }).click();
  await page.getByRole('heading', { level: 1, name: 'Idékom – cooperation in Gothenburg' }).waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /verified organisations? in the register/);
  await axe(page, 'start (en)');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), ['idekom.lang']);

  await page.getByRole('button', { name: 'Svenska' }).click();
  await page.getByRole('heading', { level: 1, name: 'Idékom – samverkan i Göteborg' }).waitFor();
  await page.goto(`${BASE}/tillganglighet`);
  await settled(page);
  assert.equal(await page.locator('h1').innerText(), 'Tillgänglighetsredogörelse');
  assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
  await page.assertClean('language switching');
  await context.close();
});
