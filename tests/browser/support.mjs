// Shared support for the browser tests (node --test, playwright-core with Debian's Chromium).
//
// Environment (tests/run.sh sets it): IDEKOM_BASE_URL (the service serving web/ with
// STATIC_DIR), IDEKOM_ADMIN_EMAIL, IDEKOM_ADMIN_PASSWORD, optional IDEKOM_SCREENSHOT_DIR
// (default docs/screenshots). Every page gets watchers for console errors, uncaught
// exceptions and Content-Security-Policy violations; `axe()` runs axe-core with the WCAG 2.1
// A and AA rules and fails on any violation.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');

function requireEnv(name) {
  const v = process.env[name];
  if (!v) throw new Error(`tests/browser: environment variable ${name} is not set (tests/run.sh sets it)`);
  return v;
}

export const BASE = requireEnv('IDEKOM_BASE_URL').replace(/\/+$/, '');
export const ADMIN = { email: requireEnv('IDEKOM_ADMIN_EMAIL'), password: requireEnv('IDEKOM_ADMIN_PASSWORD') };
export const SHOTS = path.resolve(REPO_ROOT, process.env.IDEKOM_SCREENSHOT_DIR || '.run/screenshots');
export const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
export const PASSWORD = 'a long pass phrase 42';
// Logins are rate-limited per client address; where the service trusts 127.0.0.1 as a proxy
// (tests/run.sh sets TRUSTED_PROXIES), this run gets an address of its own, so failed logins of
// other suites cannot lock it out. Without a trusted proxy the header is ignored.
const FORWARDED = { 'X-Forwarded-For': `198.51.100.${1 + Math.floor(Math.random() * 254)}` };

const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};

let browser = null;
const axeLog = [];

export async function launch() {
  browser ||= await chromium.launch(LAUNCH);
  return browser;
}

after(async () => {
  if (axeLog.length) {
    const total = axeLog.reduce((n, r) => n + r.violations, 0);
    process.stderr.write(`axe: ${axeLog.length} page states checked, ${total} violations in all\n`);
  }
  if (browser) await browser.close();
});

// A fresh context and page, with watchers. page.problems() lists what went wrong so far;
// page.allow(status) accepts the browser's own "Failed to load resource: ... status of N"
// console line for an API answer the test expects (a 422, a 412, ...).
export async function open({ width = 1280, height = 800, lang } = {}) {
  const b = await launch();
  const context = await b.newContext({ viewport: { width, height }, locale: lang === 'en' ? 'en-GB' : 'sv-SE', extraHTTPHeaders: FORWARDED });
  const page = await context.newPage();
  const problems = [];
  const allowed = new Set();
  page.on('console', (m) => {
    if (m.type() !== 'error' && !/Content Security Policy/i.test(m.text())) return;
    const st = /status of (\d{3})/.exec(m.text());
    if (st && allowed.has(Number(st[1]))) return;
    problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp ||= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.allow = (...codes) => codes.forEach((c) => allowed.add(c));
  page.problems = async () => {
    const csp = await page.evaluate(() => window.__csp || []).catch(() => []);
    return [...problems, ...csp.map((c) => `CSP violation: ${c}`)];
  };
  page.assertClean = async (where) => assert.deepEqual(await page.problems(), [], `console/CSP problems ${where}`);
  return { context, page };
}

// Wait until the page is whole: the app sets aria-busy on <main> while a request is in flight
// and while the router builds a page (until its flash notice is in place)
export async function settled(page) {
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy') && document.querySelector('main h1'));
  await page.waitForLoadState('networkidle');
}

/**
 * Presses the language switch and waits until the switch has done all it does: the page in
 * the other language, typed values put back, the focus on the switch again (its last step).
 * settled() alone is not enough: the page was settled already, so it can pass before the
 * switch has begun.
 */
export async function switchLanguage(page, to) {
  await page.locator('#lang-switch').click();
  await page.locator(`html[lang="${to}"]`).waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'lang-switch');
  await settled(page);
}

export async function visit(page, p) {
  await page.goto(BASE + p);
  await settled(page);
}

// axe-core, WCAG 2.1 A and AA: zero violations; prints the counts
export async function axe(page, label) {
  await settled(page);
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  axeLog.push({ label, violations: r.violations.length });
  process.stderr.write(`axe: ${label}: ${r.violations.length} violations, ${r.passes.length} rules passed, ${r.incomplete.length} to review${r.incomplete.length ? ` (${r.incomplete.map((v) => v.id).join(', ')})` : ''}\n`);
  const detail = r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(detail, [], `axe violations on ${label}`);
  await page.assertClean(label);
  const text = await page.locator('body').innerText();
  const bad = /\bnull\b|\bundefined\b|\[object |\bNaN\b|\{\w+\}|^[a-z]+\.[a-zA-Z]+$/m.exec(text);
  assert.equal(bad && bad[0], null, `a placeholder or a missing value shows on ${label}`);
}

// The confirmation <dialog> that is open: checks that it is modal, named, has focus inside,
// passes axe, then presses the button `answer` (the "yes" text, or 'Avbryt'/'Cancel')
export async function confirmDialog(page, { title, answer, label }) {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  assert.ok(await dialog.evaluate((d) => d.open && d.matches(':modal') && d.contains(document.activeElement)), 'a modal dialog with the focus inside');
  if (label) await axe(page, label);
  await dialog.getByRole('button', { name: answer, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await settled(page);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: name.endsWith('-full') });
}

// Calls to the API from the test itself (setting the scene, never checking the UI)
export async function call(method, p, body, token) {
  const headers = { Accept: 'application/json', ...FORWARDED };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${BASE}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return { data, etag: res.headers.get('ETag') };
}

export async function apiLogin(email, password) {
  return (await call('POST', '/auth/login', { email, password })).data.access_token;
}

export async function makeUser(tag) {
  const email = `${tag}-${RUN}@web.test`;
  const name = `${tag[0].toUpperCase()}${tag.slice(1)} Testsson`;
  await call('POST', '/auth/register', { email, password: PASSWORD, name });
  // a person who may register an organisation: the address counts as verified (the link in
  // the mail is followed in tests/http/account.test.mjs)
  execFileSync('psql', [process.env.DATABASE_URL, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c',
    'update app_user set email_verified_at = now() where lower(email) = lower($$' + email + '$$)']);
  return { email, name, password: PASSWORD };
}

// A valid organisationsnummer (Luhn, third digit ≥ 2) unique to this run; bad() breaks its check digit
export function orgNumber() {
  const d = [8, 0, 2 + Math.floor(Math.random() * 8)];
  while (d.length < 9) d.push(Math.floor(Math.random() * 10));
  const sum = d.reduce((s, x, i) => { let v = x * (i % 2 ? 1 : 2); if (v > 9) v -= 9; return s + v; }, 0);
  d.push((10 - (sum % 10)) % 10);
  return `${d.slice(0, 6).join('')}-${d.slice(6).join('')}`;
}
export const badCheckDigit = (n) => n.slice(0, -1) + ((Number(n.at(-1)) + 1) % 10);

// In-app navigation through a visible link or button, as a person would
export async function clickLink(page, name, { exact = true } = {}) {
  await page.getByRole('link', { name, exact }).first().click();
  await settled(page);
}

// Log in on the login page and follow ?next= to the page wanted
export async function loginTo(page, email, password, next) {
  await visit(page, `/logga-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel(/^(E-postadress|E-mail address)/).fill(email);
  await page.getByLabel(/^(Lösenord|Password)/).fill(password);
  await page.locator('main form').getByRole('button', { name: /^(Logga in|Log in)$/ }).click();
  await page.waitForURL((u) => u.pathname === next.split('?')[0]);
  await settled(page);
}

export async function loginUI(page, email, password) {
  if (!(await page.url()).startsWith(BASE)) await visit(page, '/');
  await page.locator('.site-header').getByRole('link', { name: /^(Logga in|Log in)$/ }).click();
  await settled(page);
  await page.getByLabel(/^(E-postadress|E-mail address)/).fill(email);
  await page.getByLabel(/^(Lösenord|Password)/).fill(password);
  await page.locator('main form').getByRole('button', { name: /^(Logga in|Log in)$/ }).click();
  // the secretariat lands on its own pages, everyone else on their organisations
  await page.getByRole('heading', { level: 1, name: /^(Mina organisationer|My organisations|Kansliet|Secretariat)$/ }).waitFor();
  await settled(page);
}

// Press Tab until the focused element satisfies `test` (run in the page); fails after `max`
export async function tabTo(page, test, arg, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test, arg)) return;
  }
  const now = await page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 120));
  throw new Error(`Tab never reached the element (focus is on ${now})`);
}

// The focused element shows a visible focus indicator (an outline or a box shadow)
export async function assertFocusVisible(page) {
  const s = await page.evaluate(() => {
    const c = getComputedStyle(document.activeElement);
    return { outline: c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) >= 2, tag: document.activeElement.tagName };
  });
  assert.ok(s.outline, `the focused ${s.tag} has no visible focus outline`);
}

// Enough verified organisations for paging, and an umbrella organisation with a member,
// whether or not the demo data is loaded
export async function ensureRegister() {
  const token = await apiLogin(ADMIN.email, ADMIN.password);
  const make = async (body) => {
    const { data } = await call('POST', '/organisations', body, token);
    await call('POST', `/organisations/${data.id}/verify`, undefined, token);
    return data;
  };
  let umbrella = (await call('GET', '/organisations?kind=paraplyorganisation&status=verified&limit=1')).data.items[0];
  umbrella ||= await make({ name: `Paraplyet ${RUN}`, kind: 'paraplyorganisation', districts: ['centrum'] });
  const members = (await call('GET', `/organisations/${umbrella.id}/members?limit=1`)).data.items;
  if (!members.length) await make({ name: `Medlemmen ${RUN}`, kind: 'ideell_forening', umbrella_id: umbrella.id, districts: ['angered'] });
  let n = (await call('GET', '/organisations?status=verified&limit=30')).data.items.length;
  const districts = ['angered', 'centrum', 'lundby', 'majorna_linne'];
  for (; n < 30; n++) await make({ name: `Testföreningen ${n} ${RUN}`, kind: 'ideell_forening', districts: [districts[n % 4]] });
  return { token, umbrella };
}

// An adopted agreement to endorse, whether or not the demo data is loaded
export async function ensureAgreement() {
  const { data } = await call('GET', '/agreements?limit=100');
  const current = data.items.find((a) => a.status === 'adopted');
  if (current) return current;
  const token = await apiLogin(ADMIN.email, ADMIN.password);
  const a = (await call('POST', '/agreements', {
    slug: `test-${RUN}`, title: 'Överenskommelse om samverkan (test)',
    goals: ['Tydliga förutsättningar för dialog och samverkan.'],
    principles: [{ code: 'integritet', title: 'Integritet och oberoende' }, { code: 'dialog', title: 'Dialog' }],
    commitments: [{ party: 'city', text: 'Staden bjuder in till dialog.' }],
  }, token)).data;
  return (await call('POST', `/agreements/${a.id}/adopt`, { decision: { body: 'Kommunfullmäktige', date: '2012-05-24', reference: 'Dnr 0169/12' } }, token)).data;
}

// A member with a verified organisation of their own, made through the API
export async function memberWithOrganisation(tag, adminToken) {
  const u = await makeUser(tag);
  const token = await apiLogin(u.email, u.password);
  const org = (await call('POST', '/organisations', { name: `${tag[0].toUpperCase()}${tag.slice(1)}föreningen ${RUN}`, kind: 'ideell_forening', org_number: orgNumber() }, token)).data;
  if (adminToken) await call('POST', `/organisations/${org.id}/verify`, undefined, adminToken);
  return { ...u, token, org };
}
