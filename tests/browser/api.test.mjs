// The fetch wrapper: a refused access token is refreshed once and the request repeated; a
// refused refresh ends the session with a plain message; every request shows the loading state
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, visit, settled, axe, loginUI, makeUser } from './support.mjs';

const expired = { type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'the access token has expired' };
const refuse = (route) => route.fulfill({
  status: 401, contentType: 'application/problem+json',
  headers: { 'WWW-Authenticate': 'Bearer realm="idekom", error="invalid_token"' }, body: JSON.stringify(expired),
});

test('an expired access token is refreshed once and the request repeated', async () => {
  const u = await makeUser('forfallen');
  const { page, context } = await open();
  await loginUI(page, u.email, u.password);
  const seen = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/')) seen.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  let first = true;
  await page.route('**/api/v1/me', (route) => {
    if (first) { first = false; return refuse(route); }
    return route.continue();
  });
  page.allow(401);
  await page.locator('.site-header').getByRole('link', { name: 'Organisationer', exact: true }).click();
  await settled(page);
  await page.locator('.site-header').getByRole('link', { name: 'Mina organisationer' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mina organisationer' }).waitFor();
  await settled(page);
  const calls = seen.filter((s) => /\/(me|auth\/refresh)$/.test(s));
  assert.deepEqual(calls, ['GET /api/v1/me', 'POST /api/v1/auth/refresh', 'GET /api/v1/me']);
  assert.match(await page.locator('main').innerText(), new RegExp(u.email));
  await page.assertClean('refresh');
  await context.close();
});

test('a refused refresh ends the session with a plain message', async () => {
  const u = await makeUser('utloggad');
  const { page, context } = await open();
  await loginUI(page, u.email, u.password);
  await page.route('**/api/v1/me', refuse);
  await page.route('**/api/v1/auth/refresh', refuse);
  page.allow(401);
  await page.locator('.site-header').getByRole('link', { name: 'Mina organisationer' }).click();
  await page.locator('main').getByText('Din inloggning har gått ut. Logga in igen.').waitFor();
  await settled(page);
  assert.equal(await page.locator('.site-header').getByRole('link', { name: 'Logga in' }).count(), 1);
  await axe(page, 'session ended');
  await context.close();
});

test('a request shows the loading state: aria-busy on <main> and a visible status', async () => {
  const { page, context } = await open();
  await visit(page, '/');
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/api/v1/organisations?*', async (route) => { await gate; await route.continue(); });
  await page.locator('.site-header').getByRole('link', { name: 'Organisationer', exact: true }).click();
  await page.locator('#busy').waitFor({ state: 'visible' });
  assert.equal(await page.locator('main').getAttribute('aria-busy'), 'true');
  assert.equal(await page.locator('#busy').innerText(), 'Laddar…');
  release();
  await page.locator('#busy').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('main').getAttribute('aria-busy'), null);
  await page.assertClean('loading');
  await context.close();
});
