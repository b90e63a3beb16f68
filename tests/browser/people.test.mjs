// Accounts people can keep (issue 14), as a person does it in the browser, in both languages:
// a forgotten password (the mail read back from a real SMTP server, its link followed), the
// address confirmed from the mail's link, My account (name and mail language, reminders
// off, a new password, the data as a file, the account deleted after a confirmation), and
// the privacy page. Every page axe-clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { open, visit, settled, axe, call, makeUser, loginTo, confirmDialog, apiLogin, BASE, RUN, PASSWORD } from './support.mjs';
import { startSmtp } from '../http/mail.mjs';

let smtp;
before(async () => {
  smtp = await startSmtp();
});
after(async () => {
  await smtp?.close();
});

/** The path and query of the link in the newest mail to `email` whose subject matches `re`. */
async function linkFrom(email, re) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const m = smtp.to(email).filter((x) => re.test(x.parsed.subject)).at(-1);
    if (m) {
      const url = new URL(/https:\/\/idekom\.example\/\S+/.exec(m.parsed.text)[0]);
      return url.pathname + url.search;
    }
    assert.ok(Date.now() < deadline, `no mail "${re}" to ${email}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function toEnglish(page) {
  if ((await page.locator('html').getAttribute('lang')) === 'en') return; // remembered from before
  await page.locator('#lang-switch').click();
  await page.locator('html[lang="en"]').waitFor();
  await settled(page);
}

test('a forgotten password: the mail, its link, a new password, signing in with it (Swedish)', async () => {
  const u = await makeUser(`glomsk${RUN}`);
  const { page, context } = await open();
  await visit(page, '/logga-in');
  await page.getByRole('link', { name: 'Glömt lösenordet?' }).click();
  await page.getByRole('heading', { level: 1, name: 'Glömt lösenordet' }).waitFor();
  await axe(page, 'forgotten password');
  await page.getByLabel(/^E-postadress/).fill(u.email);
  await page.getByRole('button', { name: 'Skicka länken' }).click();
  await page.locator('main').getByText(`Om ${u.email} har ett konto i Idékom`).waitFor();
  await axe(page, 'forgotten password, sent');

  await visit(page, await linkFrom(u.email, /^Återställ/));
  await page.getByRole('heading', { level: 1, name: 'Välj ett nytt lösenord' }).waitFor();
  await page.getByLabel(/^Nytt lösenord/).fill('kort');
  await page.getByRole('button', { name: 'Spara det nya lösenordet' }).click();
  await page.locator('.error-summary').waitFor();
  await axe(page, 'new password, too short');
  await page.getByLabel(/^Nytt lösenord/).fill('ett nytt och långt lösenord');
  await page.getByRole('button', { name: 'Spara det nya lösenordet' }).click();
  await page.waitForURL((x) => x.pathname === '/logga-in');
  await page.locator('main').getByText('Lösenordet är bytt. Logga in med det nya.').waitFor();
  await loginTo(page, u.email, 'ett nytt och långt lösenord', '/mina-organisationer');

  // the link works once
  await visit(page, await linkFrom(u.email, /^Återställ/));
  await page.getByLabel(/^Nytt lösenord/).fill('ännu ett nytt lösenord');
  page.allow(400);
  await page.getByRole('button', { name: 'Spara det nya lösenordet' }).click();
  await page.locator('.error-summary', { hasText: 'Länken fungerar inte längre' }).waitFor();
  await axe(page, 'a used reset link');
  await context.close();
});

test('My account in English: the address confirmed from the mail, name and mail language, reminders, the data as a file, a new password', async () => {
  const email = `konto-${RUN}@web.test`;
  await call('POST', '/auth/register', { email, password: PASSWORD, name: 'Kim Konto' });
  const { page, context } = await open();
  await loginTo(page, email, PASSWORD, '/mina-organisationer');
  await toEnglish(page);
  await page.locator('.site-header').getByRole('link', { name: 'My account' }).click();
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  await page.locator('main').getByText('Your e-mail address is not confirmed.').waitFor();
  await axe(page, 'my account, unconfirmed (en)');

  await visit(page, await linkFrom(email, /^Bekräfta/));
  await toEnglish(page);
  await page.locator('main').getByText('Thank you! Your e-mail address is confirmed.').waitFor();
  await axe(page, 'address confirmed (en)');

  // following the link loaded the page anew, which ends the session kept in memory
  await loginTo(page, email, PASSWORD, '/konto');
  await page.locator('main').getByText('The address is confirmed.').waitFor();
  await page.getByLabel(/^Your name/).fill('Kim Nyname');
  await page.getByLabel(/^Language of mails/).selectOption('en');
  await page.locator('#profile').getByRole('button', { name: 'Save' }).click();
  await page.locator('main').getByText('Your details are saved.').waitFor();
  await page.getByLabel('Reminders before meetings my organisation is registered for').uncheck();
  await page.getByRole('button', { name: 'Save the mail settings' }).click();
  await page.locator('main').getByText('Your mail settings are saved.').waitFor();
  await axe(page, 'my account, saved (en)');
  const me = (await call('GET', '/me', undefined, await apiLogin(email, PASSWORD))).data;
  assert.equal(me.name, 'Kim Nyname');
  assert.equal(me.language, 'en');
  assert.deepEqual(me.notifications, { reminders: false });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download my data' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'idekom-mina-uppgifter.json');
  const data = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
  assert.equal(data.account.email, email);
  assert.ok(data.mails.some((m) => m.kind === 'verify_email'));

  page.allow(422);
  await page.getByLabel(/^Current password/).fill('not my password');
  await page.getByLabel(/^New password/).fill('a brand new pass phrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('.error-summary', { hasText: 'That is not your current password.' }).waitFor();
  await axe(page, 'change password, wrong current (en)');
  await page.getByLabel(/^Current password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL((x) => x.pathname === '/logga-in');
  await page.locator('main').getByText('Your password is changed and you are signed out everywhere.').waitFor();
  await loginTo(page, email, 'a brand new pass phrase', '/konto');
  await context.close();
});

test('deleting the account asks first, then signs out; the privacy page in both languages', async () => {
  const u = await makeUser(`radera${RUN}`);
  const { page, context } = await open();
  await loginTo(page, u.email, u.password, '/konto');
  await page.getByRole('button', { name: 'Radera mitt konto' }).click();
  await confirmDialog(page, { title: 'Radera ditt konto?', answer: 'Avbryt', label: 'delete account, confirmation' });
  assert.equal((await call('GET', '/me', undefined, await apiLogin(u.email, u.password))).data.email, u.email, 'cancelled: nothing happened');
  await page.getByRole('button', { name: 'Radera mitt konto' }).click();
  await confirmDialog(page, { title: 'Radera ditt konto?', answer: 'Ja, radera kontot' });
  await page.waitForURL((x) => x.pathname === '/');
  await page.locator('main').getByText('Ditt konto är raderat.').waitFor();
  await page.locator('.site-header').getByRole('link', { name: 'Logga in' }).waitFor();
  const r = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: u.email, password: u.password }) });
  assert.equal(r.status, 401, 'cannot sign in again');

  await page.locator('footer').getByRole('link', { name: 'Personuppgifter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Personuppgifter' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Hur länge' }).waitFor();
  await axe(page, 'privacy (sv)');
  await toEnglish(page);
  await page.getByRole('heading', { level: 1, name: 'Personal data' }).waitFor();
  await axe(page, 'privacy (en)');
  await visit(page, '/tillganglighet');
  await page.locator('main').getByText(/idekom@goteborg\.se/).waitFor();
  await context.close();
});

test('a reload keeps the person signed in (the refresh token in an HttpOnly cookie), and logging out ends it', async () => {
  const u = await makeUser(`kvar${RUN}`);
  const { page, context } = await open();
  await loginTo(page, u.email, u.password, '/konto');
  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === 'idekom_refresh');
  assert.ok(refresh && refresh.httpOnly && refresh.secure && refresh.sameSite === 'Strict' && refresh.path === '/api/v1/auth', `the refresh cookie: ${JSON.stringify(refresh)}`);
  assert.equal(await page.evaluate(() => document.cookie.includes('idekom_refresh')), false, 'scripts cannot read it');
  await page.reload();
  await settled(page);
  await page.getByRole('heading', { level: 1, name: 'Mitt konto' }).waitFor();
  assert.match(await page.locator('.site-header').innerText(), /Inloggad som/);
  await axe(page, 'my account after a reload');
  await page.locator('#logout').click();
  await page.locator('.site-header').getByRole('link', { name: 'Logga in' }).waitFor();
  await page.reload();
  await settled(page);
  assert.match(await page.locator('.site-header').innerText(), /Logga in/, 'logged out stays logged out');
  assert.equal((await context.cookies()).filter((c) => c.name.startsWith('idekom_') && c.value).length, 0, 'the cookies are gone');
  await context.close();
});

test('switching the language keeps what was typed in the forms', async () => {
  const u = await makeUser(`sprak${RUN}`);
  const { page, context } = await open();
  await loginTo(page, u.email, u.password, '/konto');
  await page.getByLabel(/^Ditt namn/).fill('Namn under arbete');
  await page.getByLabel('Påminnelser inför möten som min organisation är anmäld till').uncheck();
  await page.getByLabel(/^Nuvarande lösenord/).fill('halvvägs');
  await toEnglish(page);
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  assert.equal(await page.getByLabel(/^Your name/).inputValue(), 'Namn under arbete');
  assert.equal(await page.getByLabel('Reminders before meetings my organisation is registered for').isChecked(), false);
  assert.equal(await page.getByLabel(/^Current password/).inputValue(), 'halvvägs');
  await axe(page, 'my account, typed values kept across the language switch (en)');
  await visit(page, '/glomt-losenord');
  await page.getByLabel(/^E-mail address/).fill('halv@adress');
  await page.locator('#lang-switch').click();
  await page.getByRole('heading', { level: 1, name: 'Glömt lösenordet' }).waitFor();
  assert.equal(await page.getByLabel(/^E-postadress/).inputValue(), 'halv@adress');
  await context.close();
});
