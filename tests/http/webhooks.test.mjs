// Webhooks (section 5 of the contract, "Integration and open data" in docs/decisions.md):
// managing subscriptions (scopes, validation, a secret shown once, each client sees only its
// own, DELETE with If-Match), and delivery: a receiver on 127.0.0.1 checks every request with
// the `standardwebhooks` package (an independent implementation of the signature), answers 500
// to the first attempt and 204 to the retry, and the delivery log shows both attempts. Then the
// outbox: deliveries queued while the receiver is unreachable are delivered once it is back
// (and a second `idekom serve` has started on the same database), and with two processes
// running every event is delivered exactly once.
//
// The service runs with WEBHOOK_ALLOW_PRIVATE=1 (the receiver is on 127.0.0.1) and
// WEBHOOK_RETRY_SCALE=100 (retries after about 0.05 s, 0.3 s, 1.2 s, 6 s, ...).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';

import { Webhook } from 'standardwebhooks';

import {
  api,
  env,
  assertProblem,
  assertUnauthorized,
  assertFieldNamed,
  adminToken,
  newSession,
  uniqueWord,
  createOrg,
  clientAccess,
  isoFromNow,
  UUID_RE,
  RFC3339_Z_RE,
  changesHead,
  waitForChanges,
  startSecondService,
  sleep,
  collectPages,
} from './support.mjs';

const HOOKS = '/api/v1/webhooks';
const SECRET_RE = /^whsec_[A-Za-z0-9+/]{32}$/;
const CREATED_KEYS = ['created_at', 'id', 'secret', 'types', 'url'];
const HOOK_KEYS = ['created_at', 'id', 'types', 'url'];
const DELIVERY_KEYS = [
  'attempts', 'attempts_log', 'created_at', 'delivered_at', 'event_id', 'event_seq', 'id', 'last_status_code', 'next_attempt_at', 'status', 'type',
].sort();

// ------------------------------------------------------------------------------------------
// The receiver

/**
 * An HTTP server on 127.0.0.1 with one path per webhook. Each path has a secret (set once
 * the webhook is created), a mode ('fail-first': 500 to the first attempt of each webhook-id,
 * 204 afterwards; 'ok': always 204; 'fail': always 500) and an optional delay, and records
 * every request: {at, method, contentType, headers, id, timestamp, signature, body, payload,
 * verified, verifyError, status}.
 */
class Receiver {
  constructor() {
    this.hooks = new Map();
    this.server = null;
    this.port = 0;
  }

  listen(port = 0) {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.keepAliveTimeout = 1000;
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.server = server;
        this.port = server.address().port;
        resolve(this.port);
      });
    });
  }

  close() {
    const s = this.server;
    this.server = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  hook(mode = 'fail-first', { delayMs = 0 } = {}) {
    const path = `/hook/${crypto.randomBytes(8).toString('hex')}`;
    const h = {
      path,
      url: `http://127.0.0.1:${this.port}${path}`,
      secret: null,
      mode,
      delayMs,
      requests: [],
      ok: (id) => h.requests.some((r) => r.id === id && r.status >= 200 && r.status < 300),
      of: (id) => h.requests.filter((r) => r.id === id),
    };
    this.hooks.set(path, h);
    return h;
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const h = this.hooks.get(req.url);
      if (!h) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown path');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const rec = {
        at: Date.now(),
        method: req.method,
        contentType: req.headers['content-type'],
        headers: { ...req.headers },
        id: req.headers['webhook-id'],
        timestamp: req.headers['webhook-timestamp'],
        signature: req.headers['webhook-signature'],
        body,
        payload: undefined,
        verified: null,
        verifyError: null,
        status: 0,
      };
      if (h.secret) {
        try {
          rec.payload = new Webhook(h.secret).verify(body, req.headers);
          rec.verified = true;
        } catch (e) {
          rec.verified = false;
          rec.verifyError = e.message;
        }
      }
      const earlier = h.requests.filter((r) => r.id === rec.id).length;
      if (rec.verified !== true) rec.status = h.secret ? 400 : 503;
      else if (h.mode === 'fail' || (h.mode === 'fail-first' && earlier === 0)) rec.status = 500;
      else rec.status = 204;
      h.requests.push(rec);
      if (h.delayMs) await sleep(h.delayMs);
      if (rec.status === 204) res.writeHead(204).end();
      else res.writeHead(rec.status, { 'content-type': 'text/plain' }).end(`answer ${rec.status}`);
    });
  }
}

async function waitUntil(cond, { timeoutMs = 30000, what = 'condition', every = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(every);
  }
}

// ------------------------------------------------------------------------------------------
// API helpers

const created = []; // {id, token}: deleted after the file

async function createHook(token, url, types = ['organisation']) {
  const r = await api('POST', HOOKS, { token, body: { url, types } });
  assert.equal(r.status, 201, `create webhook: ${r.status} ${r.text}`);
  created.push({ id: r.json.id, token });
  return r;
}

/** A client with webhooks:manage and a webhook for `types` pointing at receiver path h. */
async function subscribe(h, types = ['organisation'], scopes = ['webhooks:manage', 'changes:read']) {
  const c = await clientAccess(scopes);
  const r = await createHook(c.token, h.url, types);
  h.secret = r.json.secret;
  return { token: c.token, client: c.client, hook: r.json };
}

async function deliveries(token, hookId) {
  const r = await api('GET', `${HOOKS}/${hookId}/deliveries`, { token });
  assert.equal(r.status, 200, `GET deliveries: ${r.status} ${r.text}`);
  assert.ok(Array.isArray(r.json.items), 'deliveries: items');
  for (const d of r.json.items) {
    assert.deepEqual(Object.keys(d).sort(), DELIVERY_KEYS, `delivery keys: ${JSON.stringify(d)}`);
    assert.ok(['pending', 'delivered', 'failed'].includes(d.status), `delivery status ${d.status}`);
    assert.ok(Array.isArray(d.attempts_log), 'attempts_log');
    assert.equal(d.attempts_log.length, d.attempts, `attempts ${d.attempts} vs attempts_log ${JSON.stringify(d.attempts_log)}`);
  }
  for (let i = 1; i < r.json.items.length; i++) {
    assert.ok(Date.parse(r.json.items[i - 1].created_at) >= Date.parse(r.json.items[i].created_at), 'deliveries newest first');
  }
  return r.json.items;
}

const byAt = (log) => [...log].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

/** Admin creates `n` organisations at once; returns their create events (seq order). */
async function orgEvents(n) {
  const admin = await adminToken();
  const from = await changesHead(admin);
  const ids = (await Promise.all(Array.from({ length: n }, () => createOrg(admin, { org_number: undefined })))).map((o) => o.id);
  const items = await waitForChanges(admin, from, (its) => ids.every((id) => its.some((e) => e.entity_id === id && e.action === 'create')), {
    types: 'organisation',
    what: `create events of ${n} organisations`,
  });
  return items.filter((e) => ids.includes(e.entity_id) && e.action === 'create');
}

const receiver = new Receiver();
before(async () => {
  await receiver.listen();
});
after(async () => {
  for (const { id, token } of created) {
    try {
      const g = await api('GET', `${HOOKS}/${id}`, { token });
      if (g.status === 200) await api('DELETE', `${HOOKS}/${id}`, { token, headers: { 'if-match': g.headers.etag } });
    } catch {
      /* best effort: a webhook left behind only retries into a closed port */
    }
  }
  await receiver.close();
});

// ------------------------------------------------------------------------------------------

describe('managing webhooks', () => {
  test('a client with webhooks:manage and changes:read creates one: 201, Location, a whsec_ secret shown once; GET and the list never show it', async () => {
    const h = receiver.hook('ok');
    const { token } = await clientAccess(['webhooks:manage', 'changes:read']);
    const r = await createHook(token, h.url, ['organisation', 'endorsement']);
    const w = r.json;
    assert.deepEqual(Object.keys(w).sort(), CREATED_KEYS);
    assert.match(w.id, UUID_RE);
    assert.equal(w.url, h.url);
    assert.deepEqual([...w.types].sort(), ['endorsement', 'organisation']);
    assert.match(w.created_at, RFC3339_Z_RE);
    assert.match(w.secret, SECRET_RE, `secret ${w.secret}`);
    assert.equal(Buffer.from(w.secret.slice(6), 'base64').length, 24, 'the secret is 24 random bytes');
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, `${HOOKS}/${w.id}`, `Location: ${r.headers.location}`);

    const g = await api('GET', `${HOOKS}/${w.id}`, { token });
    assert.equal(g.status, 200, g.text);
    assert.ok(g.headers.etag, 'GET webhook without ETag');
    assert.deepEqual(Object.keys(g.json).sort(), HOOK_KEYS);
    assert.deepEqual({ ...g.json }, { id: w.id, url: w.url, types: w.types, created_at: w.created_at });
    assert.ok(!g.text.includes(w.secret.slice(6)), 'GET shows the secret');
    const l = await api('GET', HOOKS, { token });
    assert.equal(l.status, 200, l.text);
    assert.ok(l.json.items.some((x) => x.id === w.id), 'the list holds the new webhook');
    assert.ok(!l.text.includes(w.secret.slice(6)), 'the list shows the secret');
    for (const x of l.json.items) assert.ok(!('secret' in x), 'a listed webhook has a secret');

    const r2 = await createHook(token, h.url, ['organisation']);
    assert.notEqual(r2.json.secret, w.secret, 'two webhooks share a secret');
  });

  test('anonymous 401; member 403; a client without webhooks:manage 403', async () => {
    const body = { url: 'https://example.se/hook', types: ['organisation'] };
    assertUnauthorized(await api('POST', HOOKS, { body }), {}, 'anonymous POST');
    assertUnauthorized(await api('GET', HOOKS), {}, 'anonymous GET');
    const m = await newSession();
    assertProblem(await api('POST', HOOKS, { token: m.access, body }), 403, 'member POST');
    assertProblem(await api('GET', HOOKS, { token: m.access }), 403, 'member GET');
    const { token } = await clientAccess(['organisations:read', 'organisations:write', 'changes:read']);
    assertProblem(await api('POST', HOOKS, { token, body }), 403, 'client without webhooks:manage POST');
    assertProblem(await api('GET', HOOKS, { token }), 403, 'client without webhooks:manage GET');
  });

  test('a webhook delivers the change feed: a client without changes:read may not create one (403), and nothing is made', async () => {
    const h = receiver.hook('ok');
    const { token } = await clientAccess(['webhooks:manage', 'organisations:read']);
    const r = await api('POST', HOOKS, { token, body: { url: h.url, types: ['organisation'] } });
    assertProblem(r, 403, 'client without changes:read POST');
    assert.match(r.json.detail, /changes:read/);
    const l = await api('GET', HOOKS, { token });
    assert.equal(l.status, 200, l.text);
    assert.deepEqual(l.json.items, [], 'a webhook was made anyway');
  });

  test('validation: url http(s) ≤ 500, types from the four, no other fields → 422 naming the field', async () => {
    const { token } = await clientAccess(['webhooks:manage', 'changes:read']);
    const post = (body) => api('POST', HOOKS, { token, body });
    const types = ['organisation'];
    for (const url of ['ftp://x', 'ftp://example.se/hook', 'javascript:alert(1)', 'http://', 'example.se/hook', `https://example.se/${'a'.repeat(500)}`, 42]) {
      assertFieldNamed(await post({ url, types }), '/url', `url ${String(url).slice(0, 30)}`);
    }
    assertFieldNamed(await post({ types }), '/url', 'url missing');
    assertFieldNamed(await post({ url: 'https://example.se/hook' }), '/types', 'types missing');
    assertFieldNamed(await post({ url: 'https://example.se/hook', types: ['person'] }), '/types', 'unknown type');
    assertFieldNamed(await post({ url: 'https://example.se/hook', types: ['organisation', 'changes'] }), '/types', 'one unknown type');
    assertFieldNamed(await post({ url: 'https://example.se/hook', types: 'organisation' }), '/types', 'types a string');
    assertFieldNamed(await post({ url: 'https://example.se/hook', types, secret: 'whsec_AAAA' }), '/secret', 'secret given');
    assertFieldNamed(await post({ url: 'https://example.se/hook', types, id: crypto.randomUUID() }), '/id', 'id given');
    const l = await api('GET', HOOKS, { token });
    assert.equal(l.status, 200, l.text);
    assert.deepEqual(l.json.items, [], 'a refused create stored a webhook');
  });

  test('a client sees and deletes only its own webhooks (another client\'s is 404); admin sees all', async () => {
    const a = await clientAccess(['webhooks:manage', 'changes:read']);
    const b = await clientAccess(['webhooks:manage', 'changes:read']);
    const wa = (await createHook(a.token, receiver.hook('ok').url)).json;
    const wb = (await createHook(b.token, receiver.hook('ok').url)).json;
    const ga = await api('GET', `${HOOKS}/${wa.id}`, { token: a.token });
    assert.equal(ga.status, 200, ga.text);
    assertProblem(await api('GET', `${HOOKS}/${wa.id}`, { token: b.token }), 404, "another client's webhook");
    assertProblem(await api('GET', `${HOOKS}/${wa.id}/deliveries`, { token: b.token }), 404, "another client's deliveries");
    assertProblem(await api('DELETE', `${HOOKS}/${wa.id}`, { token: b.token, headers: { 'if-match': ga.headers.etag } }), 404, "deleting another client's webhook");
    assert.equal((await api('GET', `${HOOKS}/${wa.id}`, { token: a.token })).status, 200, 'still there after the refused DELETE');
    const la = await api('GET', HOOKS, { token: a.token });
    const lb = await api('GET', HOOKS, { token: b.token });
    assert.deepEqual(la.json.items.map((x) => x.id), [wa.id]);
    assert.deepEqual(lb.json.items.map((x) => x.id), [wb.id]);
    const admin = await adminToken();
    const ids = (await collectPages(HOOKS, admin)).map((x) => x.id);
    assert.ok(ids.includes(wa.id) && ids.includes(wb.id), 'admin lists every client\'s webhooks');
    const g = await api('GET', `${HOOKS}/${wa.id}`, { token: admin });
    assert.equal(g.status, 200, g.text);
    assert.ok(!('secret' in g.json));
    assertProblem(await api('GET', `${HOOKS}/${crypto.randomUUID()}`, { token: a.token }), 404, 'unknown id');
    assertProblem(await api('GET', `${HOOKS}/not-a-uuid`, { token: a.token }), 404, 'not a UUID');
  });

  test('the list pages: limit and next_cursor walk two pages, oldest first; a bad or foreign cursor → 400', async () => {
    const c = await clientAccess(['webhooks:manage', 'changes:read']);
    const w1 = (await createHook(c.token, receiver.hook('ok').url)).json;
    const w2 = (await createHook(c.token, receiver.hook('ok').url)).json;
    const p1 = await api('GET', `${HOOKS}?limit=1`, { token: c.token });
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(p1.json.items.map((x) => x.id), [w1.id], 'the first page: the older one');
    assert.equal(typeof p1.json.next_cursor, 'string', 'a first page of one of two has a next_cursor');
    const p2 = await api('GET', `${HOOKS}?limit=1&cursor=${encodeURIComponent(p1.json.next_cursor)}`, { token: c.token });
    assert.equal(p2.status, 200, p2.text);
    assert.deepEqual(p2.json.items.map((x) => x.id), [w2.id], 'the second page');
    assert.equal(p2.json.next_cursor, null, 'the last page');
    const all = await api('GET', HOOKS, { token: c.token });
    assert.deepEqual(all.json.items.map((x) => x.id), [w1.id, w2.id]);
    assert.equal(all.json.next_cursor, null);
    for (const qs of ['limit=0', 'limit=101', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) assertProblem(await api('GET', `${HOOKS}?${qs}`, { token: c.token }), 400, qs);
    // a cursor of another list (the clients of the secretariat) is not one of this list
    const admin = await adminToken();
    await clientAccess(['changes:read']);
    const clients = await api('GET', '/api/v1/clients?limit=1', { token: admin });
    assert.equal(typeof clients.json.next_cursor, 'string', 'the clients list has a second page');
    assertProblem(await api('GET', `${HOOKS}?cursor=${encodeURIComponent(clients.json.next_cursor)}`, { token: c.token }), 400, "the clients list's cursor");
  });

  test('DELETE: 428 without If-Match, 412 stale, 204; then 404, pending retries stop and later events are not delivered', async () => {
    const h = receiver.hook('fail');
    const { token, hook } = await subscribe(h);
    const [ev] = await orgEvents(1);
    await waitUntil(() => h.of(ev.id).length >= 1, { what: `first attempt of ${ev.id}` });
    const g = await api('GET', `${HOOKS}/${hook.id}`, { token });
    assert.equal(g.status, 200, g.text);
    assertProblem(await api('DELETE', `${HOOKS}/${hook.id}`, { token }), 428, 'DELETE without If-Match');
    assertProblem(await api('DELETE', `${HOOKS}/${hook.id}`, { token, headers: { 'if-match': '"987654"' } }), 412, 'DELETE with a stale If-Match');
    const d = await api('DELETE', `${HOOKS}/${hook.id}`, { token, headers: { 'if-match': g.headers.etag } });
    assert.equal(d.status, 204, d.text);
    assert.equal(d.text, '');
    assertProblem(await api('GET', `${HOOKS}/${hook.id}`, { token }), 404, 'GET after DELETE');
    assertProblem(await api('GET', `${HOOKS}/${hook.id}/deliveries`, { token }), 404, 'deliveries after DELETE');
    assertProblem(await api('DELETE', `${HOOKS}/${hook.id}`, { token, headers: { 'if-match': g.headers.etag } }), 404, 'DELETE again');

    await sleep(500); // an attempt already on the wire may still land
    const before = h.requests.length;
    const [later] = await orgEvents(1);
    await sleep(2500); // retries come after 0.05, 0.3, 1.2 s (scaled): several would arrive now
    assert.equal(h.requests.length, before, `requests after DELETE: ${JSON.stringify(h.requests.slice(before).map((r) => [r.id, r.status]))}`);
    assert.equal(h.of(later.id).length, 0, 'an event after DELETE was delivered');
  });

  test('deleting the client stops its webhooks: pending deliveries fail at once, later events are not delivered', async () => {
    const admin = await adminToken();
    const h = receiver.hook('fail');
    const { client, hook } = await subscribe(h);
    const [ev] = await orgEvents(1);
    await waitUntil(() => h.of(ev.id).length >= 1, { what: `first attempt of ${ev.id}` });
    const pending = (await deliveries(admin, hook.id)).find((d) => d.event_id === ev.id);
    assert.equal(pending.status, 'pending', 'a failed attempt leaves the delivery pending (retried)');

    const g = await api('GET', `/api/v1/clients/${client.id}`, { token: admin });
    assert.equal(g.status, 200, g.text);
    const del = await api('DELETE', `/api/v1/clients/${client.id}`, { token: admin, headers: { 'if-match': g.headers.etag } });
    assert.equal(del.status, 204, del.text);
    const after = (await deliveries(admin, hook.id)).find((d) => d.event_id === ev.id);
    assert.equal(after.status, 'failed', 'the pending delivery did not fail when its client was deleted');

    await sleep(500); // an attempt already on the wire may still land
    const before = h.requests.length;
    const [later] = await orgEvents(1);
    await sleep(2500); // retries come after 0.05, 0.3, 1.2 s (scaled): several would arrive now
    assert.equal(h.requests.length, before, `requests after the client was deleted: ${JSON.stringify(h.requests.slice(before).map((r) => [r.id, r.status]))}`);
    assert.equal(h.of(later.id).length, 0, 'an event after the deletion was delivered');
    assert.ok(!(await deliveries(admin, hook.id)).some((d) => d.event_id === later.id), 'a delivery was queued for a deleted client');
  });

  test('an admin who stops being admin: their webhooks stop (pending deliveries fail, new events are not queued)', async () => {
    const admin = await adminToken();
    const m = await newSession();
    const promote = async (role) => {
      const u = await api('GET', `/api/v1/users/${m.user.id}`, { token: admin });
      assert.equal(u.status, 200, u.text);
      const p = await api('PATCH', `/api/v1/users/${m.user.id}`, { token: admin, body: { role }, headers: { 'if-match': u.headers.etag } });
      assert.equal(p.status, 200, p.text);
    };
    await promote('admin');
    const h = receiver.hook('fail');
    const r = await createHook(m.access, h.url, ['organisation']);
    const [ev] = await orgEvents(1);
    await waitUntil(() => h.of(ev.id).length >= 1, { what: `first attempt of ${ev.id}` });
    await promote('member');
    const d = (await deliveries(admin, r.json.id)).find((x) => x.event_id === ev.id);
    assert.equal(d.status, 'failed', 'the pending delivery did not fail when its owner stopped being admin');
    const [later] = await orgEvents(1);
    await sleep(1500);
    assert.ok(!(await deliveries(admin, r.json.id)).some((x) => x.event_id === later.id), 'a delivery was queued for an owner who may not read the feed');
    assert.equal(h.of(later.id).length, 0, 'an event after the demotion was delivered');
  });
});

// ------------------------------------------------------------------------------------------

describe('delivery', () => {
  test('signed as Standard Webhooks; 500 at first, then retried with the same webhook-id; body = the feed event; the log shows both attempts', async () => {
    const h = receiver.hook('fail-first');
    const { token, hook } = await subscribe(h, ['organisation']);
    const admin = await adminToken();
    const from = await changesHead(admin);
    // An event of a type the webhook does not take, before the one it takes.
    const dl = await api('POST', '/api/v1/dialogues', {
      token: admin,
      body: { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: isoFromNow(60 * 86400000), ends_at: isoFromNow(60 * 86400000 + 3600000) },
    });
    assert.equal(dl.status, 201, dl.text);
    const { id: orgId } = await createOrg(admin, { org_number: undefined });
    const items = await waitForChanges(admin, from, (its) => its.some((e) => e.entity_id === orgId) && its.some((e) => e.entity_id === dl.json.id));
    const ev = items.find((e) => e.entity_id === orgId && e.action === 'create');
    const dlgEv = items.find((e) => e.entity_id === dl.json.id);

    await waitUntil(() => h.ok(ev.id), { what: `delivery of ${ev.id} after a 500` });
    const attempts = h.of(ev.id);
    assert.equal(attempts.length, 2, `attempts at the receiver: ${JSON.stringify(attempts.map((a) => a.status))}`);
    assert.deepEqual(attempts.map((a) => a.status), [500, 204]);
    for (const a of attempts) {
      assert.equal(a.verified, true, `signature check failed: ${a.verifyError}`);
      assert.equal(a.method, 'POST');
      assert.match(a.contentType || '', /^application\/json\b/i);
      assert.equal(a.id, ev.id, 'webhook-id is the event id');
      assert.match(a.timestamp, /^\d{10}$/, 'webhook-timestamp in unix seconds');
      assert.ok(Math.abs(Number(a.timestamp) - a.at / 1000) < 60, `webhook-timestamp ${a.timestamp} is not now`);
      for (const sig of a.signature.split(' ')) assert.match(sig, /^v1,[A-Za-z0-9+/]+={0,2}$/, `signature ${sig}`);
      assert.deepEqual(JSON.parse(a.body), ev, 'the body is the event as the feed shows it');
      // The check can fail: another secret, or a changed body, is refused.
      const other = `whsec_${crypto.randomBytes(24).toString('base64')}`;
      assert.throws(() => new Webhook(other).verify(a.body, a.headers), /signature/i, 'another secret verified');
      assert.throws(() => new Webhook(h.secret).verify(a.body.replace(ev.id, crypto.randomUUID()), a.headers), /signature/i, 'a changed body verified');
    }
    assert.equal(attempts[0].body, attempts[1].body, 'the retry carries the same body');
    assert.ok(attempts[1].at - attempts[0].at >= 30, `the retry came ${attempts[1].at - attempts[0].at} ms after the first attempt (about 50 ms ±20 % expected)`);

    const d = await waitUntil(async () => (await deliveries(token, hook.id)).find((x) => x.event_id === ev.id && x.status === 'delivered'), {
      what: 'the delivery log shows delivered',
    });
    assert.match(d.id, UUID_RE);
    assert.equal(d.event_seq, ev.seq);
    assert.equal(d.type, 'organisation');
    assert.equal(d.attempts, 2);
    assert.equal(d.last_status_code, 204);
    assert.match(d.delivered_at, RFC3339_Z_RE);
    assert.match(d.created_at, RFC3339_Z_RE);
    const log = byAt(d.attempts_log);
    assert.deepEqual(log.map((x) => x.status_code), [500, 204], JSON.stringify(d.attempts_log));
    assert.equal(log[1].error, null);
    for (const x of log) {
      assert.match(x.at, RFC3339_Z_RE);
      assert.ok(Number.isInteger(x.duration_ms) && x.duration_ms >= 0, `duration_ms ${x.duration_ms}`);
    }

    // Only the subscribed type: the dialogue event reached neither the receiver nor the log.
    assert.equal(h.of(dlgEv.id).length, 0, 'a dialogue event was delivered to an organisation webhook');
    assert.ok(h.requests.every((r) => JSON.parse(r.body).type === 'organisation'), 'only organisation events');
    assert.ok(!(await deliveries(token, hook.id)).some((x) => x.event_id === dlgEv.id), 'a delivery for an unsubscribed type');
  });
  test("the deliveries list pages like every list: limit and next_cursor walk it newest first; a bad or another list's cursor → 400", async () => {
    const h = receiver.hook('ok');
    const { token, hook } = await subscribe(h, ['organisation']);
    const events = await orgEvents(3);
    await waitUntil(async () => (await deliveries(token, hook.id)).length >= 3, { what: 'three deliveries queued' });
    const walked = [];
    let cursor = null;
    for (let pages = 0; pages < 10; pages++) {
      const r = await api('GET', `${HOOKS}/${hook.id}/deliveries?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length <= 1, 'limit=1 gives at most one delivery');
      walked.push(...r.json.items);
      cursor = r.json.next_cursor;
      if (cursor === null) break;
    }
    assert.equal(cursor, null, 'the walk ends with next_cursor null');
    assert.equal(new Set(walked.map((d) => d.id)).size, walked.length, 'no delivery twice');
    for (const e of events) assert.ok(walked.some((d) => d.event_id === e.id), `the delivery of ${e.id} is on a page`);
    const all = await deliveries(token, hook.id);
    assert.deepEqual(walked.map((d) => d.id), all.map((d) => d.id), 'pages in the order of the whole list (newest first)');
    for (const qs of ['limit=0', 'limit=101', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) {
      assertProblem(await api('GET', `${HOOKS}/${hook.id}/deliveries?${qs}`, { token }), 400, qs);
    }
    await createHook(token, receiver.hook('ok').url);
    const hooks = await api('GET', `${HOOKS}?limit=1`, { token });
    assert.equal(typeof hooks.json.next_cursor, 'string', 'the webhooks list has a second page');
    assertProblem(await api('GET', `${HOOKS}/${hook.id}/deliveries?cursor=${encodeURIComponent(hooks.json.next_cursor)}`, { token }), 400, "the webhooks list's cursor");
  });
});


// ------------------------------------------------------------------------------------------

describe('the outbox: a restart and two processes', () => {
  let second = null;
  after(async () => {
    if (second && !second.exited()) await second.stop('SIGKILL');
  });

  test('deliveries queued while the receiver is unreachable are delivered after a second process starts', { timeout: 180000 }, async () => {
    const down = new Receiver();
    const port = await down.listen();
    const h = down.hook('ok');
    try {
      const { token, hook } = await subscribe(h);
      await down.close();
      const events = await orgEvents(3);
      // Attempts fail (connection refused) and are kept in the database.
      const pending = await waitUntil(
        async () => {
          const ds = (await deliveries(token, hook.id)).filter((x) => events.some((e) => e.id === x.event_id));
          return ds.length === 3 && ds.every((x) => x.attempts >= 1) ? ds : null;
        },
        { what: 'a failed first attempt of each of 3 deliveries' },
      );
      for (const x of pending) {
        assert.equal(x.status, 'pending', JSON.stringify(x));
        assert.equal(x.last_status_code, null, JSON.stringify(x));
        assert.equal(x.delivered_at, null);
        assert.match(x.next_attempt_at || '', RFC3339_Z_RE, 'a pending delivery has its next attempt');
        const first = byAt(x.attempts_log)[0];
        assert.equal(first.status_code, null);
        assert.equal(typeof first.error, 'string');
        assert.ok(first.error.length > 0, 'a refused connection is logged with an error');
      }
      assert.equal(h.requests.length, 0);

      await down.listen(port);
      second = await startSecondService();
      await waitUntil(() => events.every((e) => h.ok(e.id)), { timeoutMs: 120000, what: 'delivery of the queued events' });
      await sleep(1000);
      for (const e of events) {
        assert.equal(h.of(e.id).length, 1, `${e.id} delivered ${h.of(e.id).length} times`);
        const [a] = h.of(e.id);
        assert.equal(a.verified, true, a.verifyError);
        assert.deepEqual(JSON.parse(a.body), e);
      }
      const done = await waitUntil(
        async () => {
          const ds = (await deliveries(token, hook.id)).filter((x) => events.some((e) => e.id === x.event_id));
          return ds.every((x) => x.status === 'delivered') ? ds : null;
        },
        { what: 'the log shows the queued deliveries delivered' },
      );
      for (const x of done) {
        assert.ok(x.attempts >= 2, `attempts ${x.attempts}`);
        assert.equal(x.last_status_code, 204);
        assert.equal(byAt(x.attempts_log).at(-1).status_code, 204);
      }
    } finally {
      await down.close();
    }
  });

  test('two processes deliver each of 20 events exactly once', { timeout: 180000 }, async () => {
    second = second && !second.exited() ? second : await startSecondService();
    const h = receiver.hook('ok', { delayMs: 150 }); // slow: both processes' workers are busy at once
    const { token, hook } = await subscribe(h);
    const events = await orgEvents(20);
    assert.equal(events.length, 20);
    await waitUntil(() => events.every((e) => h.ok(e.id)), { timeoutMs: 90000, what: 'delivery of 20 events' });
    await sleep(2000); // a double delivery would arrive by now
    for (const e of events) {
      const got = h.of(e.id);
      assert.equal(got.length, 1, `${e.id} arrived ${got.length} times`);
      assert.equal(got[0].verified, true, got[0].verifyError);
      assert.deepEqual(JSON.parse(got[0].body), e);
    }
    const okIds = h.requests.filter((r) => r.status === 204).map((r) => r.id);
    assert.equal(new Set(okIds).size, okIds.length, 'some event was delivered twice');
    // a worker records the answer after the receiver has it: wait for the record, not a time
    const recorded = async () => {
      const r = await api('GET', `${HOOKS}/${hook.id}/deliveries?limit=100`, { token });
      assert.equal(r.status, 200, r.text);
      const mine = r.json.items.filter((x) => events.some((e) => e.id === x.event_id));
      return mine.length === 20 && mine.every((x) => x.status !== 'pending') ? mine : null;
    };
    const ds = await waitUntil(recorded, { timeoutMs: 60000, what: 'the 20 deliveries recorded' });
    assert.equal(ds.length, 20, 'one delivery per event');
    for (const x of ds) {
      assert.equal(x.status, 'delivered', JSON.stringify(x));
      assert.equal(x.attempts, 1, `attempts of ${x.event_id}: ${JSON.stringify(x.attempts_log)}`);
    }
    assert.equal(second.exited(), null, `the second process died: ${second.output()}`);
  });

  test('the second process exits 0 on SIGTERM', async () => {
    second = second && !second.exited() ? second : await startSecondService();
    const res = await second.stop('SIGTERM');
    assert.deepEqual(res, { code: 0, signal: null }, `exit after SIGTERM: ${JSON.stringify(res)}\n${second.output()}`);
    assert.equal((await api('GET', '/healthz')).status, 200, 'the first process still answers');
  });
});
