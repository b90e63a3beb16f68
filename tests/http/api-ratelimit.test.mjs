// The API-wide rate limits (OWASP API4:2023) on a second service process with low limits:
// separate read, write and auth budgets per caller (the token's principal, or else the client
// address), the IETF RateLimit and RateLimit-Policy headers, and 429 problem+json with
// Retry-After. Registration is in the auth budget (finding 7 of the security review).
// The window is an hour, so nothing refills while the test runs: no timing decides it.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertProblem, assertRetryAfter, newSession, uniqueEmail, uniqueIp, startSecondService } from './support.mjs';

const LIMITS = { RATE_LIMIT_READ: '4', RATE_LIMIT_WRITE: '3', RATE_LIMIT_AUTH: '2', RATE_LIMIT_WINDOW: '3600' };

function parseItem(value) {
  // "read";r=3;t=900  ->  {name: 'read', r: 3, t: 900}
  const [name, ...params] = String(value).split(';');
  const out = { name: JSON.parse(name) };
  for (const p of params) {
    const [k, v] = p.split('=');
    out[k] = Number(v);
  }
  return out;
}

function assertHeaders(r, budget, remaining, what) {
  const policy = parseItem(r.headers['ratelimit-policy']);
  const state = parseItem(r.headers.ratelimit);
  const q = Number(LIMITS[`RATE_LIMIT_${budget.toUpperCase()}`]);
  assert.deepEqual(policy, { name: budget, q, w: 3600 }, `${what}: RateLimit-Policy ${r.headers['ratelimit-policy']}`);
  assert.equal(state.name, budget, what);
  assert.equal(state.r, remaining, `${what}: RateLimit ${r.headers.ratelimit}`);
  assert.ok(state.t > 0 && state.t <= 3600, `${what}: RateLimit t ${state.t}`);
}

describe('API rate limits', () => {
  let second;
  const at = (method, path, opts = {}) => api(method, path, { ...opts, base: second.url });
  before(async () => {
    second = await startSecondService({ extraEnv: LIMITS });
  });
  after(async () => {
    if (second) await second.stop();
  });

  test('reads: the budget per address, then 429 with Retry-After; other addresses unaffected', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 4; i++) {
      const r = await at('GET', '/api/v1/organisations', { headers: { 'x-forwarded-for': ip } });
      assert.equal(r.status, 200, r.text);
      assertHeaders(r, 'read', 3 - i, `read ${i + 1}`);
    }
    const over = await at('GET', '/api/v1/organisations', { headers: { 'x-forwarded-for': ip } });
    assertProblem(over, 429, 'fifth read');
    const ra = assertRetryAfter(over, 'fifth read');
    assert.ok(ra >= 800 && ra <= 900, `Retry-After ${ra}: one request comes back every 900 s`);
    assertHeaders(over, 'read', 0, 'the refused read');
    const other = await at('GET', '/api/v1/organisations', { headers: { 'x-forwarded-for': uniqueIp() } });
    assert.equal(other.status, 200, 'another address');
    // the probes count too, in the read budget
    const probe = await at('GET', '/healthz', { headers: { 'x-forwarded-for': ip } });
    assertProblem(probe, 429, 'a probe from the same address');
  });

  test('writes have their own budget: an address out of reads can still write', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 4; i++) await at('GET', '/api/v1/vocabularies', { headers: { 'x-forwarded-for': ip } });
    assertProblem(await at('GET', '/api/v1/vocabularies', { headers: { 'x-forwarded-for': ip } }), 429);
    for (let i = 0; i < 3; i++) {
      const w = await at('POST', '/api/v1/organisations', { headers: { 'x-forwarded-for': ip }, body: {} });
      assertProblem(w, 401, `anonymous write ${i + 1}`); // counted, then refused for want of a token
      assertHeaders(w, 'write', 2 - i, `write ${i + 1}`);
    }
    assertProblem(await at('POST', '/api/v1/organisations', { headers: { 'x-forwarded-for': ip }, body: {} }), 429, 'fourth write');
  });

  test('registration and login share the auth budget per address', async () => {
    const ip = uniqueIp();
    const reg = () => at('POST', '/api/v1/auth/register', { headers: { 'x-forwarded-for': ip }, body: { email: uniqueEmail('rl'), password: 'long enough password', name: 'Gräns' } });
    const first = await reg();
    assert.equal(first.status, 202, first.text);
    assertHeaders(first, 'auth', 1, 'first registration');
    const login = await at('POST', '/api/v1/auth/login', { headers: { 'x-forwarded-for': ip }, body: { email: uniqueEmail('rl'), password: 'wrong password!' } });
    assert.equal(login.status, 401, login.text);
    const third = await reg();
    assertProblem(third, 429, 'third auth request');
    assertHeaders(third, 'auth', 0, 'the refused registration');
    // the reads of the same address are untouched
    assert.equal((await at('GET', '/api/v1/vocabularies', { headers: { 'x-forwarded-for': ip } })).status, 200);
  });

  test('a signed-in caller is limited as itself, wherever it comes from', async () => {
    const s = await newSession(); // through the main service: its auth budget is not this one's
    for (let i = 0; i < 4; i++) {
      const r = await at('GET', '/api/v1/me', { token: s.access, headers: { 'x-forwarded-for': uniqueIp() } });
      assert.equal(r.status, 200, r.text);
      assertHeaders(r, 'read', 3 - i, `read ${i + 1} as the user`);
    }
    const over = await at('GET', '/api/v1/me', { token: s.access, headers: { 'x-forwarded-for': uniqueIp() } });
    assertProblem(over, 429, 'the user from a fifth address');
    // the address the user came from last still has its own budget for anonymous reads
    assert.equal((await at('GET', '/api/v1/vocabularies', { headers: { 'x-forwarded-for': uniqueIp() } })).status, 200);
  });
});
