// The browser's session across a reload (issue 14): with "X-Idekom-Session: cookie" the
// refresh token lives in an HttpOnly; Secure; SameSite=Strict cookie scoped to /api/v1/auth,
// never in the JSON; refresh and logout read it from there; the custom header is the CSRF
// defence (a cookie without it gets nothing, and CORS never lets another origin send it).
// API clients keep the JSON flow (tests/http/auth.test.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, env, newSession, uniqueIp, assertValidation } from './support.mjs';

const MODE = { 'x-idekom-session': 'cookie' };

/** The cookies a response sets: {name: {value, attrs}}. */
function cookiesOf(res) {
  const raw = res.headers['set-cookie'];
  assert.ok(raw, `no Set-Cookie: ${JSON.stringify(res.headers)}`);
  const out = {};
  for (const c of raw.split(/, (?=idekom_)/)) {
    const [pair, ...attrs] = c.split('; ');
    const [name, value] = pair.split('=');
    out[name] = { value, attrs };
  }
  return out;
}

async function cookieLogin() {
  const s = await newSession();
  const r = await api('POST', '/api/v1/auth/login', { body: { email: s.email, password: s.password }, headers: { ...MODE, 'x-forwarded-for': uniqueIp() } });
  assert.equal(r.status, 200, r.text);
  return { s, r, cookies: cookiesOf(r) };
}

test('login in cookie mode: the refresh token only in an HttpOnly, Secure, SameSite=Strict cookie for /api/v1/auth', async () => {
  const { r, cookies } = await cookieLogin();
  assert.equal('refresh_token' in r.json, false, 'no refresh token for the page\'s scripts');
  assert.ok(r.json.access_token);
  const c = cookies.idekom_refresh;
  assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);
  for (const a of ['Path=/api/v1/auth', 'HttpOnly', 'Secure', 'SameSite=Strict']) assert.ok(c.attrs.includes(a), `${a} in ${c.attrs}`);
  assert.ok(c.attrs.includes('Max-Age=2592000'), 'lives as long as a refresh token');
  assert.deepEqual(cookies.idekom_session.value, '1');
  assert.ok(!cookies.idekom_session.attrs.includes('HttpOnly'), 'the hint is readable');
  assert.ok(cookies.idekom_session.attrs.includes('Path=/'));
});

test('refresh reads the cookie, rotates it, and a reused cookie ends the family and clears the cookies', async () => {
  const { cookies } = await cookieLogin();
  const first = cookies.idekom_refresh.value;
  const r = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { ...MODE, cookie: `idekom_session=1; idekom_refresh=${first}` } });
  assert.equal(r.status, 200, r.text);
  assert.equal('refresh_token' in r.json, false);
  const second = cookiesOf(r).idekom_refresh.value;
  assert.notEqual(second, first);
  const reuse = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { ...MODE, cookie: `idekom_refresh=${first}` } });
  assert.equal(reuse.status, 401);
  assert.equal(cookiesOf(reuse).idekom_refresh.value, '', 'cleared');
  assert.ok(cookiesOf(reuse).idekom_refresh.attrs.includes('Max-Age=0'));
  assert.equal((await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { ...MODE, cookie: `idekom_refresh=${second}` } })).status, 401, 'the whole family ended');
});

test('CSRF: the cookie without the header gets nothing, and another origin may not send the header', async () => {
  const { cookies } = await cookieLogin();
  const token = cookies.idekom_refresh.value;
  assertValidation(await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: `idekom_refresh=${token}` } }), ['/refresh_token']);
  const pre = await api('OPTIONS', '/api/v1/auth/refresh', { headers: { origin: env.corsOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-idekom-session' } });
  assert.ok(!/x-idekom-session/i.test(pre.headers['access-control-allow-headers'] || ''), 'not an allowed header for another origin');
  assert.equal((await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { ...MODE, cookie: `idekom_refresh=${token}` } })).status, 200, 'the token was not spent by the refused tries');
  assertValidation(await api('POST', '/api/v1/auth/refresh', { body: { other: 1 }, headers: MODE }), ['/other']);
  assert.equal((await api('POST', '/api/v1/auth/refresh', { body: {}, headers: MODE })).status, 401, 'no cookie at all');
});

test('logout in cookie mode revokes the cookie\'s token and clears both cookies', async () => {
  const { cookies } = await cookieLogin();
  const token = cookies.idekom_refresh.value;
  const r = await api('POST', '/api/v1/auth/logout', { body: {}, headers: { ...MODE, cookie: `idekom_refresh=${token}` } });
  assert.equal(r.status, 204);
  const cleared = cookiesOf(r);
  assert.equal(cleared.idekom_refresh.value, '');
  assert.equal(cleared.idekom_session.value, '');
  assert.equal((await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: token } })).status, 401, 'revoked');
});
