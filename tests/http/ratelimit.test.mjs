// Login rate limiting (section 1 of the contract, docs/decisions.md) and the proof that its
// state, and refresh-token state, live in PostgreSQL: a second `idekom serve` process on the
// same database sees the same locks and the same refresh-token families.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

import {
  api,
  env,
  requireEnv,
  assertProblem,
  assertUnauthorized,
  assertRetryAfter,
  registerUser,
  patchUserAsAdmin,
  login,
  uniqueEmail,
  uniqueIp,
  sleep,
} from './support.mjs';

const WINDOW = 15 * 60;

function assertLocked(r, what) {
  assertProblem(r, 429, what);
  const ra = assertRetryAfter(r, what);
  assert.ok(ra <= WINDOW, `${what}: Retry-After ${ra} is longer than the 15-minute window`);
  assert.ok(ra >= WINDOW - 120, `${what}: Retry-After ${ra}: the oldest failure is seconds old, so about ${WINDOW} s remain`);
  return ra;
}

async function failTimes(n, email, ip, opts = {}) {
  for (let i = 0; i < n; i++) {
    const r = await login(typeof email === 'function' ? email(i) : email, 'definitely the wrong password', typeof ip === 'function' ? ip(i) : ip, opts);
    assertUnauthorized(r, {}, `failure ${i + 1} of ${n}`);
  }
}

describe('login rate limit per e-mail', () => {
  test('5 failures lock the e-mail: the 6th attempt is 429 even with the right password from another address', async () => {
    const u = await registerUser();
    const ip1 = uniqueIp();
    await failTimes(5, u.requested_email, ip1);
    const right = await login(u.requested_email, u.password, uniqueIp());
    assertLocked(right, 'right password from another address');
    const wrong = await login(u.requested_email, 'wrong again!!', uniqueIp());
    assertLocked(wrong, 'wrong password from a third address');
    const upper = await login(u.requested_email.toUpperCase(), u.password, uniqueIp());
    assertLocked(upper, 'the same e-mail in upper case');
    // Another e-mail from the same address (5 failures < 20) is unaffected.
    const v = await registerUser();
    const other = await login(v.requested_email, v.password, ip1);
    assert.equal(other.status, 200, `another e-mail from the same address: ${other.text}`);
  });

  test('4 failures do not lock', async () => {
    const u = await registerUser();
    await failTimes(4, u.requested_email, uniqueIp());
    const r = await login(u.requested_email, u.password, uniqueIp());
    assert.equal(r.status, 200, r.text);
  });

  test('a successful login clears the e-mail count', async () => {
    const u = await registerUser();
    const ip = uniqueIp();
    await failTimes(4, u.requested_email, ip);
    assert.equal((await login(u.requested_email, u.password, ip)).status, 200);
    await failTimes(4, u.requested_email, ip);
    const r = await login(u.requested_email, u.password, ip);
    assert.equal(r.status, 200, `8 failures with a success between them must not lock: ${r.text}`);
  });

  test('an unknown e-mail is locked the same way (no account enumeration by 429)', async () => {
    const email = uniqueEmail('ghost');
    await failTimes(5, email, uniqueIp());
    assertLocked(await login(email, 'any password at all', uniqueIp()), 'unknown e-mail after 5 failures');
  });
});

describe('login rate limit per client address', () => {
  test('20 failures from one address lock it for every e-mail; other addresses are unaffected', async () => {
    const ip = uniqueIp();
    await failTimes(20, () => uniqueEmail('spray'), ip);
    const u = await registerUser();
    assertLocked(await login(u.requested_email, u.password, ip), '21st attempt from the address, right password');
    const elsewhere = await login(u.requested_email, u.password, uniqueIp());
    assert.equal(elsewhere.status, 200, `the same user from another address: ${elsewhere.text}`);
  });

  test('19 failures do not lock the address', async () => {
    const ip = uniqueIp();
    await failTimes(19, () => uniqueEmail('spray'), ip);
    const u = await registerUser();
    const r = await login(u.requested_email, u.password, ip);
    assert.equal(r.status, 200, r.text);
  });

  test('a successful login does not clear the address count', async () => {
    const ip = uniqueIp();
    await failTimes(19, () => uniqueEmail('spray'), ip);
    const u = await registerUser();
    assert.equal((await login(u.requested_email, u.password, ip)).status, 200);
    await failTimes(1, uniqueEmail('spray'), ip);
    assertLocked(await login(u.requested_email, u.password, ip), 'after 20 failures with a success among them');
  });

  test('the address is the right-most X-Forwarded-For entry that is not a trusted proxy: spoofed left entries do not help', async () => {
    const ip = uniqueIp();
    const xff = (i) => [ip, `${uniqueIp()}, ${ip}`, `${ip}, 127.0.0.1`, `203.0.113.${i}, ${uniqueIp()}, ${ip}`][i % 4];
    await failTimes(20, () => uniqueEmail('spoof'), xff);
    const u = await registerUser();
    assertLocked(await login(u.requested_email, u.password, `198.51.100.7, ${ip}`), 'the same right-most address behind a spoofed left entry');
  });
});

// ------------------------------------------------------------------------------------------

describe('state is shared by several service processes', () => {
  const bin = requireEnv('IDEKOM_BIN');
  const port = requireEnv('IDEKOM_SECOND_PORT');
  for (const n of ['JWT_KEYS', 'JWT_ISSUER', 'JWT_AUDIENCE']) requireEnv(n);
  const secondUrl = (() => {
    const u = new URL(env.baseUrl);
    u.port = port;
    return u.toString().replace(/\/+$/, '');
  })();
  let child = null;
  let output = '';
  let exited = null; // {code, signal}
  const exitPromise = () =>
    new Promise((resolve) => {
      if (exited) resolve(exited);
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  const second = (method, p, opts = {}) => api(method, p, { ...opts, base: secondUrl });
  const tail = () => output.slice(-2000);

  before(async () => {
    child = spawn(bin, ['serve'], {
      env: { ...process.env, PORT: port, TRUSTED_PROXIES: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d) => {
      output = (output + d.toString()).slice(-20000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', (code, signal) => {
      exited = { code, signal };
    });
    const deadline = Date.now() + 15000;
    for (;;) {
      if (exited) throw new Error(`the second service exited early (${JSON.stringify(exited)}):\n${tail()}`);
      try {
        const r = await fetch(`${secondUrl}/readyz`, { headers: { connection: 'close' } });
        await r.text();
        if (r.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`the second service on ${secondUrl} was not ready within 15 s:\n${tail()}`);
      await sleep(200);
    }
  });

  after(async () => {
    if (child && !exited) {
      child.kill('SIGKILL');
      await exitPromise();
    }
  });

  test('the second process is a different process answering on its own port', async () => {
    assert.notEqual(child.pid, env.servicePid);
    const r = await second('GET', '/healthz');
    assert.equal(r.status, 200);
  });

  test('an e-mail locked through the first process is 429 on the second', async () => {
    const u = await registerUser();
    await failTimes(5, u.requested_email, uniqueIp());
    assertLocked(await login(u.requested_email, u.password, uniqueIp(), { base: secondUrl }), 'second process, locked e-mail');
  });

  test('failures from one address counted on both processes add up', async () => {
    const ip = uniqueIp();
    await failTimes(10, () => uniqueEmail('split'), ip);
    await failTimes(10, () => uniqueEmail('split'), ip, { base: secondUrl });
    const u = await registerUser();
    assertLocked(await login(u.requested_email, u.password, ip), 'first process after 10 + 10 failures');
    assertLocked(await login(u.requested_email, u.password, ip, { base: secondUrl }), 'second process after 10 + 10 failures');
  });

  test('an access token from the first process works on the second', async () => {
    const u = await registerUser();
    const l = await login(u.requested_email, u.password, uniqueIp());
    assert.equal(l.status, 200, l.text);
    const me = await second('GET', '/api/v1/me', { token: l.json.access_token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.id, u.id);
  });

  test('a refresh token from the first is spent on the second, and its reuse is caught on the first', async () => {
    const u = await registerUser();
    const l = await login(u.requested_email, u.password, uniqueIp());
    assert.equal(l.status, 200, l.text);
    const r1 = l.json.refresh_token;
    const onSecond = await second('POST', '/api/v1/auth/refresh', { body: { refresh_token: r1 } });
    assert.equal(onSecond.status, 200, `refresh on the second process: ${onSecond.text}`);
    const r2 = onSecond.json.refresh_token;
    const reuse = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: r1 } });
    assertUnauthorized(reuse, {}, 'reuse on the first process of a token spent on the second');
    const newest = await second('POST', '/api/v1/auth/refresh', { body: { refresh_token: r2 } });
    assertUnauthorized(newest, {}, 'the family is revoked for the second process too');
  });

  test('a user disabled through the first process is refused by the second at once', async () => {
    const u = await registerUser();
    const l = await login(u.requested_email, u.password, uniqueIp());
    assert.equal((await patchUserAsAdmin(u.id, { disabled: true })).status, 200);
    assertUnauthorized(await second('GET', '/api/v1/me', { token: l.json.access_token }), { tokenPresented: true }, 'second process, disabled user');
  });

  test('SIGTERM makes the second process drain and exit 0', async () => {
    assert.equal(exited, null, `the second process died during the tests: ${JSON.stringify(exited)}\n${tail()}`);
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15000);
    const res = await exitPromise();
    clearTimeout(t);
    assert.deepEqual(res, { code: 0, signal: null }, `exit after SIGTERM: ${JSON.stringify(res)}\n${tail()}`);
    // The first process is untouched.
    const h = await api('GET', '/healthz');
    assert.equal(h.status, 200);
  });
});
