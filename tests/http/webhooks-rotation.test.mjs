// Webhook secret rotation (POST /api/v1/webhooks/{id}/rotate-secret): the new secret is
// shown once; during the overlap window every delivery carries two signatures in
// webhook-signature ("v1,<new> v1,<old>"), and the `standardwebhooks` package verifies each
// delivery with the old secret and with the new one; after the window (ended here through
// SQL, so that no test waits on a clock) only the new one verifies. Plus the rules every
// webhook change follows: If-Match, owner or admin, 422 for a bad body that changes nothing,
// an audit row that never holds a secret.
//
// The service runs with WEBHOOK_ALLOW_PRIVATE=1 (the receiver is on 127.0.0.1).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';

import { Webhook } from 'standardwebhooks';

import {
  api,
  assertProblem,
  assertUnauthorized,
  assertFieldNamed,
  adminToken,
  newSession,
  createOrg,
  clientAccess,
  changesHead,
  waitForChanges,
  psql,
  sqlLit,
  auditRowsWhere,
  tablesContaining,
  newRequestId,
  RFC3339_Z_RE,
  sleep,
} from './support.mjs';

const HOOKS = '/api/v1/webhooks';
const SECRET_RE = /^whsec_[A-Za-z0-9+/]{32}$/;
const ROTATED_KEYS = ['created_at', 'id', 'previous_secret_expires_at', 'secret', 'types', 'url'];

/** Answers 204 to everything and keeps each request's body and headers. */
const requests = [];
let server;
let port;
before(async () => {
  server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url, id: req.headers['webhook-id'], headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});
after(async () => {
  await new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

async function waitUntil(cond, { timeoutMs = 30000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(30);
  }
}

/** One organisation event, delivered to the webhook at path; returns that request. */
async function deliveredEvent(path) {
  const admin = await adminToken();
  const from = await changesHead(admin);
  const { id } = await createOrg(admin, { org_number: undefined });
  const items = await waitForChanges(admin, from, (its) => its.some((e) => e.entity_id === id && e.action === 'create'), { types: 'organisation' });
  const ev = items.find((e) => e.entity_id === id && e.action === 'create');
  return waitUntil(() => requests.find((r) => r.path === path && r.id === ev.id), { what: `delivery of ${ev.id}` });
}

const verifies = (secret, r) => {
  try {
    new Webhook(secret).verify(r.body, r.headers);
    return true;
  } catch {
    return false;
  }
};
const signatures = (r) => r.headers['webhook-signature'].split(' ');

async function newHook() {
  const c = await clientAccess(['webhooks:manage', 'changes:read']);
  const path = `/hook/${crypto.randomBytes(6).toString('hex')}`;
  const r = await api('POST', HOOKS, { token: c.token, body: { url: `http://127.0.0.1:${port}${path}`, types: ['organisation'] } });
  assert.equal(r.status, 201, r.text);
  return { token: c.token, path, hook: r.json };
}

const etagOf = async (token, id) => {
  const g = await api('GET', `${HOOKS}/${id}`, { token });
  assert.equal(g.status, 200, g.text);
  return g.headers.etag;
};

const rotate = (token, id, etag, body = {}, headers = {}) =>
  api('POST', `${HOOKS}/${id}/rotate-secret`, { token, body, headers: { ...(etag ? { 'if-match': etag } : {}), ...headers } });

describe('rotating a webhook secret', () => {
  test('during the overlap both secrets verify every delivery; after it only the new one; the new secret is shown once', async () => {
    const { token, path, hook } = await newHook();
    const old = hook.secret;
    const before = await deliveredEvent(path);
    assert.equal(signatures(before).length, 1, 'one signature before any rotation');
    assert.ok(verifies(old, before));

    const etag = await etagOf(token, hook.id);
    const rid = newRequestId('rotate');
    const r = await rotate(token, hook.id, etag, { overlap_seconds: 3600 }, { 'x-request-id': rid });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ROTATED_KEYS);
    const fresh = r.json.secret;
    assert.match(fresh, SECRET_RE);
    assert.notEqual(fresh, old);
    assert.equal(r.json.id, hook.id);
    assert.equal(r.json.url, hook.url);
    assert.match(r.json.previous_secret_expires_at, RFC3339_Z_RE);
    const window = Date.parse(r.json.previous_secret_expires_at) - Date.now();
    assert.ok(window > 3000 * 1000 && window <= 3600 * 1000 + 60000, `the window ends in ${window} ms, not about an hour`);
    assert.ok(r.headers.etag && r.headers.etag !== etag, 'the ETag changes with the rotation');
    assert.equal(await etagOf(token, hook.id), r.headers.etag);
    const g = await api('GET', `${HOOKS}/${hook.id}`, { token });
    assert.ok(!g.text.includes(fresh.slice(6)) && !g.text.includes(old.slice(6)), 'GET shows a secret');

    const audit = auditRowsWhere({ entityId: hook.id, requestId: rid });
    assert.equal(audit.length, 1, JSON.stringify(audit));
    assert.equal(audit[0].action, 'rotate_secret');
    assert.equal(audit[0].entity_type, 'webhook');
    const auditText = JSON.stringify(audit[0]);
    assert.ok(!auditText.includes(fresh.slice(6)) && !auditText.includes(old.slice(6)), 'the audit row holds a secret');
    const log = await api('GET', `/api/v1/audit?entity_id=${hook.id}`, { token: await adminToken() });
    assert.equal(log.status, 200, log.text);
    assert.ok(log.json.items.some((e) => e.action === 'rotate_secret' && e.request_id === rid), 'the audit log lists the rotation');
    assert.ok(!log.text.includes(fresh.slice(6)) && !log.text.includes(old.slice(6)), 'the audit log shows a secret');
    // the secrets are kept where the current one always was, and nowhere else
    assert.deepEqual(tablesContaining(fresh.slice(6)), tablesContaining(old.slice(6)));

    const during = await deliveredEvent(path);
    assert.equal(signatures(during).length, 2, `two signatures during the overlap: ${during.headers['webhook-signature']}`);
    for (const s of signatures(during)) assert.match(s, /^v1,[A-Za-z0-9+/]+={0,2}$/);
    assert.ok(verifies(fresh, during), 'the new secret does not verify a delivery during the overlap');
    assert.ok(verifies(old, during), 'the old secret does not verify a delivery during the overlap');
    assert.ok(!verifies(`whsec_${crypto.randomBytes(24).toString('base64')}`, during), 'any secret verifies');

    psql(`UPDATE webhook SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${sqlLit(hook.id)}`);
    const afterWindow = await deliveredEvent(path);
    assert.equal(signatures(afterWindow).length, 1, `one signature after the overlap: ${afterWindow.headers['webhook-signature']}`);
    assert.ok(verifies(fresh, afterWindow), 'the new secret does not verify after the overlap');
    assert.throws(() => new Webhook(old).verify(afterWindow.body, afterWindow.headers), /signature/i, 'the old secret still verifies after the overlap');
  });

  test('overlap_seconds 0 ends the old secret at once; the default window is 24 hours', async () => {
    const { token, path, hook } = await newHook();
    const r = await rotate(token, hook.id, await etagOf(token, hook.id), { overlap_seconds: 0 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.previous_secret_expires_at, null);
    const d = await deliveredEvent(path);
    assert.equal(signatures(d).length, 1);
    assert.ok(verifies(r.json.secret, d));
    assert.ok(!verifies(hook.secret, d), 'the old secret verifies after a rotation without overlap');

    const r2 = await rotate(token, hook.id, r.headers.etag, {});
    assert.equal(r2.status, 200, r2.text);
    const window = Date.parse(r2.json.previous_secret_expires_at) - Date.now();
    assert.ok(window > 23 * 3600 * 1000 && window <= 24 * 3600 * 1000 + 60000, `the default window ends in ${window} ms`);
    const d2 = await deliveredEvent(path);
    assert.ok(verifies(r2.json.secret, d2) && verifies(r.json.secret, d2), 'both the new and the replaced secret verify');
    assert.ok(!verifies(hook.secret, d2), 'the secret of two rotations ago verifies');
  });

  test('If-Match required (428) and current (412); bad bodies 422 naming the field; who may: owner and admin; nothing changes on a refusal', async () => {
    const { token, hook } = await newHook();
    const etag = await etagOf(token, hook.id);
    const unchanged = async (what) => assert.equal(await etagOf(token, hook.id), etag, `${what} changed the webhook`);
    assertProblem(await rotate(token, hook.id, null), 428, 'without If-Match');
    assertProblem(await rotate(token, hook.id, '"987654"'), 412, 'stale If-Match');
    assertProblem(await rotate(token, crypto.randomUUID(), etag), 404, 'unknown webhook');
    assertProblem(await rotate(token, crypto.randomUUID(), '"987654"'), 404, 'unknown webhook with a stale If-Match: 404 before 412');
    for (const [body, field] of [
      [{ overlap_seconds: -1 }, '/overlap_seconds'],
      [{ overlap_seconds: 604801 }, '/overlap_seconds'],
      [{ overlap_seconds: '3600' }, '/overlap_seconds'],
      [{ overlap_seconds: 1.5 }, '/overlap_seconds'],
      [{ secret: 'whsec_AAAA' }, '/secret'],
    ]) {
      assertFieldNamed(await rotate(token, hook.id, etag, body), field, JSON.stringify(body));
    }
    await unchanged('a refused rotation');
    const other = await clientAccess(['webhooks:manage', 'changes:read']);
    assertProblem(await rotate(other.token, hook.id, etag), 404, "another client's webhook");
    const m = await newSession();
    assertProblem(await rotate(m.access, hook.id, etag), 403, 'a member');
    const reader = await clientAccess(['changes:read']);
    assertProblem(await rotate(reader.token, hook.id, etag), 403, 'a client without webhooks:manage');
    assertUnauthorized(await api('POST', `${HOOKS}/${hook.id}/rotate-secret`, { body: {}, headers: { 'if-match': etag } }), {}, 'anonymous');
    await unchanged('a refused caller');
    const admin = await adminToken();
    const a = await rotate(admin, hook.id, etag, { overlap_seconds: 60 });
    assert.equal(a.status, 200, a.text);
    assert.match(a.json.secret, SECRET_RE);
    const d = await api('DELETE', `${HOOKS}/${hook.id}`, { token, headers: { 'if-match': a.headers.etag } });
    assert.equal(d.status, 204, d.text);
    assertProblem(await rotate(token, hook.id, a.headers.etag), 404, 'a deleted webhook');
  });
});
