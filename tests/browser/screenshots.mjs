// The README's screenshots, from the demo data (run by tests/browser/screenshots.sh):
// Kansliet's attendance table, a confirmation dialog, and the month calendar on a phone.
import path from 'node:path';
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const [out] = process.argv.slice(2);
const BASE = process.env.IDEKOM_BASE_URL;
const { IDEKOM_ADMIN_EMAIL: email, IDEKOM_ADMIN_PASSWORD: password } = process.env;
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const context = (viewport) => browser.newContext({ viewport, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
const idle = (page) => page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy') && document.querySelector('main h1'));

try {
  const desk = await (await context({ width: 1280, height: 800 })).newPage();
  await desk.goto(`${BASE}/logga-in`);
  await idle(desk);
  await desk.getByLabel(/^E-postadress/).fill(email);
  await desk.getByLabel(/^Lösenord/).fill(password);
  await desk.locator('main form').getByRole('button', { name: 'Logga in' }).click();
  await desk.waitForURL((u) => u.pathname === '/kansli');
  await idle(desk);
  await desk.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Dialoger' }).click();
  await idle(desk);
  await desk.getByRole('link', { name: 'Rådsmöte i Idékom', exact: true }).click();
  await desk.locator('#narvaro table').waitFor();
  await idle(desk);
  await desk.locator('#narvaro').scrollIntoViewIfNeeded();
  await desk.locator('#narvaro').screenshot({ path: path.join(out, 'attendance.png') });
  // a confirmation: unregistering is the same dialog; verifying is one the secretariat meets daily
  await desk.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Dialoger' }).click();
  await idle(desk);
  await desk.getByRole('link', { name: 'Visa den publika sidan för Dialogkonferens: nästa överenskommelse' }).click();
  await idle(desk);
  await desk.getByRole('button', { name: 'Ställ in dialogen' }).click();
  await desk.getByRole('dialog').waitFor();
  await desk.screenshot({ path: path.join(out, 'confirm-dialog.png') });
  await desk.keyboard.press('Escape');
  const phone = await (await context({ width: 390, height: 844 })).newPage();
  await phone.goto(`${BASE}/dialoger`);
  await idle(phone);
  await phone.locator('#manad').scrollIntoViewIfNeeded();
  await phone.evaluate(() => document.getElementById('manad').scrollIntoView());
  await phone.screenshot({ path: path.join(out, 'calendar-phone.png') });
  console.log(`screenshots: attendance.png, confirm-dialog.png, calendar-phone.png in ${out}`);
} finally {
  await browser.close();
}
