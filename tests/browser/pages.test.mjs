// Every page and state, anonymous and as the secretariat: axe-core (WCAG 2.1 A/AA) with zero
// violations, no console errors or CSP violations, usable at 320 px and at 200 % zoom
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { open, visit, settled, axe, shot, loginUI, call, ensureRegister, ensureAgreement, memberWithOrganisation, ADMIN, BASE, RUN } from './support.mjs';

let adminName;
let umbrella;
let agreement;
let dialogue;
let adminTok;
before(async () => {
  const r = await ensureRegister();
  adminTok = r.token;
  umbrella = r.umbrella;
  adminName = (await call('GET', '/me', undefined, r.token)).data.name;
  agreement = await ensureAgreement();
  const start = new Date(Date.now() + 20 * 864e5);
  dialogue = (await call('POST', '/dialogues', {
    title: `Dialogmöte om mötesplatser ${RUN}`, kind: 'dialogmote', starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 2 * 3600e3).toISOString(), location: 'Stadsbiblioteket', capacity: 40,
    description: '## Om mötet\n\nVi talar om **mötesplatser** i stadsdelarna.\n\n- lokaler\n- öppettider\n\n<script>alert(1)</script>',
    services: ['horselslinga'], participation_level: 'consultation',
  }, r.token)).data;
});

// Horizontal scrolling is the usual failure at narrow widths (WCAG 1.4.10 Reflow)
async function assertNoSideScroll(page, where) {
  const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(w[0] <= w[1], `${where}: content is ${w[0]} px wide in a ${w[1]} px window`);
}

test('public pages (sv)', async () => {
  const { page, context } = await open();
  const { data } = await call('GET', '/organisations?status=verified&limit=1');
  const orgId = data.items[0].id;
  const pages = [
    ['/', 'Idékom – samverkan i Göteborg'],
    ['/overenskommelsen', agreement.title],
    ['/organisationer', 'Organisationer'],
    [`/organisationer/${orgId}`, data.items[0].name],
    ['/dialoger', 'Dialoger'],
    [`/dialoger/${dialogue.id}`, dialogue.title],
    ['/statistik', 'Statistik'],
    ['/logga-in', 'Logga in'],
    ['/skapa-konto', 'Skapa konto'],
    ['/tillganglighet', 'Tillgänglighetsredogörelse'],
    ['/oppna-data', 'Öppna data'],
    ['/mina-organisationer', 'Logga in'],
    ['/kansli/klienter', 'Logga in'],
    ['/finns/inte', 'Sidan finns inte'],
    ['/organisationer/00000000-0000-4000-8000-000000000000', 'Det du söker finns inte'],
  ];
  for (const [p, h1] of pages) {
    if (p.includes('00000000')) page.allow(404);
    await visit(page, p);
    assert.equal(await page.locator('h1').innerText(), h1, p);
    assert.match(await page.title(), / – Idékom$/);
    await axe(page, `${p} (sv)`);
  }
  // Markdown is rendered through the safe path: structure yes, HTML never
  await visit(page, `/dialoger/${dialogue.id}`);
  assert.equal(await page.locator('.prose-md h3', { hasText: 'Om mötet' }).count(), 1);
  assert.equal(await page.locator('.prose-md strong', { hasText: 'mötesplatser' }).count(), 1);
  assert.equal(await page.locator('.prose-md li').count(), 2);
  assert.match(await page.locator('.prose-md').innerText(), /<script>alert\(1\)<\/script>/);
  assert.equal(await page.locator('main script').count(), 0);
  // the address in the calendar feeds (/dialogues/{id}) leads to the same page
  await visit(page, `/dialogues/${dialogue.id}`);
  assert.equal(await page.locator('h1').innerText(), dialogue.title);
  assert.equal(new URL(page.url()).pathname, `/dialoger/${dialogue.id}`);
  // statistics: each chart is an image with a name and a description, and its data as a table
  const signer = await memberWithOrganisation('statistik', adminTok);
  await call('POST', `/agreements/${agreement.id}/endorsements`, { organisation_id: signer.org.id, signatory_name: 'Signe Statistik', mandate: 'styrelsebeslut §7' }, signer.token);
  await visit(page, '/statistik');
  const svgs = page.locator('svg[role="img"]');
  assert.equal(await svgs.count(), 3);
  for (const svg of await svgs.all()) {
    assert.ok((await svg.locator('title').textContent()).length > 5);
    assert.ok((await svg.locator('desc').textContent()).length > 5);
  }
  assert.equal(await page.locator('figure details table').count(), 3);
  // the endorsement figure and the month chart count the same endorsements (never "0" beside a bar)
  const num = (s) => Number(s.replace(/\D/g, ''));
  const endorsing = num(await page.locator('.figures li').nth(1).locator('.figure').innerText());
  const months = await page.locator('#c-month-cap ~ details td').allTextContents();
  assert.ok(endorsing > 0, 'the demo register has endorsements of the current agreement');
  assert.equal(months.reduce((a, v) => a + num(v), 0), endorsing, 'the month chart adds up to the endorsement figure');
  await shot(page, 'statistics');
  // the month view
  await visit(page, '/dialoger');
  await page.getByRole('button', { name: 'Nästa månad' }).click();
  await page.waitForURL(/manad=\d{4}-\d{2}/);
  await settled(page);
  assert.equal(await page.locator('.month-grid caption').count(), 1);
  await axe(page, 'dialogues, next month');
  await shot(page, 'dialogues');
  // the open-data page links the API description, which is there
  await visit(page, '/oppna-data');
  const href = await page.getByRole('link', { name: 'API-beskrivningen (openapi.json)' }).getAttribute('href');
  assert.equal(href, '/api/v1/openapi.json');
  assert.equal((await fetch(BASE + href)).status, 200);
  await context.close();
});

test('the organisations list: filters, paging, empty state, an umbrella organisation', async () => {
  const { page, context } = await open();
  await visit(page, '/organisationer');
  await shot(page, 'organisations');
  const count = page.locator('.results .count');
  assert.match(await count.innerText(), /^Visar 20 organisationer – det finns fler$/);
  // paging: the next page is added and focus goes to its first organisation
  await page.getByRole('button', { name: 'Visa fler' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.org-list .org-item').length > 20);
  await settled(page);
  assert.ok(await page.evaluate(() => document.activeElement === document.querySelectorAll('.org-list .org-item a')[20]));
  await axe(page, 'organisations list, second page');
  // a filter
  await page.getByLabel('Stadsdel').selectOption('angered');
  await page.waitForURL(/district=angered/);
  await settled(page);
  const metas = await page.locator('.org-list .meta').allInnerTexts();
  assert.ok(metas.length > 0 && metas.every((m) => /Angered/.test(m)), 'every hit works in Angered');
  await axe(page, 'organisations list, filtered by district');
  // the empty state
  await page.getByLabel('Sök på namn eller verksamhet').fill('zzzxxqq ingen sådan');
  await count.filter({ hasText: 'Inga organisationer matchar' }).waitFor();
  assert.equal(await page.locator('.org-list .org-item').count(), 0);
  await axe(page, 'organisations list, empty');
  await page.getByRole('button', { name: 'Rensa sökning och filter' }).click();
  await count.filter({ hasText: 'det finns fler' }).waitFor();
  // an umbrella organisation lists its members
  await visit(page, `/organisationer/${umbrella.id}`);
  await page.getByRole('heading', { name: 'Medlemsorganisationer' }).waitFor();
  await axe(page, 'an umbrella organisation with its members');
  await context.close();
});

test('narrow screens: 375 px and 320 px, and 200 % zoom', async () => {
  const { page, context } = await open({ width: 375, height: 800 });
  await visit(page, '/organisationer');
  await shot(page, 'organisations-mobile');
  await assertNoSideScroll(page, 'organisations at 375 px');
  await axe(page, 'organisations list at 375 px');
  await page.setViewportSize({ width: 320, height: 640 });
  for (const p of ['/', '/organisationer', '/skapa-konto', '/tillganglighet', '/oppna-data', '/overenskommelsen', '/dialoger', `/dialoger/${dialogue.id}`, '/statistik']) {
    await visit(page, p);
    await assertNoSideScroll(page, `${p} at 320 px`);
  }
  await axe(page, 'statistics at 320 px');
  await context.close();
  // 200 % zoom of a 1280 px window is a 640 px wide layout at twice the size
  const zoom = await open({ width: 640, height: 400 });
  for (const p of ['/', '/organisationer', '/logga-in', '/overenskommelsen', '/dialoger', '/statistik']) {
    await visit(zoom.page, p);
    await assertNoSideScroll(zoom.page, `${p} at 200 %`);
  }
  await zoom.context.close();
});

test('the secretariat pages', async () => {
  const { page, context } = await open();
  await loginUI(page, ADMIN.email, ADMIN.password);
  await axe(page, 'my organisations (admin)');
  await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click();
  await settled(page);
  await axe(page, 'secretariat: to review');
  const tabs = [['Användare', 'Användare'], ['API-klienter', 'API-klienter'], ['Dialoger', 'Dialoger'],
    ['Överenskommelser', 'Överenskommelser'], ['Uppföljning', 'Uppföljning'], ['Händelselogg', 'Händelselogg']];
  for (const [link, h2] of tabs) {
    await page.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 2, name: h2 }).waitFor();
    await settled(page);
    assert.equal(await page.getByRole('link', { name: link, exact: true }).last().getAttribute('aria-current'), 'page');
    await axe(page, `secretariat: ${link}`);
  }
  await page.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Användare' }).click();
  await settled(page);
  await page.getByLabel('Sök på namn eller e-post').fill(ADMIN.email);
  await page.waitForFunction(() => document.querySelectorAll('.table tbody tr').length === 1);
  await page.getByRole('link', { name: adminName, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: `Ändra användare ${adminName}` }).waitFor();
  await settled(page);
  await axe(page, 'secretariat: a user');
  await page.assertClean('secretariat pages');
  await context.close();
});
