// /metrics access, finding 10 of the security review: from this machine (the TCP peer is
// loopback and no proxy forwarded the request), or with the METRICS_TOKEN bearer token.
// A second service listens on every interface so that it can be reached from the machine's
// own non-loopback address, which is not loopback to it.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import crypto from 'node:crypto';

import { api, assertProblem, assertUnauthorized, startSecondService } from './support.mjs';

/** The first IPv4 address of this machine that is not loopback. */
function outsideAddress() {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list || []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('this machine has no non-loopback IPv4 address to test from');
}

describe('/metrics is for the operator', () => {
  const token = crypto.randomBytes(24).toString('hex');
  let second;
  let outside;
  before(async () => {
    second = await startSecondService({ extraEnv: { BIND_ADDRESS: '0.0.0.0', METRICS_TOKEN: token } });
    const u = new URL(second.url);
    u.hostname = outsideAddress();
    outside = u.toString().replace(/\/+$/, '');
  });
  after(async () => {
    if (second) await second.stop();
  });

  test('from loopback without a token: 200', async () => {
    const r = await api('GET', '/metrics', { base: second.url });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /idekom_http_requests_total/);
  });

  test('from another address without a token, or with a wrong one: 401', async () => {
    const none = await api('GET', '/metrics', { base: outside });
    assertUnauthorized(none, {}, 'no token');
    assert.ok(!none.text.includes('idekom_http_requests_total'));
    const wrong = await api('GET', '/metrics', { base: outside, headers: { authorization: `Bearer ${token.slice(0, -1)}x` } });
    assertUnauthorized(wrong, { tokenPresented: true }, 'wrong token');
    const jwtLike = await api('GET', '/metrics', { base: outside, headers: { authorization: 'Bearer a.b.c' } });
    assertProblem(jwtLike, 401, 'a JWT is not the metrics token');
  });

  test('from another address with METRICS_TOKEN: 200', async () => {
    const r = await api('GET', '/metrics', { base: outside, headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /idekom_http_requests_total/);
  });

  test('from loopback through a proxy (X-Forwarded-For) without a token: 401', async () => {
    const r = await api('GET', '/metrics', { base: second.url, headers: { 'x-forwarded-for': '203.0.113.9' } });
    assertUnauthorized(r, {}, 'forwarded');
  });

  test('the other probes stay open from anywhere', async () => {
    assert.equal((await api('GET', '/healthz', { base: outside })).status, 200);
    assert.equal((await api('GET', '/readyz', { base: outside })).status, 200);
  });
});
