// Accounts people can keep (issue 14), as a person does it in the browser, each flow in
// Swedish and in English (the expected texts are the catalogue's, web/i18n): a forgotten
// password (the mail read back from a real SMTP server, its link followed), an account created
// in the page's language and its address confirmed from the mail's link, My account (name and
// mail language, reminders off, the data as a file, a new password), deleting the account
// after a confirmation, the privacy page, and a reload keeping the session. Every page
// axe-clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { open, visit, settled, switchLanguage, axe, call, makeUser, loginTo, confirmDialog, apiLogin, BASE, RUN, PASSWORD } from './support.mjs';
import { startSmtp } from '../http/mail.mjs';
import sv from '../../web/i18n/sv.js';
import en from '../../web/i18n/en.js';

const DICTS = { sv, en };
// The subjects of the service's mails (service/src/mail/templates.c), in the account's language
const SUBJECTS = { sv: { reset: /^Återställ/, confirm: /^Bekräfta/ }, en: { reset: /^Reset/, confirm: /^Confirm/ } };
const OTHER = { sv: 'en', en: 'sv' };

let smtp;
before(async () => {
  smtp = await startSmtp();
});
after(async () => {
  await smtp?.close();
});

/** A catalogue text of `lang`, its {params} filled in as the front end does (no numbers here). */
function text(lang, key, params = {}) {
  const v = key.split('.').reduce((o, k) => o?.[k], DICTS[lang]);
  assert.equal(typeof v, 'string', `no text ${lang}:${key}`);
  return v.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}
const starts = (lang, key) => new RegExp(`^${text(lang, key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

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

/** A fresh browser in `lang`: English is chosen with the switch once, and remembered. */
async function browser(lang) {
  const b = await open({ lang });
  if (lang === 'en') {
    await visit(b.page, '/');
    await switchLanguage(b.page, 'en');
  }
  return b;
}

async function assertLang(page, lang) {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, 'the page stays in its language');
}

/** An account made through the API, its mails in `lang`. */
async function person(tag, lang) {
  const email = `${tag}-${lang}-${RUN}@web.test`;
  await call('POST', '/auth/register', { email, password: PASSWORD, name: `${tag[0].toUpperCase()}${tag.slice(1)} Testsson`, language: lang });
  return { email, password: PASSWORD };
}

for (const lang of ['sv', 'en']) {
  const T = (key, params) => text(lang, key, params);

  test(`${lang}: a forgotten password: the mail, its link, a new password, signing in with it, the link used twice`, async () => {
    const u = await person('glomsk', lang);
    const { page, context } = await browser(lang);
    await visit(page, '/logga-in');
    await page.getByRole('link', { name: T('people.forgotLink') }).click();
    await page.getByRole('heading', { level: 1, name: T('people.forgotTitle') }).waitFor();
    await axe(page, `${lang}: forgotten password`);
    await page.getByLabel(starts(lang, 'account.email')).fill(u.email);
    await page.getByRole('button', { name: T('people.forgotButton') }).click();
    await page.locator('main').getByText(T('people.forgotSent', { email: u.email })).waitFor();
    await axe(page, `${lang}: forgotten password, sent`);

    await visit(page, await linkFrom(u.email, SUBJECTS[lang].reset));
    await page.getByRole('heading', { level: 1, name: T('people.resetTitle') }).waitFor();
    await assertLang(page, lang);
    await page.getByLabel(starts(lang, 'people.newPassword')).fill('kort');
    await page.getByRole('button', { name: T('people.resetButton') }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal((await page.locator('.field-error:not([hidden])').innerText()).trim(), T('fieldErrors.too_short.min', { min: 12 }));
    await axe(page, `${lang}: new password, too short`);
    await page.getByLabel(starts(lang, 'people.newPassword')).fill('ett nytt och långt lösenord');
    await page.getByRole('button', { name: T('people.resetButton') }).click();
    await page.waitForURL((x) => x.pathname === '/logga-in');
    await page.locator('main').getByText(T('people.resetDone')).waitFor();
    await axe(page, `${lang}: password reset, sign in`);
    await loginTo(page, u.email, 'ett nytt och långt lösenord', '/mina-organisationer');

    // the link works once
    await visit(page, await linkFrom(u.email, SUBJECTS[lang].reset));
    await page.getByLabel(starts(lang, 'people.newPassword')).fill('ännu ett nytt lösenord');
    page.allow(400);
    await page.getByRole('button', { name: T('people.resetButton') }).click();
    await page.locator('.error-summary', { hasText: T('people.linkInvalid') }).waitFor();
    await axe(page, `${lang}: a used reset link`);
    await context.close();
  });

  test(`${lang}: an account created on the page gets its mails in the page's language, the address confirmed from the mail; My account: name and mail language, reminders, the data as a file, a new password`, async () => {
    const email = `konto-${lang}-${RUN}@web.test`;
    const { page, context } = await browser(lang);
    await visit(page, '/skapa-konto?next=/konto');
    await page.getByLabel(starts(lang, 'account.name')).fill('Kim Konto');
    await page.getByLabel(starts(lang, 'account.email')).fill(email);
    await page.getByLabel(starts(lang, 'account.password')).fill(PASSWORD);
    await page.locator('main form').getByRole('button', { name: T('account.registerButton'), exact: true }).click();
    await page.waitForURL((x) => x.pathname === '/konto');
    await page.getByRole('heading', { level: 1, name: T('people.profileTitle') }).waitFor();
    await page.locator('main').getByText(T('people.unverifiedNote')).waitFor();
    await axe(page, `${lang}: my account, unconfirmed`);
    assert.equal((await call('GET', '/me', undefined, await apiLogin(email, PASSWORD))).data.language, lang, 'the mails go in the language the account was created in');

    await visit(page, await linkFrom(email, SUBJECTS[lang].confirm));
    await assertLang(page, lang);
    await page.getByRole('heading', { level: 1, name: T('people.verifyTitle') }).waitFor();
    await page.locator('main').getByText(T('people.verified')).waitFor();
    await axe(page, `${lang}: address confirmed`);

    // following the link loaded the page anew, which ends the session kept in memory
    await loginTo(page, email, PASSWORD, '/konto');
    await page.locator('main').getByText(T('people.emailVerified')).waitFor();
    await page.getByLabel(starts(lang, 'account.name')).fill('Kim Nyname');
    await page.getByLabel(starts(lang, 'people.language')).selectOption(OTHER[lang]);
    await page.locator('#profile').getByRole('button', { name: T('people.saveProfile'), exact: true }).click();
    await page.locator('main').getByText(T('people.profileSaved')).waitFor();
    await assertLang(page, lang); // the mails' language, not the site's
    await page.getByLabel(T('people.reminders')).uncheck();
    await page.getByRole('button', { name: T('people.saveNotifications') }).click();
    await page.locator('main').getByText(T('people.notificationsSaved')).waitFor();
    await axe(page, `${lang}: my account, saved`);
    const me = (await call('GET', '/me', undefined, await apiLogin(email, PASSWORD))).data;
    assert.equal(me.name, 'Kim Nyname');
    assert.equal(me.language, OTHER[lang]);
    assert.deepEqual(me.notifications, { reminders: false });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: T('people.download') }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), T('people.downloadFile'));
    await page.locator('main').getByRole('link', { name: T('people.downloadReady', { file: T('people.downloadFile') }) }).waitFor();
    const data = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
    assert.equal(data.account.email, email);
    assert.ok(data.mails.some((m) => m.kind === 'verify_email'));
    await axe(page, `${lang}: my account, the data downloaded`);

    page.allow(422);
    await page.getByLabel(starts(lang, 'people.currentPassword')).fill('not my password');
    await page.getByLabel(starts(lang, 'people.newPassword')).fill('a brand new pass phrase');
    await page.getByRole('button', { name: T('people.changePassword'), exact: true }).click();
    await page.locator('.error-summary', { hasText: T('people.wrongPassword') }).waitFor();
    await axe(page, `${lang}: change password, wrong current`);
    await page.getByLabel(starts(lang, 'people.currentPassword')).fill(PASSWORD);
    await page.getByRole('button', { name: T('people.changePassword'), exact: true }).click();
    await page.waitForURL((x) => x.pathname === '/logga-in');
    await page.locator('main').getByText(T('people.passwordChanged')).waitFor();
    await axe(page, `${lang}: password changed, sign in`);
    await loginTo(page, email, 'a brand new pass phrase', '/konto');
    await assertLang(page, lang);
    await context.close();
  });

  test(`${lang}: deleting the account asks first, then signs out; the privacy page`, async () => {
    const u = await person('radera', lang);
    const { page, context } = await browser(lang);
    await loginTo(page, u.email, u.password, '/konto');
    await page.getByRole('button', { name: T('people.erase') }).click();
    await confirmDialog(page, { title: T('people.eraseConfirmTitle'), answer: T('common.cancel'), label: `${lang}: delete account, confirmation` });
    assert.equal((await call('GET', '/me', undefined, await apiLogin(u.email, u.password))).data.email, u.email, 'cancelled: nothing happened');
    await page.getByRole('button', { name: T('people.erase') }).click();
    await confirmDialog(page, { title: T('people.eraseConfirmTitle'), answer: T('people.eraseYes') });
    await page.waitForURL((x) => x.pathname === '/');
    await page.locator('main').getByText(T('people.erased')).waitFor();
    await page.locator('.site-header').getByRole('link', { name: T('nav.login') }).waitFor();
    await axe(page, `${lang}: account deleted, signed out`);
    const r = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: u.email, password: u.password }) });
    assert.equal(r.status, 401, 'cannot sign in again');

    await page.locator('footer').getByRole('link', { name: T('people.footerPrivacy') }).click();
    await page.getByRole('heading', { level: 1, name: T('people.privacyTitle') }).waitFor();
    await page.getByRole('heading', { level: 2, name: T('people.privacyHowLongTitle') }).waitFor();
    await assertLang(page, lang);
    await axe(page, `${lang}: privacy`);
    await visit(page, '/tillganglighet');
    await page.locator('main').getByText(/idekom@goteborg\.se/).waitFor();
    await context.close();
  });

  test(`${lang}: a reload keeps the person signed in (the refresh token in an HttpOnly cookie), and logging out ends it`, async () => {
    const u = await person('kvar', lang);
    const { page, context } = await browser(lang);
    await loginTo(page, u.email, u.password, '/konto');
    const cookies = await context.cookies();
    const refresh = cookies.find((c) => c.name === 'idekom_refresh');
    assert.ok(refresh && refresh.httpOnly && refresh.secure && refresh.sameSite === 'Strict' && refresh.path === '/api/v1/auth', `the refresh cookie: ${JSON.stringify(refresh)}`);
    assert.equal(await page.evaluate(() => document.cookie.includes('idekom_refresh')), false, 'scripts cannot read it');
    await page.reload();
    await settled(page);
    await page.getByRole('heading', { level: 1, name: T('people.profileTitle') }).waitFor();
    await assertLang(page, lang);
    assert.match(await page.locator('.site-header').innerText(), new RegExp(T('nav.signedInAs', { name: 'Kvar Testsson' })));
    await axe(page, `${lang}: my account after a reload`);
    await page.locator('#logout').click();
    await page.locator('.site-header').getByRole('link', { name: T('nav.login') }).waitFor();
    await page.reload();
    await settled(page);
    assert.ok((await page.locator('.site-header').innerText()).includes(T('nav.login')), 'logged out stays logged out');
    assert.equal((await context.cookies()).filter((c) => c.name.startsWith('idekom_') && c.value).length, 0, 'the cookies are gone');
    await context.close();
  });
}

test('switching the language keeps what was typed in the forms', async () => {
  const u = await makeUser(`sprak${RUN}`);
  const { page, context } = await open();
  await loginTo(page, u.email, u.password, '/konto');
  await page.getByLabel(/^Ditt namn/).fill('Namn under arbete');
  await page.getByLabel('Påminnelser inför möten som min organisation är anmäld till').uncheck();
  await page.getByLabel(/^Nuvarande lösenord/).fill('halvvägs');
  await switchLanguage(page, 'en');
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  assert.equal(await page.getByLabel(/^Your name/).inputValue(), 'Namn under arbete');
  assert.equal(await page.getByLabel('Reminders before meetings my organisation is registered for').isChecked(), false);
  assert.equal(await page.getByLabel(/^Current password/).inputValue(), 'halvvägs');
  await axe(page, 'my account, typed values kept across the language switch (en)');
  await visit(page, '/glomt-losenord');
  await page.getByLabel(/^E-mail address/).fill('halv@adress');
  await switchLanguage(page, 'sv');
  await page.getByRole('heading', { level: 1, name: 'Glömt lösenordet' }).waitFor();
  assert.equal(await page.getByLabel(/^E-postadress/).inputValue(), 'halv@adress');
  await context.close();
});
