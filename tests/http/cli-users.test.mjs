// The operator's commands for people (README.md, "Command line"): `idekom user set-password`
// and `idekom user disable`, run as the real binary (IDEKOM_BIN) against the suite's database,
// and `idekom --version`. What they change is checked through the running service: logins,
// refresh tokens (both commands end the user's sessions) and the audit log.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';

import { api, env, requireEnv, newSession, login, uniqueIp, uniqueEmail, auditRowsWhere } from './support.mjs';

const BIN = requireEnv('IDEKOM_BIN');

/** Runs `idekom ...args` with the suite's DATABASE_URL; returns { status, stdout, stderr }. */
function idekom(args, { password, stdin } = {}) {
  const childEnv = { PATH: process.env.PATH, DATABASE_URL: env.databaseUrl };
  // the sanitizer build reports where the rest of the suite's reports go
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS']) if (process.env[k]) childEnv[k] = process.env[k];
  if (password !== undefined) childEnv.IDEKOM_PASSWORD = password;
  const r = spawnSync(BIN, args, { env: childEnv, input: stdin ?? '', encoding: 'utf8', timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const refresh = (token) => api('POST', '/api/v1/auth/refresh', { body: { refresh_token: token } });
const newPassword = () => `new-${crypto.randomBytes(12).toString('hex')}`;

describe('idekom user set-password', () => {
  test('from IDEKOM_PASSWORD: the new password works, the old one does not, sessions end', async () => {
    const s = await newSession();
    const pw = newPassword();
    const r = idekom(['user', 'set-password', '--email', s.email.toUpperCase()], { password: pw });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await login(s.email, s.password, uniqueIp())).status, 401, 'the old password still logs in');
    const fresh = await login(s.email, pw, uniqueIp());
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal((await refresh(s.refresh)).status, 401, 'a refresh token from before the change still works');
    assert.equal((await refresh(fresh.json.refresh_token)).status, 200, 'a refresh token from after the change is refused');
    const rows = auditRowsWhere({ entityId: s.id }).filter((a) => a.action === 'update' && a.actor_type === 'system');
    assert.ok(rows.length >= 1, 'no audit row for the password change');
  });

  test('a user locked out by failed logins can log in with the new password at once', async () => {
    const s = await newSession();
    let locked = null;
    for (let i = 0; i < 6 && !locked; i++) {
      const r = await login(s.email, 'not the password at all', uniqueIp());
      if (r.status === 429) locked = r;
      else assert.equal(r.status, 401, r.text);
    }
    assert.ok(locked, 'five failures did not lock the e-mail');
    assert.equal((await login(s.email, s.password, uniqueIp())).status, 429, 'the right password got past the lock');
    const pw = newPassword();
    assert.equal(idekom(['user', 'set-password', '--email', s.email], { password: pw }).status, 0);
    const r = await login(s.email, pw, uniqueIp());
    assert.equal(r.status, 200, r.text);
  });

  test('from standard input (first line, newline dropped)', async () => {
    const s = await newSession();
    const pw = newPassword();
    const r = idekom(['user', 'set-password', '--email', s.email], { stdin: `${pw}\n` });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await login(s.email, pw, uniqueIp())).status, 200);
  });

  test('refuses a short password and an unknown e-mail, and changes nothing', async () => {
    const s = await newSession();
    const short = idekom(['user', 'set-password', '--email', s.email], { password: 'short' });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /12 to 256 characters/);
    const unknown = idekom(['user', 'set-password', '--email', uniqueEmail('nobody')], { password: newPassword() });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no user has the e-mail/);
    assert.equal((await login(s.email, s.password, uniqueIp())).status, 200, 'the password changed anyway');
    assert.equal((await refresh(s.refresh)).status, 200, 'the session ended anyway');
  });
});

describe('idekom user disable', () => {
  test('no more logins, refresh tokens refused, access tokens stop working', async () => {
    const s = await newSession();
    assert.equal((await api('GET', '/api/v1/me', { token: s.access })).status, 200);
    const r = idekom(['user', 'disable', '--email', s.email]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await login(s.email, s.password, uniqueIp())).status, 401);
    assert.equal((await refresh(s.refresh)).status, 401);
    assert.equal((await api('GET', '/api/v1/me', { token: s.access })).status, 401);
    // again: nothing left to change, still success
    assert.equal(idekom(['user', 'disable', '--email', s.email]).status, 0);
  });

  test('an unknown e-mail fails with a message', () => {
    const r = idekom(['user', 'disable', '--email', uniqueEmail('nobody')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no user has the e-mail/);
  });
});

describe('idekom --version', () => {
  test('prints the version and the commit, as /metrics does', async () => {
    const r = idekom(['--version']);
    assert.equal(r.status, 0, r.stderr);
    const m = /^idekom (\d+\.\d+\.\d+) \(commit ([0-9A-Za-z._-]+)\)\n$/.exec(r.stdout);
    assert.ok(m, `unexpected output: ${r.stdout}`);
    const metrics = await api('GET', '/metrics');
    assert.match(metrics.text, new RegExp(`^idekom_build_info\\{version="${m[1]}",commit="${m[2]}"\\} 1$`, 'm'));
  });
});
