// Accounts people can keep (issue 14): the verification mail at registration and on a new
// address, POST /auth/verify-email, the rule that only a verified address registers an
// organisation, the password reset by mail (always 202, single use, 1 hour, hashed, limited),
// the password change (other sessions end), the profile (PATCH /me). Every mail is read back
// from a real SMTP server (tests/http/mail.mjs): recipient, language, link and headers.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  api,
  assertProblem,
  assertValidation,
  registerUser,
  login,
  uniqueEmail,
  uniqueIp,
  createOrg,
  psql,
  sqlLit,
  tablesContaining,
} from './support.mjs';
import { startSmtp, linkIn, assertMailHeaders } from './mail.mjs';

const BASE_LINK = 'https://idekom.example';
let smtp;

before(async () => {
  smtp = await startSmtp();
});
after(async () => {
  await smtp?.close();
});

async function signIn(email, password) {
  const r = await login(email, password, uniqueIp());
  assert.equal(r.status, 200, `login ${email}: ${r.status} ${r.text}`);
  return r.json;
}

/** Waits until no mail to user `id` is pending: the worker records "sent" just after the SMTP server has the mail. */
async function allSent(id) {
  const deadline = Date.now() + 20000;
  while (psql(`select count(*) from mail_outbox where user_id = ${sqlLit(id)} and status = 'pending'`) !== '0') {
    assert.ok(Date.now() < deadline, `mails to ${id} still pending after 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tokenOf = (mail, path) => linkIn(mail, `${BASE_LINK}${path}`).searchParams.get('token');

describe('verifying the e-mail address', () => {
  test('registration mails a link in the language asked for; the link verifies the address once', async () => {
    const u = await registerUser({ language: 'en', verified: false, name: 'Alex Örn' });
    const [mail] = await smtp.waitFor(u.requested_email);
    assertMailHeaders(mail, { to: u.requested_email, language: 'en' });
    assert.equal(mail.parsed.subject, 'Confirm your e-mail address for Idékom');
    assert.match(mail.parsed.text, /^Hello Alex Örn,/);
    assert.match(mail.parsed.text, /valid for 7 days/);
    assert.equal(mail.parsed.to.value[0].name, 'Alex Örn', 'the name is RFC 2047 encoded and read back');
    const token = tokenOf(mail, '/bekrafta-adress?');
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.ok(mail.parsed.html.includes(`href="${BASE_LINK}/bekrafta-adress?token=${token}"`), 'the HTML part has the same link');
    await allSent(u.id);
    assert.deepEqual(tablesContaining(token), [], 'the token is stored only as a hash (the sent mail keeps no token)');

    const s = await signIn(u.requested_email, u.password);
    let me = await api('GET', '/api/v1/me', { token: s.access_token });
    assert.equal(me.json.email_verified, false);
    assert.equal(me.json.language, 'en');

    const org = await api('POST', '/api/v1/organisations', { token: s.access_token, body: { name: `Overifierad ${Date.now()}`, kind: 'ideell_forening' } });
    assertProblem(org, 403, 'an unverified address registers no organisation');
    assert.match(org.json.detail, /verify your e-mail address/);

    const v = await api('POST', '/api/v1/auth/verify-email', { body: { token } });
    assert.equal(v.status, 204, v.text);
    me = await api('GET', '/api/v1/me', { token: s.access_token });
    assert.equal(me.json.email_verified, true);
    assertProblem(await api('POST', '/api/v1/auth/verify-email', { body: { token } }), 400, 'a link works once');
    assertProblem(await api('POST', '/api/v1/auth/verify-email', { body: { token: 'f'.repeat(64) } }), 400, 'an unknown token');
    assertValidation(await api('POST', '/api/v1/auth/verify-email', { body: {} }), ['/token']);
    const created = await createOrg(s.access_token);
    assert.ok(created.id, 'a verified address registers an organisation');
    const audit = psql(`select count(*) from audit where entity_id = ${sqlLit(u.id)} and action = 'verify_email'`);
    assert.equal(audit, '1', 'the verification is in the audit log');
  });

  test('Swedish by default: the subject with å/ä/ö is an RFC 2047 word', async () => {
    const u = await registerUser({ verified: false, name: 'Åsa Ängström' });
    const [mail] = await smtp.waitFor(u.requested_email);
    assertMailHeaders(mail, { to: u.requested_email, language: 'sv' });
    assert.equal(mail.parsed.subject, 'Bekräfta din e-postadress i Idékom');
    assert.match(mail.raw, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/m);
    assert.match(mail.parsed.text, /^Hej Åsa Ängström,/);
    assert.match(mail.parsed.text, /Länken gäller i 7 dagar/);
  });

  test('an expired link is refused; asking again sends a new one and the old stops working', async () => {
    const u = await registerUser({ verified: false });
    const first = tokenOf((await smtp.waitFor(u.requested_email))[0], '/bekrafta-adress?');
    const s = await signIn(u.requested_email, u.password);
    const again = await api('POST', '/api/v1/me/email-verification', { token: s.access_token });
    assert.equal(again.status, 202, again.text);
    const second = tokenOf((await smtp.waitFor(u.requested_email, 2))[1], '/bekrafta-adress?');
    assert.notEqual(first, second);
    assertProblem(await api('POST', '/api/v1/auth/verify-email', { body: { token: first } }), 400, 'the earlier link');
    psql(`update account_token set expires_at = now() - interval '1 second' where user_id = ${sqlLit(u.id)} and used_at is null`);
    assertProblem(await api('POST', '/api/v1/auth/verify-email', { body: { token: second } }), 400, 'an expired link');
    psql(`update account_token set expires_at = now() + interval '1 hour' where user_id = ${sqlLit(u.id)} and used_at is null`);
    assert.equal((await api('POST', '/api/v1/auth/verify-email', { body: { token: second } })).status, 204);
    assertProblem(await api('POST', '/api/v1/me/email-verification', { token: s.access_token }), 409, 'already verified');
  });
});

describe('password reset by e-mail', () => {
  test('202 for every address; a mail only to an account; the link sets the password once and ends every session', async () => {
    const unknown = uniqueEmail('ingen');
    const r0 = await api('POST', '/api/v1/auth/password-reset', { body: { email: unknown } });
    assert.equal(r0.status, 202, r0.text);
    assert.deepEqual(r0.json, { status: 'accepted' });

    const u = await registerUser({ verified: false });
    await smtp.waitFor(u.requested_email); // the verification mail
    const s1 = await signIn(u.requested_email, u.password);
    const s2 = await signIn(u.requested_email, u.password);
    const r = await api('POST', '/api/v1/auth/password-reset', { body: { email: u.requested_email.toUpperCase() } });
    assert.equal(r.status, 202);
    assert.deepEqual(r.json, r0.json, 'the same answer as for an unknown address');
    const mails = await smtp.waitFor(u.requested_email, 2);
    const mail = mails[1];
    assertMailHeaders(mail, { to: u.requested_email, language: 'sv' });
    assert.equal(mail.parsed.subject, 'Återställ ditt lösenord i Idékom');
    assert.match(mail.parsed.text, /gäller i en timme/);
    const token = tokenOf(mail, '/aterstall-losenord?');
    await allSent(u.id);
    assert.deepEqual(tablesContaining(token), [], 'the reset token is stored only as a hash (the sent mail keeps no token)');
    assert.equal(psql(`select count(*) from mail_outbox where lower(to_address) = lower(${sqlLit(unknown)})`), '0', 'no mail for an unknown address');

    assertValidation(await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'short' } }), ['/new_password']);
    const newPassword = 'ett helt nytt lösenord';
    const c = await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: newPassword } });
    assert.equal(c.status, 204, c.text);
    assertProblem(await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'ännu ett nytt lösenord' } }), 400, 'single use');
    assert.equal((await login(u.requested_email, u.password, uniqueIp())).status, 401, 'the old password no longer works');
    await signIn(u.requested_email, newPassword);
    for (const s of [s1, s2]) {
      const rr = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refresh_token } });
      assert.equal(rr.status, 401, 'every session ended');
    }
    const changed = (await smtp.waitFor(u.requested_email, 3))[2];
    assertMailHeaders(changed, { to: u.requested_email, language: 'sv' });
    assert.equal(changed.parsed.subject, 'Ditt lösenord i Idékom har ändrats');
    const me = await api('GET', '/api/v1/me', { token: (await signIn(u.requested_email, newPassword)).access_token });
    assert.equal(me.json.email_verified, true, 'following the mailed link proves the address');
  });

  test('a link older than an hour is refused; at most three mails an hour per account', async () => {
    const u = await registerUser();
    for (let i = 0; i < 5; i++) assert.equal((await api('POST', '/api/v1/auth/password-reset', { body: { email: u.requested_email } })).status, 202);
    const mails = await smtp.waitFor(u.requested_email, 4); // the verification mail and three
    assert.equal(psql(`select count(*) from mail_outbox where user_id = ${sqlLit(u.id)} and kind = 'password_reset'`), '3');
    const token = tokenOf(mails.filter((m) => m.parsed.subject.startsWith('Återställ'))[0], '/aterstall-losenord?');
    psql(`update account_token set created_at = created_at - interval '2 hours', expires_at = expires_at - interval '2 hours' where user_id = ${sqlLit(u.id)} and purpose = 'password_reset'`);
    assertProblem(await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'ett helt nytt lösenord' } }), 400, 'expired');
    assert.equal((await login(u.requested_email, u.password, uniqueIp())).status, 200, 'the password is unchanged');
  });
});

describe('changing the password', () => {
  test('the current password is checked; the session that asks stays, the others end; a mail says so', async () => {
    const u = await registerUser({ language: 'en' });
    const keep = await signIn(u.requested_email, u.password);
    const other = await signIn(u.requested_email, u.password);
    const wrong = await api('POST', '/api/v1/me/password', { token: keep.access_token, body: { current_password: 'not the password', new_password: 'a brand new password' } });
    assertValidation(wrong, ['/current_password']);
    assertValidation(await api('POST', '/api/v1/me/password', { token: keep.access_token, body: { current_password: u.password, new_password: 'short' } }), ['/new_password']);
    assert.equal((await login(u.requested_email, u.password, uniqueIp())).status, 200, 'nothing changed');
    const ok = await api('POST', '/api/v1/me/password', { token: keep.access_token, body: { current_password: u.password, new_password: 'a brand new password', refresh_token: keep.refresh_token } });
    assert.equal(ok.status, 204, ok.text);
    assert.equal((await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: keep.refresh_token } })).status, 200, 'this session stays');
    assert.equal((await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: other.refresh_token } })).status, 401, 'the other session ended');
    assert.equal((await login(u.requested_email, u.password, uniqueIp())).status, 401);
    await signIn(u.requested_email, 'a brand new password');
    const mail = (await smtp.waitFor(u.requested_email, 2)).find((m) => m.parsed.subject === 'Your Idékom password was changed');
    assert.ok(mail, 'the "password changed" mail, in English');
    assertMailHeaders(mail, { to: u.requested_email, language: 'en' });
    assert.equal(linkIn(mail, BASE_LINK).href, `${BASE_LINK}/konto`);
  });

  test('wrong current passwords are limited like logins', async () => {
    const u = await registerUser();
    const s = await signIn(u.requested_email, u.password);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api('POST', '/api/v1/me/password', { token: s.access_token, body: { current_password: `wrong ${i}`, new_password: 'a brand new password' } })).status);
    assert.ok(statuses.includes(429), `after the login limit a 429: ${statuses}`);
  });
});

describe('the profile: PATCH /me', () => {
  test('name, language and reminders change; a new address is unverified and gets a mail there', async () => {
    const u = await registerUser();
    const s = await signIn(u.requested_email, u.password);
    const before = (await api('GET', '/api/v1/me', { token: s.access_token })).headers.etag;
    const r = await api('PATCH', '/api/v1/me', { token: s.access_token, body: { name: '  Kim Ny  ', language: 'en', notifications: { reminders: false } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, 'Kim Ny');
    assert.equal(r.json.language, 'en');
    assert.deepEqual(r.json.notifications, { reminders: false });
    assert.equal(r.json.email_verified, true);
    // /me's ETag is its content's: the PATCH answer's is the one GET /me gives now
    const etag = r.headers.etag;
    assert.equal((await api('GET', '/api/v1/me', { token: s.access_token })).headers.etag, etag, 'GET /me after the PATCH: the same ETag');
    assertProblem(await api('PATCH', '/api/v1/me', { token: s.access_token, body: { name: 'X' }, headers: { 'if-match': before } }), 412, 'a stale If-Match');
    assertProblem(await api('PATCH', '/api/v1/me', { token: s.access_token, body: { name: 'X' }, headers: { 'if-match': 'W/"1"' } }), 412, 'a weak If-Match');

    const next = uniqueEmail('ny-adress');
    const e = await api('PATCH', '/api/v1/me', { token: s.access_token, body: { email: next }, headers: { 'if-match': etag } });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.email, next);
    assert.equal(e.json.email_verified, false);
    const [mail] = await smtp.waitFor(next);
    assertMailHeaders(mail, { to: next, language: 'en' });
    assert.equal(mail.parsed.subject, 'Confirm your e-mail address for Idékom');
    assert.equal((await api('POST', '/api/v1/auth/verify-email', { body: { token: tokenOf(mail, '/bekrafta-adress?') } })).status, 204);
    assert.equal((await api('GET', '/api/v1/me', { token: s.access_token })).json.email_verified, true);
  });

  test('bad input changes nothing: 422 naming each field, 409 for a taken address', async () => {
    const a = await registerUser();
    const b = await registerUser();
    const s = await signIn(a.requested_email, a.password);
    const before = await api('GET', '/api/v1/me', { token: s.access_token });
    assertValidation(await api('PATCH', '/api/v1/me', { token: s.access_token, body: { name: ' ', email: 'ingen-adress', language: 'de', role: 'admin' } }), ['/name', '/email', '/language', '/role']);
    assertValidation(await api('PATCH', '/api/v1/me', { token: s.access_token, body: { notifications: { reminders: 'nej' } } }), ['/notifications/reminders']);
    assertProblem(await api('PATCH', '/api/v1/me', { token: s.access_token, body: { email: b.requested_email.toUpperCase() } }), 409, 'a taken address');
    const afterwards = await api('GET', '/api/v1/me', { token: s.access_token });
    assert.deepEqual(afterwards.json, before.json);
  });
});
