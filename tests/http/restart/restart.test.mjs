// PostgreSQL stops and starts again under the running service (issue 2, "Database access"):
// 503 problem+json with Retry-After while it is down, /healthz still 200, and recovery by
// itself within seconds, in the same process. Runs last and alone: it takes the database
// away from everything else.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { api, env, requireEnv, adminToken, adminId, uniqueIp, assertProblem, assertRetryAfter, sleep } from '../support.mjs';

const pgCtl = requireEnv('IDEKOM_PG_CTL');

function pg(action) {
  try {
    execFileSync('bash', [pgCtl, action], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
  } catch (e) {
    throw new Error(`bash ${pgCtl} ${action} failed: ${e.stderr || e.message}`);
  }
}

function assertSameProcess(what) {
  try {
    process.kill(env.servicePid, 0);
  } catch (e) {
    assert.fail(`${what}: the service process ${env.servicePid} is gone (${e.code})`);
  }
}

test('PostgreSQL restart: 503 with Retry-After while down, recovery within 10 s, same process', { timeout: 120000 }, async () => {
  const token = await adminToken();
  const id = await adminId();
  const userPath = `/api/v1/users/${id}`;
  assert.equal((await api('GET', '/readyz')).status, 200, 'not ready before the test');
  assert.equal((await api('GET', userPath, { token })).status, 200, 'the authenticated GET fails before the test');

  pg('stop');
  let started = false;
  try {
    const ready = await api('GET', '/readyz');
    assertProblem(ready, 503, '/readyz while PostgreSQL is down');
    assertRetryAfter(ready, '/readyz while down');

    const get = await api('GET', userPath, { token });
    assertProblem(get, 503, 'an authenticated GET while PostgreSQL is down (never 401 or 500)');
    assertRetryAfter(get, 'authenticated GET while down');

    const loginDown = await api('POST', '/api/v1/auth/login', { body: { email: env.adminEmail, password: env.adminPassword }, headers: { 'x-forwarded-for': uniqueIp() } });
    assertProblem(loginDown, 503, 'login while PostgreSQL is down');
    assertRetryAfter(loginDown, 'login while down');

    // Several requests while down, so that many workers see the broken connection.
    const many = await Promise.all(Array.from({ length: 12 }, () => api('GET', userPath, { token })));
    for (const r of many) assertProblem(r, 503, 'parallel GETs while down');

    const health = await api('GET', '/healthz');
    assert.equal(health.status, 200, '/healthz must stay 200 while the process runs');
    assertSameProcess('while PostgreSQL is down');

    pg('start');
    started = true;
  } finally {
    if (!started) pg('start');
  }

  // Recovery by itself: within 10 s (polled every 200 ms) /readyz and the authenticated GET
  // are 200, and then a burst of parallel requests (many workers) is all 200.
  const deadline = Date.now() + 10000;
  let last = '';
  let recovered = false;
  while (Date.now() < deadline) {
    const ready = await api('GET', '/readyz');
    const get = await api('GET', userPath, { token });
    last = `readyz ${ready.status}, GET ${get.status}`;
    if (ready.status === 200 && get.status === 200) {
      const burst = await Promise.all(Array.from({ length: 20 }, () => api('GET', userPath, { token })));
      const bad = burst.filter((r) => r.status !== 200);
      last += `, burst: ${bad.length} of 20 not 200`;
      if (bad.length === 0) {
        recovered = true;
        break;
      }
    } else if (![200, 503].includes(ready.status) || ![200, 503].includes(get.status)) {
      assert.fail(`unexpected answers while recovering: ${last}`);
    }
    await sleep(200);
  }
  assert.ok(recovered, `the service did not recover within 10 s of PostgreSQL starting: ${last}`);
  assertSameProcess('after PostgreSQL is back');

  // Writes work again too.
  const l = await api('POST', '/api/v1/auth/login', { body: { email: env.adminEmail, password: env.adminPassword }, headers: { 'x-forwarded-for': uniqueIp() } });
  assert.equal(l.status, 200, l.text);
});
