// The security review's findings 3 and 11: the login limit holds under concurrency (the
// attempt is reserved before the password is verified), and refresh-token families have an
// absolute lifetime that rotation does not extend.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, login, registerUser, uniqueEmail, uniqueIp, psql, sqlLit } from './support.mjs';

function count(responses) {
  const by = {};
  for (const r of responses) by[r.status] = (by[r.status] || 0) + 1;
  return by;
}

describe('the login limit cannot be raced', () => {
  test('40 concurrent wrong logins for one e-mail: exactly 5 are 401, the rest 429', async () => {
    const u = await registerUser();
    const rs = await Promise.all(Array.from({ length: 40 }, () => login(u.requested_email, 'definitely the wrong password', uniqueIp())));
    assert.deepEqual(count(rs), { 401: 5, 429: 35 });
    // and the right password is locked out too
    assert.equal((await login(u.requested_email, u.password, uniqueIp())).status, 429);
  });

  test('40 concurrent wrong logins from one address: exactly 20 are 401, the rest 429', async () => {
    const ip = uniqueIp();
    const rs = await Promise.all(Array.from({ length: 40 }, () => login(uniqueEmail('race'), 'definitely the wrong password', ip)));
    assert.deepEqual(count(rs), { 401: 20, 429: 20 });
  });

  test('right logins release their reservation: they never count as failures', async () => {
    // an attempt in flight holds one of the e-mail's 5 places until it is decided, so 5 at
    // once all get in, and afterwards none of them is left counted
    const u = await registerUser();
    const rs = await Promise.all(Array.from({ length: 5 }, () => login(u.requested_email, u.password, uniqueIp())));
    assert.deepEqual(count(rs), { 200: 5 });
    const more = await Promise.all(Array.from({ length: 5 }, () => login(u.requested_email, u.password, uniqueIp())));
    assert.deepEqual(count(more), { 200: 5 });
    const failures = psql(`select count(*) from login_failure where email = lower(${sqlLit(u.requested_email)}) and not cleared`);
    assert.equal(failures, '0');
  });
});

describe('refresh-token families have an absolute lifetime', () => {
  const expiryOf = (token) => psql(`select extract(epoch from expires_at)::bigint from refresh_token where token_hash = sha256(convert_to(${sqlLit(token)}, 'UTF8'))`);

  test('a rotated token expires no later than the token the login handed out', async () => {
    const u = await registerUser();
    const l = await login(u.requested_email, u.password, uniqueIp());
    assert.equal(l.status, 200, l.text);
    const first = Number(expiryOf(l.json.refresh_token));
    let token = l.json.refresh_token;
    for (let i = 0; i < 3; i++) {
      const r = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: token } });
      assert.equal(r.status, 200, r.text);
      token = r.json.refresh_token;
      assert.ok(Number(expiryOf(token)) <= first, `rotation ${i + 1} extended the login: ${expiryOf(token)} > ${first}`);
    }
  });

  test('when the family has reached its end, its newest token is refused', async () => {
    const u = await registerUser();
    const l = await login(u.requested_email, u.password, uniqueIp());
    const r = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: l.json.refresh_token } });
    assert.equal(r.status, 200, r.text);
    // the login's lifetime is over, although the newest token itself has not expired yet
    psql(`update refresh_token set family_expires_at = now() - interval '1 second', expires_at = now() + interval '1 hour' where user_id = ${sqlLit(u.id)}`);
    const late = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: r.json.refresh_token } });
    assert.equal(late.status, 401, late.text);
  });
});
