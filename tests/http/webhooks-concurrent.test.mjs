// Webhooks that one slow receiver cannot hold up: the worker keeps several deliveries on the
// wire at once (WEBHOOK_MAX_IN_FLIGHT), at most WEBHOOK_MAX_PER_HOST to one receiver
// host:port. A "hanging" receiver accepts every request and never answers; a normal receiver
// checks each delivery with `standardwebhooks` and answers 204. The assertions are about
// order, not time: the normal receiver's delivery arrives while the hanging receiver's
// request is still open and unanswered (the worker waits up to WEBHOOK_TIMEOUT_MS, 5 s, for
// an answer; a worker that delivers in sequence would reach the normal receiver only after
// that request had timed out and closed). The measured delay is only logged. Deliveries to one
// receiver reuse its connection.
//
// The service runs with WEBHOOK_ALLOW_PRIVATE=1 (receivers on 127.0.0.1) and
// WEBHOOK_RETRY_SCALE=100, as for webhooks.test.mjs.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';

import { Webhook } from 'standardwebhooks';

import { api, adminToken, createOrg, clientAccess, changesHead, waitForChanges, startSecondService, sleep } from './support.mjs';

const HOOKS = '/api/v1/webhooks';
// the service's settings (tests/run.sh and tests/dev.sh export them to the tests as well)
const MAX_IN_FLIGHT = Number(process.env.WEBHOOK_MAX_IN_FLIGHT || 16);
const MAX_PER_HOST = Number(process.env.WEBHOOK_MAX_PER_HOST || 4);

/** Listens on 127.0.0.1; `onRequest(req, res, body)` decides what to do with each request. */
function listen(onRequest) {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => onRequest(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Accepts every request and never answers. Each request is recorded as {id, path, at, open}
 * (open until the client closes the connection); openNow counts the open ones, and
 * maxOpenBeforeAnyClose is the most that were open at once before the first one closed (after
 * that, a closing and a new connection may be seen in either order).
 */
class HangingReceiver {
  constructor() {
    this.requests = [];
    this.openNow = 0;
    this.anyClosed = false;
    this.maxOpenBeforeAnyClose = 0;
  }

  async start() {
    this.server = await listen((req, res, body) => {
      const rec = { id: req.headers['webhook-id'], path: req.url, at: Date.now(), open: true, answered: false, body };
      this.requests.push(rec);
      this.openNow++;
      if (!this.anyClosed) this.maxOpenBeforeAnyClose = Math.max(this.maxOpenBeforeAnyClose, this.openNow);
      res.on('close', () => {
        rec.open = false;
        this.openNow--;
        this.anyClosed = true;
      });
    });
    this.port = this.server.address().port;
  }

  url(tag = crypto.randomBytes(6).toString('hex')) {
    return `http://127.0.0.1:${this.port}/hang/${tag}`;
  }

  of(id) {
    return this.requests.filter((r) => r.id === id);
  }

  stop() {
    return closeServer(this.server);
  }
}

/** Verifies each request with the webhook's secret, answers 204, and calls onArrive first. */
class NormalReceiver {
  constructor(onArrive) {
    this.requests = [];
    this.secret = null;
    this.onArrive = onArrive;
  }

  async start() {
    this.server = await listen((req, res, body) => {
      const rec = { id: req.headers['webhook-id'], at: Date.now(), verified: false, seen: this.onArrive(), socket: req.socket };
      try {
        new Webhook(this.secret).verify(body, req.headers);
        rec.verified = true;
      } catch (e) {
        rec.error = e.message;
      }
      this.requests.push(rec);
      res.writeHead(rec.verified ? 204 : 400).end();
    });
    this.server.keepAliveTimeout = 60000; // an idle connection stays open for the next delivery
    this.port = this.server.address().port;
    this.url = `http://127.0.0.1:${this.port}/hook`;
  }

  of(id) {
    return this.requests.filter((r) => r.id === id);
  }

  stop() {
    return closeServer(this.server);
  }
}

async function waitUntil(cond, { timeoutMs = 30000, what = 'condition', every = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(every);
  }
}

const created = []; // {id, token}: deleted after the file, so that the hanging ones stop

async function createHook(token, url) {
  const r = await api('POST', HOOKS, { token, body: { url, types: ['organisation'] } });
  assert.equal(r.status, 201, `create webhook: ${r.status} ${r.text}`);
  created.push({ id: r.json.id, token });
  return r.json;
}

/** One organisation made by admin; returns its create event as the feed shows it. */
async function orgEvent() {
  const admin = await adminToken();
  const from = await changesHead(admin);
  const { id } = await createOrg(admin, { org_number: undefined });
  const items = await waitForChanges(admin, from, (its) => its.some((e) => e.entity_id === id && e.action === 'create'), {
    types: 'organisation',
  });
  return items.find((e) => e.entity_id === id && e.action === 'create');
}

after(async () => {
  for (const { id, token } of created) {
    const g = await api('GET', `${HOOKS}/${id}`, { token });
    if (g.status === 200) await api('DELETE', `${HOOKS}/${id}`, { token, headers: { 'if-match': g.headers.etag } });
  }
});

describe('connections are reused', () => {
  test('three deliveries one after the other to one receiver arrive over one connection', async () => {
    const normal = new NormalReceiver(() => null);
    await normal.start();
    try {
      const c = await clientAccess(['webhooks:manage', 'changes:read']);
      normal.secret = (await createHook(c.token, normal.url)).secret;
      const got = [];
      for (let i = 0; i < 3; i++) {
        const ev = await orgEvent();
        got.push(await waitUntil(() => normal.of(ev.id)[0], { what: `delivery ${i + 1}` }));
      }
      for (const g of got) assert.equal(g.verified, true, g.error);
      assert.equal(new Set(got.map((g) => g.socket)).size, 1, 'each delivery opened a new connection');
    } finally {
      await normal.stop();
    }
  });
});

describe('one slow receiver holds up no one else', () => {
  const hanging = new HangingReceiver();
  let normal;
  before(async () => {
    await hanging.start();
  });
  after(async () => {
    await hanging.stop();
    if (normal) await normal.stop();
  });

  test('a receiver that never answers: another webhook of the same events is delivered while its request is still open', async () => {
    const c = await clientAccess(['webhooks:manage', 'changes:read']);
    await createHook(c.token, hanging.url('slow'));
    const first = await orgEvent();
    const slowFirst = await waitUntil(() => hanging.of(first.id)[0], { what: `the hanging receiver gets ${first.id}` });

    // the normal receiver notes, as each delivery arrives, whether that request is still open
    normal = new NormalReceiver(() => ({ slowOpen: slowFirst.open, slowAnswered: slowFirst.answered }));
    await normal.start();
    normal.secret = (await createHook(c.token, normal.url)).secret;
    const second = await orgEvent();
    const got = await waitUntil(() => normal.of(second.id)[0], { what: `the normal receiver gets ${second.id}` });
    assert.equal(got.verified, true, `signature: ${got.error}`);
    assert.deepEqual(got.seen, { slowOpen: true, slowAnswered: false }, 'the delivery waited for the hanging request to end');
    assert.ok(hanging.of(second.id).length <= 1, 'the same event twice at the hanging receiver at once');
    console.error(`# normal receiver got ${second.id} ${got.at - Date.parse(second.occurred_at)} ms after the event; the hanging request had been open ${got.at - slowFirst.at} ms`);
  });
});

describe('many webhooks to one dead host do not starve another host', () => {
  const dead = new HangingReceiver();
  let normal;
  before(async () => {
    await dead.start();
  });
  after(async () => {
    await dead.stop();
    if (normal) await normal.stop();
  });

  test(`more webhooks to one hanging host than there are slots (${MAX_IN_FLIGHT}): at most ${MAX_PER_HOST} of its requests at once, and another host is delivered meanwhile`, async () => {
    const c = await clientAccess(['webhooks:manage', 'changes:read']);
    const many = MAX_IN_FLIGHT + 4;
    for (let i = 0; i < many; i++) await createHook(c.token, dead.url(`dead${i}`));
    const first = await orgEvent();
    // the worker fills the dead host's share; the rest of the event's deliveries stay due
    await waitUntil(() => dead.openNow >= Math.min(2, MAX_PER_HOST), { what: 'requests open at the dead host' });
    const openFirst = dead.of(first.id).filter((r) => r.open);

    normal = new NormalReceiver(() => ({ deadOpen: openFirst.filter((r) => r.open).length }));
    await normal.start();
    normal.secret = (await createHook(c.token, normal.url)).secret;
    const second = await orgEvent();
    const got = await waitUntil(() => normal.of(second.id)[0], { what: `the other host gets ${second.id}` });
    assert.equal(got.verified, true, `signature: ${got.error}`);
    assert.equal(got.seen.deadOpen, openFirst.length, 'the other host was delivered only after the dead host\'s requests had ended');
    assert.ok(dead.maxOpenBeforeAnyClose >= Math.min(2, MAX_PER_HOST), `one host got ${dead.maxOpenBeforeAnyClose} deliveries at once`);
    assert.ok(dead.maxOpenBeforeAnyClose <= MAX_PER_HOST, `the dead host had ${dead.maxOpenBeforeAnyClose} requests open at once (limit ${MAX_PER_HOST})`);
    console.error(`# other host got ${second.id} ${got.at - Date.parse(second.occurred_at)} ms after the event, with ${got.seen.deadOpen} requests open at the dead host`);
  });
});

describe('stopping with deliveries on the wire', () => {
  const dead = new HangingReceiver();
  let second = null;
  before(async () => {
    await dead.start();
  });
  after(async () => {
    if (second && !second.exited()) await second.stop('SIGKILL');
    await dead.stop();
  });

  test('a second process whose requests hang exits 0 on SIGTERM, and what it held is delivered again by the first', { timeout: 60000 }, async () => {
    // both processes claim some of the deliveries; what the second one has on the wire when
    // it stops is handed back (or retried after its attempt ended), never lost
    second = await startSecondService();
    const c = await clientAccess(['webhooks:manage', 'changes:read']);
    for (let i = 0; i < MAX_PER_HOST * 2; i++) await createHook(c.token, dead.url(`stop${i}`));
    const ev = await orgEvent();
    await waitUntil(() => dead.openNow >= MAX_PER_HOST + 1, { what: 'both processes have requests open at the dead host' });
    const started = Date.now();
    const res = await second.stop('SIGTERM');
    assert.deepEqual(res, { code: 0, signal: null }, `exit after SIGTERM: ${JSON.stringify(res)}\n${second.output()}`);
    const slow = second.output().split('\n').filter((l) => l.includes('stopping: ')).join('\n');
    console.error(`# the second process stopped ${Date.now() - started} ms after SIGTERM${slow ? `\n${slow}` : ''}`);
    // every one of the event's deliveries is still attempted: none was lost with the process
    await waitUntil(() => new Set(dead.of(ev.id).map((r) => r.path)).size === MAX_PER_HOST * 2, {
      what: 'every webhook of the event attempted',
    });
  });
});
