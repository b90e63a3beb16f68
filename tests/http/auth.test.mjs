// Section 1 of the contract and the authentication part of docs/decisions.md: register,
// login, JWT verification (RFC 8725 attacks), refresh rotation and reuse detection, logout,
// disabled users, roles, /me, user and client administration, the client-credentials grant,
// and the audit trail of user and client changes.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  env,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  adminToken,
  adminId,
  registerUser,
  newSession,
  login,
  makeClient,
  clientToken,
  getUserAsAdmin,
  patchUserAsAdmin,
  uniqueEmail,
  uniqueIp,
  uniqueName,
  jwtSign,
  jwtDecode,
  jwtVerifies,
  craftToken,
  accessClaims,
  b64url,
  nowSec,
  psql,
  sqlLit,
  tablesContaining,
  UUID_RE,
  assertOAuthError,
} from './support.mjs';

const REGISTER = '/api/v1/auth/register';
const ALL_SCOPES = ['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage'];
const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const STRONG_ETAG = /^"\d+"$/;

function etagNumber(etag) {
  assert.match(etag || '', STRONG_ETAG, `ETag ${etag} is not a strong "<version>"`);
  return Number(etag.slice(1, -1));
}

function refresh(token, opts = {}) {
  return api('POST', '/api/v1/auth/refresh', { body: { refresh_token: token }, ...opts });
}

function assertUser(u, what = 'user') {
  assert.ok(u && typeof u === 'object', `${what}: not an object`);
  assert.match(u.id, UUID_RE, `${what}.id`);
  assert.equal(typeof u.email, 'string');
  assert.equal(typeof u.name, 'string');
  assert.ok(['admin', 'member'].includes(u.role), `${what}.role ${u.role}`);
  assert.equal(typeof u.disabled, 'boolean', `${what}.disabled`);
  assert.match(u.created_at, RFC3339_Z, `${what}.created_at`);
  assert.match(u.updated_at, RFC3339_Z, `${what}.updated_at`);
  for (const k of Object.keys(u)) assert.ok(!/pass|hash|secret/i.test(k), `${what} exposes ${k}`);
}

function assertTokenAnswer(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.status} ${r.text}`);
  const j = r.json;
  assert.equal(typeof j.access_token, 'string');
  assert.equal(j.token_type, 'Bearer');
  assert.equal(j.expires_in, env.accessTokenTtl);
  assert.equal(typeof j.refresh_token, 'string');
  assert.ok(j.refresh_token.length >= 43, `refresh token too short for 256 bits: ${j.refresh_token}`);
  assertUser(j.user, `${what}.user`);
  assert.match(r.headers['cache-control'] || '', /no-store/, `${what}: a token answer must not be cached (RFC 6749 §5.1)`);
  return j;
}

/** The audit table: the one table with entity_type, entity_id and request_id columns. */
function auditTable() {
  const t = psql(`
    select table_schema || '.' || table_name from information_schema.columns
     where table_schema not in ('pg_catalog', 'information_schema')
       and column_name in ('entity_type', 'entity_id', 'request_id', 'before', 'after', 'action')
     group by table_schema, table_name having count(*) = 6`);
  const tables = t ? t.split('\n') : [];
  assert.equal(tables.length, 1, `expected one audit table with entity_type, entity_id, request_id, before, after, action; found ${JSON.stringify(tables)}`);
  const [schema, name] = tables[0].split('.');
  return `"${schema}"."${name}"`;
}

function auditRows(entityId, requestId) {
  const out = psql(`select row_to_json(a)::text from ${auditTable()} a where a.entity_id::text = ${sqlLit(entityId)} and a.request_id::text = ${sqlLit(requestId)}`);
  return out ? out.split('\n').map((l) => JSON.parse(l)) : [];
}

const asObject = (v) => (typeof v === 'string' ? JSON.parse(v) : v);

// ------------------------------------------------------------------------------------------

describe('register', () => {
  test('202 without the user (no password), the account stored with an argon2id hash', async () => {
    const email = uniqueEmail('reg');
    const password = `Lösenord-${crypto.randomBytes(6).toString('hex')}`;
    const r = await api('POST', REGISTER, { body: { email, password, name: 'Anna Andersson' } });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json, { status: 'accepted', email });
    assert.equal(r.headers.location, undefined, 'a Location would tell a new address from a known one');
    assert.equal(r.headers.etag, undefined);
    assert.ok(!r.text.includes(password), 'the answer contains the password');
    // The account exists and signs in.
    const l = await login(email, password, uniqueIp());
    assert.equal(l.status, 200, l.text);
    const u = l.json.user;
    assertUser(u);
    assert.equal(u.email.toLowerCase(), email);
    assert.equal(u.name, 'Anna Andersson');
    assert.equal(u.role, 'member');
    assert.equal(u.disabled, false);
    // The password is nowhere in the database in clear, and an argon2id hash is.
    assert.deepEqual(tablesContaining(password), [], 'the password is stored in clear');
    const tables = tablesContaining(email);
    assert.ok(tables.length >= 1, 'the user row was not found by e-mail');
    const rows = tables.map((t) => psql(`select x::text from ${t.split('.').map((p) => `"${p}"`).join('.')} x where strpos(x::text, ${sqlLit(email)}) > 0`)).join('\n');
    assert.match(rows, /\$argon2id\$v=19\$/, 'no argon2id hash stored with the user');
  });

  test('a known address (in any case) is answered exactly like a new one, and nothing changes', async () => {
    // finding 7 of the security review: this was 409 "is already registered"
    const tag = crypto.randomBytes(5).toString('hex');
    const mixed = `Mixed.Case-${tag}@Example.ORG`;
    const u = await registerUser({ email: mixed });
    const before = psql(`select row_to_json(u)::text from app_user u where id = ${sqlLit(u.id)}`);
    const audits = psql(`select count(*) from audit where entity_id = ${sqlLit(u.id)}`);
    const fresh = await api('POST', REGISTER, { body: { email: uniqueEmail('fresh'), password: 'another password 1', name: 'Dubblett' } });
    for (const variant of [mixed.toLowerCase(), mixed.toUpperCase()]) {
      const dup = await api('POST', REGISTER, { body: { email: variant, password: 'another password 1', name: 'Dubblett' } });
      assert.equal(dup.status, fresh.status, dup.text);
      assert.deepEqual(Object.keys(dup.headers).filter((h) => !['date', 'x-request-id', 'content-length'].includes(h)).sort(), Object.keys(fresh.headers).filter((h) => !['date', 'x-request-id', 'content-length'].includes(h)).sort());
      assert.deepEqual(dup.json, { status: 'accepted', email: variant });
      // the other password does not get in
      assert.equal((await login(variant, 'another password 1', uniqueIp())).status, 401);
    }
    assert.equal(psql(`select row_to_json(u)::text from app_user u where id = ${sqlLit(u.id)}`), before, 'the account changed');
    assert.equal(psql(`select count(*) from audit where entity_id = ${sqlLit(u.id)}`), audits);
    const l = await login(mixed.toLowerCase(), u.password, uniqueIp());
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.user.id, u.id);
  });

  test('password length counts Unicode code points: 12..256', async () => {
    const ok = async (password, what) => {
      const r = await api('POST', REGISTER, { body: { email: uniqueEmail('pw'), password, name: 'Längd' } });
      assert.equal(r.status, 202, `${what}: ${r.text}`);
    };
    const bad = async (password, what) => {
      const r = await api('POST', REGISTER, { body: { email: uniqueEmail('pw'), password, name: 'Längd' } });
      assertValidation(r, ['/password'], what);
      assert.ok(!r.text.includes(password), `${what}: the problem echoes the password`);
    };
    await bad('a'.repeat(11), '11 characters');
    await ok('a'.repeat(12), '12 characters');
    await ok('ö'.repeat(12), '12 code points, 24 bytes');
    await bad('😀'.repeat(11), '11 code points, 44 bytes, 22 UTF-16 units');
    await ok('€'.repeat(256), '256 code points, 768 bytes');
    await bad('a'.repeat(257), '257 characters');
  });

  for (const email of ['plainaddress', 'a@', '@example.org', 'a b@example.org', 'a@b@example.org', `${'x'.repeat(250)}@example.org`]) {
    test(`a bad e-mail ${JSON.stringify(email.length > 40 ? `${email.slice(0, 20)}…(${email.length})` : email)} is 422 naming /email`, async () => {
      const r = await api('POST', REGISTER, { body: { email, password: 'long enough password', name: 'Fel' } });
      assertValidation(r, ['/email']);
    });
  }

  test('name: blank or over 200 characters is 422; 200 is fine', async () => {
    assertValidation(await api('POST', REGISTER, { body: { email: uniqueEmail(), password: 'long enough password', name: '   ' } }), ['/name'], 'blank');
    assertValidation(await api('POST', REGISTER, { body: { email: uniqueEmail(), password: 'long enough password', name: 'n'.repeat(201) } }), ['/name'], '201');
    const r = await api('POST', REGISTER, { body: { email: uniqueEmail(), password: 'long enough password', name: 'n'.repeat(200) } });
    assert.equal(r.status, 202, r.text);
  });

  test('missing fields are 422 naming each', async () => {
    assertValidation(await api('POST', REGISTER, { body: {} }), ['/email', '/password', '/name'], '{}');
    assertValidation(await api('POST', REGISTER, { body: { email: uniqueEmail() } }), ['/password', '/name'], 'email only');
  });

  test('wrong types are 422 naming each', async () => {
    const r = await api('POST', REGISTER, { body: { email: 5, password: true, name: null } });
    assertValidation(r, ['/email', '/password', '/name']);
  });
});

// ------------------------------------------------------------------------------------------

describe('login', () => {
  test('200 with the token answer; the access token is HS256 with the first key, and its claims', async () => {
    const u = await registerUser();
    const r = await login(u.requested_email, u.password, uniqueIp());
    const j = assertTokenAnswer(r, 'login');
    assert.equal(j.user.id, u.id);
    const { header, payload } = jwtDecode(j.access_token);
    assert.equal(header.alg, 'HS256');
    assert.equal(header.kid, env.jwtKeys[0].kid, 'tokens are signed with the first key of JWT_KEYS');
    assert.ok(jwtVerifies(j.access_token, env.jwtKeys[0].secret), 'the signature does not verify with the first key');
    assert.equal(payload.iss, env.jwtIssuer);
    assert.equal(payload.aud, env.jwtAudience);
    assert.equal(payload.sub, u.id);
    assert.equal(payload.role, 'member');
    assert.equal(payload.scope, undefined);
    for (const c of ['iat', 'nbf', 'exp']) assert.ok(Number.isInteger(payload[c]), `${c} must be an integer`);
    assert.equal(payload.exp - payload.iat, env.accessTokenTtl);
    assert.ok(Math.abs(payload.iat - nowSec()) < 30, 'iat is not now');
    assert.equal(typeof payload.jti, 'string');
    assert.ok(payload.jti.length > 0);
    // Refresh tokens are stored only as hashes.
    assert.deepEqual(tablesContaining(j.refresh_token), [], 'the refresh token is stored in clear');
    // Each login has its own jti and refresh token.
    const r2 = await login(u.requested_email, u.password, uniqueIp());
    assert.equal(r2.status, 200);
    assert.notEqual(jwtDecode(r2.json.access_token).payload.jti, payload.jti);
    assert.notEqual(r2.json.refresh_token, j.refresh_token);
  });

  test('one identical 401 for an unknown e-mail, a wrong password and a disabled user', async () => {
    const u = await registerUser();
    const off = await registerUser();
    const p = await patchUserAsAdmin(off.id, { disabled: true });
    assert.equal(p.status, 200, p.text);
    const unknown = await login(uniqueEmail('nobody'), 'whatever password', uniqueIp());
    const wrong = await login(u.requested_email, 'wrong password!', uniqueIp());
    const disabled = await login(off.requested_email, off.password, uniqueIp());
    const bodies = [];
    for (const [what, r] of [['unknown e-mail', unknown], ['wrong password', wrong], ['disabled user', disabled]]) {
      assertUnauthorized(r, {}, what);
      const { request_id: _ignored, ...rest } = r.json;
      bodies.push(JSON.stringify(rest));
    }
    assert.equal(bodies[0], bodies[1], 'unknown e-mail and wrong password answer differently');
    assert.equal(bodies[0], bodies[2], 'unknown e-mail and disabled user answer differently');
  });

  test('missing password is 422; an unknown field is 422', async () => {
    assertValidation(await login(uniqueEmail(), undefined, uniqueIp()), ['/password']);
    const r = await api('POST', '/api/v1/auth/login', { body: { email: uniqueEmail(), password: 'x'.repeat(12), remember: true }, headers: { 'x-forwarded-for': uniqueIp() } });
    assertValidation(r, ['/remember']);
  });
});

// ------------------------------------------------------------------------------------------

describe('JWT verification on GET /api/v1/me (RFC 8725)', () => {
  let user; // a signed-in member
  let other; // another member
  before(async () => {
    user = await newSession();
    other = await registerUser();
  });

  const me = (token) => api('GET', '/api/v1/me', { token });
  const refused = async (token, what) => {
    const r = await me(token);
    assertUnauthorized(r, { tokenPresented: true }, what);
  };

  test('no token is 401 with WWW-Authenticate: Bearer (no error attribute)', async () => {
    const r = await me(undefined);
    assertUnauthorized(r);
    assert.doesNotMatch(r.headers['www-authenticate'], /invalid_token/);
  });

  test('a Basic authorization is 401', async () => {
    const r = await api('GET', '/api/v1/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    assertUnauthorized(r);
  });

  test('the issued token works, and a token crafted with the first key is accepted (control)', async () => {
    const a = await me(user.access);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.id, user.id);
    const b = await me(craftToken(user.id));
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.id, user.id);
  });

  test('a token signed with the second rotation key (its kid) is accepted', async () => {
    assert.ok(env.jwtKeys.length >= 2, 'IDEKOM_JWT_KEYS must hold at least two keys for the rotation test');
    const r = await me(craftToken(user.id, { keyIndex: 1 }));
    assert.equal(r.status, 200, r.text);
  });

  test('a token whose kid names key 2 but is signed with key 1 is refused', async () => {
    await refused(craftToken(user.id, { keyIndex: 1, secret: env.jwtKeys[0].secret }), 'kid/key mismatch');
  });

  test('alg none is refused (with and without a signature part, in any case)', async () => {
    const claims = accessClaims(user.id);
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await refused(jwtSign({ alg, typ: 'JWT', kid: env.jwtKeys[0].kid }, claims, null), `alg ${alg}`);
      await refused(jwtSign({ alg, typ: 'JWT' }, claims, null), `alg ${alg} without kid`);
    }
    const good = craftToken(user.id);
    const [, p, s] = good.split('.');
    await refused(`${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: env.jwtKeys[0].kid }))}.${p}.${s}`, 'alg none with a real signature');
  });

  test('a token signed with a wrong secret is refused', async () => {
    await refused(craftToken(user.id, { secret: 'w'.repeat(48) }), 'wrong secret');
    await refused(craftToken(user.id, { secret: '' }), 'empty secret');
  });

  test('a tampered payload (another sub, or role admin) is refused', async () => {
    const [h, , s] = user.access.split('.');
    const payload = jwtDecode(user.access).payload;
    await refused(`${h}.${b64url(JSON.stringify({ ...payload, sub: other.id }))}.${s}`, 'sub swapped');
    await refused(`${h}.${b64url(JSON.stringify({ ...payload, role: 'admin' }))}.${s}`, 'role raised');
    await refused(`${h}.${b64url(JSON.stringify({ ...payload, exp: payload.exp + 3600 }))}.${s}`, 'exp extended');
  });

  test('expired beyond the 60 s leeway is refused; expired by 30 s is still accepted', async () => {
    const now = nowSec();
    await refused(craftToken(user.id, { claims: { iat: now - 1000, nbf: now - 1000, exp: now - 120 } }), 'expired 120 s ago');
    await refused(craftToken(user.id, { claims: { iat: now - 100000, nbf: now - 100000, exp: now - 86400 } }), 'expired a day ago');
    const r = await me(craftToken(user.id, { claims: { iat: now - 1000, nbf: now - 1000, exp: now - 30 } }));
    assert.equal(r.status, 200, `expired by 30 s should be within the leeway: ${r.text}`);
  });

  test('nbf beyond the leeway in the future is refused', async () => {
    const now = nowSec();
    await refused(craftToken(user.id, { claims: { nbf: now + 120, exp: now + 900 } }), 'nbf in 120 s');
    await refused(craftToken(user.id, { claims: { iat: now + 3600, nbf: now + 3600, exp: now + 7200 } }), 'nbf in an hour');
  });

  test('a wrong or missing iss is refused', async () => {
    await refused(craftToken(user.id, { claims: { iss: 'https://evil.example' } }), 'wrong iss');
    await refused(craftToken(user.id, { claims: { iss: `${env.jwtIssuer}x` } }), 'iss with a suffix');
    await refused(craftToken(user.id, { claims: { iss: undefined } }), 'no iss');
  });

  test('a wrong or missing aud is refused; an aud array containing ours is accepted', async () => {
    await refused(craftToken(user.id, { claims: { aud: 'someone-else' } }), 'wrong aud');
    await refused(craftToken(user.id, { claims: { aud: ['someone-else', 'another'] } }), 'aud array without ours');
    await refused(craftToken(user.id, { claims: { aud: undefined } }), 'no aud');
    const r = await me(craftToken(user.id, { claims: { aud: ['someone-else', env.jwtAudience] } }));
    assert.equal(r.status, 200, `aud array containing ours (RFC 7519 §4.1.3): ${r.text}`);
  });

  test('alg switched to RS256, HS512 or hs256 is refused', async () => {
    await refused(craftToken(user.id, { header: { alg: 'RS256' } }), 'RS256 header, HMAC signature');
    await refused(craftToken(user.id, { header: { alg: 'hs256' } }), 'lower-case hs256');
    await refused(craftToken(user.id, { header: { alg: 'ES256' } }), 'ES256 header');
    const h = b64url(JSON.stringify({ alg: 'HS512', typ: 'JWT', kid: env.jwtKeys[0].kid }));
    const p = b64url(JSON.stringify(accessClaims(user.id)));
    const sig = crypto.createHmac('sha512', env.jwtKeys[0].secret).update(`${h}.${p}`).digest('base64url');
    await refused(`${h}.${p}.${sig}`, 'HS512 correctly signed');
  });

  test('an unknown kid is refused', async () => {
    await refused(craftToken(user.id, { header: { kid: `unknown-${crypto.randomBytes(3).toString('hex')}` } }), 'unknown kid');
  });

  test('a crit header is refused', async () => {
    await refused(craftToken(user.id, { header: { crit: ['exp'] } }), 'crit');
    await refused(craftToken(user.id, { header: { crit: ['x-custom'], 'x-custom': 1 } }), 'crit with a custom parameter');
  });

  test('a validly signed 9 KiB token is refused; a 6 KiB one is accepted', async () => {
    const big = craftToken(user.id, { claims: { pad: 'p'.repeat(7000) } });
    assert.ok(big.length > 9 * 1024 - 200 && big.length > 8192, `test token is ${big.length} bytes`);
    await refused(big, '9 KiB token');
    const medium = craftToken(user.id, { claims: { pad: 'p'.repeat(4200) } });
    assert.ok(medium.length < 8192 && medium.length > 5500, `test token is ${medium.length} bytes`);
    const r = await me(medium);
    assert.equal(r.status, 200, `a 6 KiB token is within the 8 KiB limit: ${r.text}`);
  });

  test('bad claims are refused: no exp, string exp, no sub, empty sub, unknown sub', async () => {
    await refused(craftToken(user.id, { claims: { exp: undefined } }), 'no exp');
    await refused(craftToken(user.id, { claims: { exp: String(nowSec() + 600) } }), 'string exp');
    await refused(craftToken(user.id, { claims: { sub: undefined } }), 'no sub');
    await refused(craftToken(user.id, { claims: { sub: '' } }), 'empty sub');
    await refused(craftToken(crypto.randomUUID()), 'sub of no user');
    await refused(craftToken('not-a-uuid'), 'sub not a UUID');
  });

  for (const [what, token] of Object.entries({
    garbage: 'garbage',
    'three dots': 'a.b.c',
    'empty parts': '..',
    'two parts': `${b64url('{"alg":"HS256"}')}.${b64url('{}')}`,
    'four parts': 'a.b.c.d',
    'bad base64url': '@@@.###.$$$',
    'JSON that is not an object': `${b64url('[]')}.${b64url('[]')}.${b64url('x')}`,
    'non-JSON header': `${b64url('not json')}.${b64url('{}')}.${b64url('x')}`,
  })) {
    test(`a garbage token (${what}) is refused`, async () => {
      await refused(token, what);
    });
  }

  test('an empty Bearer is 401', async () => {
    const r = await api('GET', '/api/v1/me', { headers: { authorization: 'Bearer ' } });
    assertUnauthorized(r);
  });

  test('a bad token on a public route is 401, never silently anonymous', async () => {
    const r = await api('GET', '/api/v1/openapi.json', { token: 'garbage' });
    assertUnauthorized(r, { tokenPresented: true });
    const r2 = await api('GET', '/api/v1/openapi.json', { token: craftToken(user.id, { secret: 'w'.repeat(48) }) });
    assertUnauthorized(r2, { tokenPresented: true });
  });

  test('a role claim never grants more than the database holds', async () => {
    const r = await api('GET', '/api/v1/users', { token: craftToken(user.id, { claims: { role: 'admin' } }) });
    assertProblem(r, 403);
  });
});

// ------------------------------------------------------------------------------------------

describe('refresh tokens', () => {
  test('refresh rotates: new tokens, the old refresh token is spent', async () => {
    const s = await newSession();
    const r = await refresh(s.refresh);
    const j = assertTokenAnswer(r, 'refresh');
    assert.notEqual(j.refresh_token, s.refresh);
    assert.notEqual(j.access_token, s.access);
    assert.equal(j.user.id, s.id);
    assert.deepEqual(tablesContaining(j.refresh_token), [], 'the refresh token is stored in clear');
    const m = await api('GET', '/api/v1/me', { token: j.access_token });
    assert.equal(m.status, 200, m.text);
    assert.equal(jwtDecode(j.access_token).payload.sub, s.id);
  });

  test('reuse of a spent token is 401 and revokes the whole family; other logins are untouched', async () => {
    const s = await newSession();
    const otherLogin = await login(s.email, s.password, uniqueIp());
    assert.equal(otherLogin.status, 200);
    const r1 = await refresh(s.refresh);
    assert.equal(r1.status, 200, r1.text);
    const r2 = await refresh(r1.json.refresh_token);
    assert.equal(r2.status, 200, r2.text);
    const newest = r2.json.refresh_token;
    // Present the first, spent token again: reuse.
    const reuse = await refresh(s.refresh);
    assertUnauthorized(reuse, {}, 'reuse of a spent refresh token');
    // The newest token of that family no longer works either.
    const after = await refresh(newest);
    assertUnauthorized(after, {}, 'the newest token of a family after reuse detection');
    // The other login (its own family) still refreshes.
    const other = await refresh(otherLogin.json.refresh_token);
    assert.equal(other.status, 200, `another login's family must be untouched: ${other.text}`);
  });

  test('presenting the middle token of a chain also revokes the family', async () => {
    const s = await newSession();
    const r1 = await refresh(s.refresh);
    const r2 = await refresh(r1.json.refresh_token);
    assert.equal(r2.status, 200);
    assertUnauthorized(await refresh(r1.json.refresh_token), {}, 'reuse of the middle token');
    assertUnauthorized(await refresh(r2.json.refresh_token), {}, 'newest after reuse');
  });

  test('an unknown refresh token is 401; a missing one is 422', async () => {
    assertUnauthorized(await refresh(crypto.randomBytes(32).toString('base64url')));
    assertUnauthorized(await refresh('garbage'));
    assertValidation(await api('POST', '/api/v1/auth/refresh', { body: {} }), ['/refresh_token']);
    assertValidation(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'x', extra: 1 } }), ['/extra']);
  });
});

describe('logout', () => {
  test('204, then that refresh token is refused; another login still works', async () => {
    const s = await newSession();
    const second = await login(s.email, s.password, uniqueIp());
    const r = await api('POST', '/api/v1/auth/logout', { body: { refresh_token: s.refresh } });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assertUnauthorized(await refresh(s.refresh), {}, 'refresh after logout');
    const ok = await refresh(second.json.refresh_token);
    assert.equal(ok.status, 200, ok.text);
  });
});

// ------------------------------------------------------------------------------------------

describe('disabled users and role changes', () => {
  test('disabling (PATCH with If-Match) stops login, refresh and the existing access token', async () => {
    const s = await newSession();
    const { etag } = await getUserAsAdmin(s.id);
    const p = await api('PATCH', `/api/v1/users/${s.id}`, { token: await adminToken(), body: { disabled: true }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.disabled, true);
    assert.equal(p.json.role, 'member', 'a merge patch of disabled must not change role');
    assert.equal(etagNumber(p.headers.etag), etagNumber(etag) + 1, 'the version grows by one');
    assertUnauthorized(await login(s.email, s.password, uniqueIp()), {}, 'login of a disabled user');
    assertUnauthorized(await refresh(s.refresh), {}, 'refresh of a disabled user');
    assertUnauthorized(await api('GET', '/api/v1/me', { token: s.access }), { tokenPresented: true }, 'access token of a disabled user');
    // Enabled again: login works; the old refresh token stays revoked.
    const p2 = await patchUserAsAdmin(s.id, { disabled: false });
    assert.equal(p2.status, 200, p2.text);
    assert.equal((await login(s.email, s.password, uniqueIp())).status, 200);
    assertUnauthorized(await refresh(s.refresh), {}, 'a refresh token revoked by disabling');
  });

  test('a role change takes effect on the existing token', async () => {
    const s = await newSession();
    assertProblem(await api('GET', '/api/v1/users', { token: s.access }), 403);
    const p = await patchUserAsAdmin(s.id, { role: 'admin' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.role, 'admin');
    assert.equal(p.json.disabled, false);
    const r = await api('GET', '/api/v1/users?limit=1', { token: s.access });
    assert.equal(r.status, 200, `the new role must apply at once: ${r.text}`);
    const m = await api('GET', '/api/v1/me', { token: s.access });
    assert.equal(m.json.role, 'admin');
    // And back.
    assert.equal((await patchUserAsAdmin(s.id, { role: 'member' })).status, 200);
    assertProblem(await api('GET', '/api/v1/users', { token: s.access }), 403);
  });
});

// ------------------------------------------------------------------------------------------

describe('GET /api/v1/me', () => {
  test('the user, role and an organisations array', async () => {
    const s = await newSession();
    const r = await api('GET', '/api/v1/me', { token: s.access });
    assert.equal(r.status, 200, r.text);
    assertUser(r.json, 'me');
    assert.equal(r.json.id, s.id);
    assert.equal(r.json.email.toLowerCase(), s.email);
    assert.equal(r.json.role, 'member');
    assert.ok(Array.isArray(r.json.organisations), 'organisations must be an array');
    assert.deepEqual(r.json.organisations, []);
    assert.match(r.headers['cache-control'] || '', /no-store/);
  });

  test('the admin sees role admin', async () => {
    const r = await api('GET', '/api/v1/me', { token: await adminToken() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.role, 'admin');
    assert.equal(r.json.email.toLowerCase(), env.adminEmail.toLowerCase());
  });
});

// ------------------------------------------------------------------------------------------

describe('users administration', () => {
  test('list pages with limit=1 through next_cursor without repeats, stable under inserts', async () => {
    const marker = `pg${crypto.randomBytes(5).toString('hex')}`;
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await registerUser({ name: `${marker} Sida ${i}` })).id);
    const t = await adminToken();
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const q = `/api/v1/users?limit=1&q=${marker}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await api('GET', q, { token: t });
      assert.equal(r.status, 200, r.text);
      assert.ok(Array.isArray(r.json.items));
      assert.ok(r.json.items.length <= 1, `limit=1 gave ${r.json.items.length}`);
      assert.ok('next_cursor' in r.json, 'next_cursor must be present (null on the last page)');
      for (const u of r.json.items) {
        assertUser(u, 'list item');
        seen.push(u.id);
      }
      cursor = r.json.next_cursor;
      if (pages === 0) made.push((await registerUser({ name: `${marker} Sida sen` })).id); // an insert mid-walk
      assert.ok(++pages < 20, 'the walk does not end');
    } while (cursor !== null);
    assert.equal(new Set(seen).size, seen.length, `repeats: ${seen}`);
    for (const id of made.slice(0, 3)) assert.ok(seen.includes(id), `user ${id} was skipped`);
    for (const id of seen) assert.ok(made.includes(id), `q=${marker} matched an unrelated user ${id}`);
  });

  test('default limit is 20, and 100 is allowed', async () => {
    const marker = `dl${crypto.randomBytes(5).toString('hex')}`;
    for (let i = 0; i < 21; i++) await registerUser({ name: `${marker} Standard ${i}` });
    const t = await adminToken();
    const r = await api('GET', `/api/v1/users?q=${marker}`, { token: t });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 20);
    assert.equal(typeof r.json.next_cursor, 'string');
    const r2 = await api('GET', `/api/v1/users?q=${marker}&limit=100`, { token: t });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.json.items.length, 21);
    assert.equal(r2.json.next_cursor, null);
  });

  for (const limit of ['0', '101', 'abc', '-1', '1.5', '1e1']) {
    test(`limit=${limit} is 400`, async () => {
      assertProblem(await api('GET', `/api/v1/users?limit=${limit}`, { token: await adminToken() }), 400);
    });
  }

  test("the clients list refuses the users list's cursor (same order by time, another list)", async () => {
    const t = await adminToken();
    await registerUser();
    await registerUser();
    const users = await api('GET', '/api/v1/users?limit=1', { token: t });
    assert.equal(typeof users.json.next_cursor, 'string');
    assertProblem(await api('GET', `/api/v1/clients?cursor=${encodeURIComponent(users.json.next_cursor)}`, { token: t }), 400);
    // the old "<created_at>|<id>" form is no cursor any more
    assertProblem(await api('GET', `/api/v1/users?cursor=${b64url(`2026-01-01T00:00:00.000000Z|${crypto.randomUUID()}`)}`, { token: t }), 400);
  });

  for (const cursor of ['!!!', 'abc', b64url('{"x":1}'), crypto.randomBytes(40).toString('base64url'), b64url('9999999999999999999999')]) {
    test(`cursor=${cursor.slice(0, 16)} is 400`, async () => {
      assertProblem(await api('GET', `/api/v1/users?cursor=${encodeURIComponent(cursor)}`, { token: await adminToken() }), 400);
    });
  }

  test('a member gets 403 and an anonymous caller 401 on /api/v1/users and /api/v1/users/{id}', async () => {
    const s = await newSession();
    assertProblem(await api('GET', '/api/v1/users', { token: s.access }), 403);
    assertProblem(await api('GET', `/api/v1/users/${s.id}`, { token: s.access }), 403);
    assertProblem(await api('PATCH', `/api/v1/users/${s.id}`, { token: s.access, body: { role: 'admin' }, headers: { 'if-match': '*' } }), 403);
    assertUnauthorized(await api('GET', '/api/v1/users'));
    // The member did not make themselves admin.
    assert.equal((await getUserAsAdmin(s.id)).user.role, 'member');
  });

  test('GET /api/v1/users/{id} carries a strong ETag; PATCH answers the next one', async () => {
    const u = await registerUser();
    const g = await getUserAsAdmin(u.id);
    const v = etagNumber(g.etag);
    assertUser(g.user);
    const p = await api('PATCH', `/api/v1/users/${u.id}`, { token: await adminToken(), body: { role: 'admin' }, headers: { 'if-match': g.etag } });
    assert.equal(p.status, 200, p.text);
    assert.equal(etagNumber(p.headers.etag), v + 1);
    const g2 = await getUserAsAdmin(u.id);
    assert.equal(g2.etag, p.headers.etag);
    assert.equal(g2.user.role, 'admin');
  });

  test('PATCH without If-Match is 428; stale is 412; If-Match: * works', async () => {
    const u = await registerUser();
    const t = await adminToken();
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { token: t, body: { disabled: true } }), 428);
    const { etag } = await getUserAsAdmin(u.id);
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { token: t, body: { disabled: true }, headers: { 'if-match': '"999999"' } }), 412);
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { token: t, body: { disabled: true }, headers: { 'if-match': `W/${etag}` } }), 412);
    const ok = await api('PATCH', `/api/v1/users/${u.id}`, { token: t, body: { disabled: true }, headers: { 'if-match': etag } });
    assert.equal(ok.status, 200, ok.text);
    // The ETag used above is now stale.
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { token: t, body: { disabled: false }, headers: { 'if-match': etag } }), 412);
    assert.equal((await getUserAsAdmin(u.id)).user.disabled, true, 'a 412 must not change anything');
    const star = await api('PATCH', `/api/v1/users/${u.id}`, { token: t, body: { disabled: false }, headers: { 'if-match': '*' } });
    assert.equal(star.status, 200, star.text);
    assert.equal(star.json.disabled, false);
  });

  test('PATCH of an unknown or read-only field is 422 naming it; bad values are 422', async () => {
    const u = await registerUser();
    const t = await adminToken();
    const { etag } = await getUserAsAdmin(u.id);
    const patch = (body) => api('PATCH', `/api/v1/users/${u.id}`, { token: t, body, headers: { 'if-match': etag } });
    assertValidation(await patch({ foo: 1 }), ['/foo']);
    assertValidation(await patch({ email: 'x@example.org' }), ['/email']);
    assertValidation(await patch({ name: 'Nytt namn', id: crypto.randomUUID() }), ['/name', '/id']);
    assertValidation(await patch({ role: 'superuser' }), ['/role']);
    assertValidation(await patch({ role: 'client' }), ['/role']);
    assertValidation(await patch({ disabled: 'yes' }), ['/disabled']);
    // Nothing changed: the ETag still matches.
    assert.equal((await getUserAsAdmin(u.id)).etag, etag);
  });

  test('PATCH of a non-UUID id is 404; of an unknown UUID 404', async () => {
    const t = await adminToken();
    assertProblem(await api('PATCH', '/api/v1/users/12345', { token: t, body: { disabled: true }, headers: { 'if-match': '*' } }), 404);
    assertProblem(await api('PATCH', `/api/v1/users/${crypto.randomUUID()}`, { token: t, body: { disabled: true }, headers: { 'if-match': '*' } }), 404);
  });

  test('a user PATCH is audited with action, entity, before/after and the request id', async () => {
    const u = await registerUser();
    const { etag } = await getUserAsAdmin(u.id);
    const p = await api('PATCH', `/api/v1/users/${u.id}`, { token: await adminToken(), body: { disabled: true, role: 'admin' }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    const rid = p.headers['x-request-id'];
    assert.ok(rid);
    const rows = auditRows(u.id, rid);
    assert.equal(rows.length, 1, `expected one audit row for entity ${u.id} and request ${rid}, found ${rows.length}`);
    const a = rows[0];
    assert.equal(a.entity_type, 'user');
    assert.equal(String(a.entity_id), u.id);
    assert.equal(a.request_id, rid);
    assert.equal(typeof a.action, 'string');
    assert.ok(a.action.length > 0);
    const before = asObject(a.before);
    const after = asObject(a.after);
    assert.equal(before.disabled, false);
    assert.equal(after.disabled, true);
    assert.equal(before.role, 'member');
    assert.equal(after.role, 'admin');
    assert.ok(JSON.stringify(a).includes(await adminId()), 'the audit row does not name the admin as the actor');
    const blob = JSON.stringify(a);
    assert.ok(!/argon2/.test(blob), 'the audit row contains a password hash');
  });
});

// ------------------------------------------------------------------------------------------

describe('API clients and the client-credentials grant', () => {
  const scopes = ['organisations:read', 'changes:read'];

  test('create: 201, Location, ETag, the secret shown once; GET and the list never show it', async () => {
    const t = await adminToken();
    const name = uniqueName('Idrotts- och föreningsförvaltningen');
    const r = await api('POST', '/api/v1/clients', { token: t, body: { name, scopes } });
    assert.equal(r.status, 201, r.text);
    const c = r.json;
    assert.match(c.id, UUID_RE);
    assert.equal(c.client_id, c.id);
    assert.match(c.client_secret, /^cs_[A-Za-z0-9_-]{43}$/, 'a 256-bit secret as cs_<base64url>');
    assert.equal(c.name, name);
    assert.deepEqual([...c.scopes].sort(), [...scopes].sort());
    assert.match(c.created_at, RFC3339_Z);
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, `/api/v1/clients/${c.id}`);
    etagNumber(r.headers.etag);
    assert.deepEqual(tablesContaining(c.client_secret), [], 'the client secret is stored in clear');
    assert.deepEqual(tablesContaining(c.client_secret.slice(3)), [], 'the client secret is stored in clear');
    const g = await api('GET', `/api/v1/clients/${c.id}`, { token: t });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.id, c.id);
    assert.equal(g.json.client_secret, undefined);
    assert.ok(!g.text.includes(c.client_secret));
    etagNumber(g.headers.etag);
    const l = await api('GET', '/api/v1/clients?limit=100', { token: t });
    assert.equal(l.status, 200, l.text);
    assert.ok(!l.text.includes(c.client_secret), 'the list shows a secret');
    let cursor = l.json.next_cursor;
    let found = l.json.items.some((x) => x.id === c.id);
    while (!found && cursor) {
      const n = await api('GET', `/api/v1/clients?limit=100&cursor=${encodeURIComponent(cursor)}`, { token: t });
      assert.equal(n.status, 200, n.text);
      found = n.json.items.some((x) => x.id === c.id);
      cursor = n.json.next_cursor;
    }
    assert.ok(found, 'the new client is not listed');
  });

  test('create with bad scopes, no name or an unknown field is 422', async () => {
    const t = await adminToken();
    const post = (body) => api('POST', '/api/v1/clients', { token: t, body });
    const scopeFieldNamed = (r) => {
      const p = assertProblem(r, 422);
      assert.ok(p.errors.some((e) => e.field === '/scopes' || e.field.startsWith('/scopes/')), r.text);
    };
    scopeFieldNamed(await post({ name: 'X', scopes: ['foo:bar'] }));
    scopeFieldNamed(await post({ name: 'X', scopes: [] }));
    scopeFieldNamed(await post({ name: 'X', scopes: 'organisations:read' }));
    assertValidation(await post({ scopes }), ['/name']);
    assertValidation(await post({ name: 'X', scopes, client_secret: 'cs_mine' }), ['/client_secret']);
  });

  test('a member cannot create or list clients (403); anonymous 401', async () => {
    const s = await newSession();
    assertProblem(await api('POST', '/api/v1/clients', { token: s.access, body: { name: 'X', scopes } }), 403);
    assertProblem(await api('GET', '/api/v1/clients', { token: s.access }), 403);
    assertUnauthorized(await api('POST', '/api/v1/clients', { body: { name: 'X', scopes } }));
  });

  test('client_credentials with a form-encoded body and with JSON', async () => {
    const c = await makeClient(scopes);
    for (const json of [false, true]) {
      const r = await clientToken(c.client_id, c.client_secret, { json });
      assert.equal(r.status, 200, `${json ? 'JSON' : 'form'}: ${r.text}`);
      assert.equal(r.json.token_type, 'Bearer');
      assert.equal(r.json.expires_in, env.accessTokenTtl);
      assert.deepEqual(r.json.scope.split(' ').sort(), [...scopes].sort());
      assert.equal(r.json.refresh_token, undefined, 'client credentials get no refresh token');
      assert.match(r.headers['cache-control'] || '', /no-store/, 'a token answer must not be cached (RFC 6749 §5.1)');
      const { header, payload } = jwtDecode(r.json.access_token);
      assert.equal(header.kid, env.jwtKeys[0].kid);
      assert.equal(payload.sub, c.id);
      assert.equal(payload.role, 'client');
      assert.deepEqual(payload.scope.split(' ').sort(), [...scopes].sort());
      assert.equal(payload.iss, env.jwtIssuer);
      assert.equal(payload.aud, env.jwtAudience);
    }
  });

  test('a wrong secret, an unknown client and a non-UUID client_id are 401', async () => {
    const c = await makeClient(scopes);
    assertOAuthError(await clientToken(c.client_id, `${c.client_secret}x`), 401, 'invalid_client', 'wrong secret');
    assertOAuthError(await clientToken(c.client_id, `cs_${crypto.randomBytes(32).toString('base64url')}`), 401, 'invalid_client', 'another secret');
    assertOAuthError(await clientToken(crypto.randomUUID(), c.client_secret), 401, 'invalid_client', 'unknown client');
    assertOAuthError(await clientToken('not-a-uuid', c.client_secret, { json: true }), 401, 'invalid_client', 'non-UUID client');
  });

  test('a wrong or missing grant_type is 400', async () => {
    const c = await makeClient(scopes);
    assertOAuthError(await api('POST', '/api/v1/auth/token', { form: { grant_type: 'password', client_id: c.client_id, client_secret: c.client_secret } }), 400, 'unsupported_grant_type');
    assertOAuthError(await api('POST', '/api/v1/auth/token', { body: { grant_type: 'authorization_code', client_id: c.client_id, client_secret: c.client_secret } }), 400, 'unsupported_grant_type');
    assertOAuthError(await api('POST', '/api/v1/auth/token', { form: { client_id: c.client_id, client_secret: c.client_secret } }), 400, 'invalid_request');
  });

  test('a subset scope works; a scope the client does not hold is 400', async () => {
    const c = await makeClient(scopes);
    const r = await clientToken(c.client_id, c.client_secret, { scope: 'changes:read' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.scope, 'changes:read');
    assert.equal(jwtDecode(r.json.access_token).payload.scope, 'changes:read');
    assertOAuthError(await clientToken(c.client_id, c.client_secret, { scope: 'webhooks:manage' }), 400, 'invalid_scope');
    assertOAuthError(await clientToken(c.client_id, c.client_secret, { scope: 'changes:read webhooks:manage', json: true }), 400, 'invalid_scope');
    assertOAuthError(await clientToken(c.client_id, c.client_secret, { scope: 'admin' }), 400, 'invalid_scope');
  });

  test('a client token is 403 on /api/v1/users, /api/v1/me and /api/v1/clients', async () => {
    const c = await makeClient(ALL_SCOPES);
    const r = await clientToken(c.client_id, c.client_secret);
    assert.equal(r.status, 200, r.text);
    const tok = r.json.access_token;
    assertProblem(await api('GET', '/api/v1/users', { token: tok }), 403);
    assertProblem(await api('GET', '/api/v1/me', { token: tok }), 403);
    assertProblem(await api('GET', '/api/v1/clients', { token: tok }), 403);
  });

  test('DELETE needs If-Match (428, 412); then 204, its token and new grants are 401, and it is gone', async () => {
    const c = await makeClient(scopes);
    const t = await adminToken();
    const tok = (await clientToken(c.client_id, c.client_secret)).json.access_token;
    assertProblem(await api('GET', '/api/v1/users', { token: tok }), 403); // valid before: 403, not 401
    assertProblem(await api('DELETE', `/api/v1/clients/${c.id}`, { token: t }), 428);
    assertProblem(await api('DELETE', `/api/v1/clients/${c.id}`, { token: t, headers: { 'if-match': '"999999"' } }), 412);
    const g = await api('GET', `/api/v1/clients/${c.id}`, { token: t });
    const d = await api('DELETE', `/api/v1/clients/${c.id}`, { token: t, headers: { 'if-match': g.headers.etag } });
    assert.equal(d.status, 204, d.text);
    assert.equal(d.text, '');
    const rid = d.headers['x-request-id'];
    assertUnauthorized(await api('GET', '/api/v1/users', { token: tok }), { tokenPresented: true }, "a deleted client's token");
    assertOAuthError(await clientToken(c.client_id, c.client_secret), 401, 'invalid_client', 'a grant for a deleted client');
    assertProblem(await api('GET', `/api/v1/clients/${c.id}`, { token: t }), 404);
    assertProblem(await api('DELETE', `/api/v1/clients/${c.id}`, { token: t, headers: { 'if-match': '*' } }), 404);
    const l = await api('GET', '/api/v1/clients?limit=100', { token: t });
    assert.ok(!l.json.items.some((x) => x.id === c.id), 'a deleted client is still listed');
    // Kept for the audit trail, and the deletion is audited.
    const rows = auditRows(c.id, rid);
    assert.equal(rows.length, 1, `expected one audit row for deleting client ${c.id}`);
    assert.equal(rows[0].entity_type, 'client');
    assert.ok(!JSON.stringify(rows[0]).includes(c.client_secret), 'the audit row holds the client secret');
  });

  test('creating a client is audited', async () => {
    const t = await adminToken();
    const r = await api('POST', '/api/v1/clients', { token: t, body: { name: uniqueName('Audit'), scopes } });
    assert.equal(r.status, 201, r.text);
    const rows = auditRows(r.json.id, r.headers['x-request-id']);
    assert.equal(rows.length, 1, 'no audit row for the client creation');
    assert.equal(rows[0].entity_type, 'client');
    assert.ok(JSON.stringify(rows[0]).includes(await adminId()), 'the actor is not recorded');
    assert.ok(!JSON.stringify(rows[0]).includes(r.json.client_secret), 'the audit row holds the client secret');
  });
});
