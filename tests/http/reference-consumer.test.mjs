// The reference consumer deploy/examples/mirror.mjs (issue 5, "A reference consumer"), run as
// an integrating system would run it, against the service: with a client holding only
// changes:read it mirrors the organisation register exactly (every organisation the feed ever
// mentioned, each equal to GET /api/v1/organisations/{id} as admin); a second run continues
// from the saved cursor; a run that fails half-way leaves the last complete page on disk and
// the next run finishes the job; a 401 gets a new token once (a second one stops it); bad
// credentials and bad usage exit non-zero; --follow keeps polling until SIGTERM.
//
// The mirror is compared with the whole register, so this file assumes no other test file
// writes at the same time (tests/run.sh runs the files one at a time).

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import {
  api,
  env,
  REPO_ROOT,
  adminToken,
  makeClient,
  newSession,
  createOrg,
  verifyOrg,
  getOrgAsAdmin,
  patchOrg,
  readChanges,
  mapLimit,
  sleep,
} from './support.mjs';

const MIRROR = path.join(REPO_ROOT, 'deploy', 'examples', 'mirror.mjs');
const ORGS = '/api/v1/organisations';

const stateDirs = [];
function tmpState() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idekom-mirror-'));
  stateDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs mirror.mjs; resolves {code, signal, stdout, stderr}. */
function runMirror(args, { timeoutMs = 180000, env: extraEnv = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MIRROR, ...args], { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const creds = (c, dir, base = env.baseUrl) => ['--base', base, '--client-id', c.client_id, '--client-secret', c.client_secret, '--state', dir];
const readJson = (dir, name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const applied = (stdout) => {
  const m = /applied (\d+) events?/.exec(stdout);
  assert.ok(m, `mirror printed no summary: ${stdout}`);
  return Number(m[1]);
};

/** Every organisation the feed ever mentioned is in the mirror, and each equals GET as admin. */
async function assertMirrorExact(dir, what) {
  const mirror = readJson(dir, 'organisations.json');
  const feed = await readChanges(await adminToken(), 0, { types: 'organisation' });
  const mentioned = [...new Set(feed.items.map((e) => e.entity_id))].sort();
  assert.deepEqual(Object.keys(mirror).sort(), mentioned, `${what}: the mirror's ids vs every organisation the feed mentioned`);
  await mapLimit(mentioned, 16, async (id) => {
    assert.deepEqual(mirror[id], (await getOrgAsAdmin(id)).org, `${what}: organisation ${id}`);
  });
  assert.deepEqual(readJson(dir, 'cursor.json'), { after: feed.next_after }, `${what}: the cursor is the feed's last organisation event`);
  return { mirror, feed };
}

/**
 * The cheaper check for the runs after the first test: the mirror holds, for every
 * organisation the feed mentioned, the data of its latest event (the first test proves that
 * this equals GET).
 */
async function assertMirrorMatchesFeed(dir, what) {
  const mirror = readJson(dir, 'organisations.json');
  const feed = await readChanges(await adminToken(), 0, { types: 'organisation' });
  const latest = {};
  for (const e of feed.items) latest[e.entity_id] = e.data;
  assert.deepEqual(Object.keys(mirror).sort(), Object.keys(latest).sort(), `${what}: the mirror's ids vs every organisation the feed mentioned`);
  for (const [id, data] of Object.entries(latest)) assert.deepEqual(mirror[id], data, `${what}: organisation ${id}`);
  assert.deepEqual(readJson(dir, 'cursor.json'), { after: feed.next_after }, `${what}: the cursor`);
}

/**
 * A proxy in front of the service that lets `decide(req, n)` answer a request itself (n: how
 * many /api/v1/changes requests came before), and counts token and change-feed requests.
 */
async function startProxy(decide) {
  const counts = { token: 0, changes: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const isChanges = req.url.startsWith('/api/v1/changes');
      if (req.url.startsWith('/api/v1/auth/token')) counts.token++;
      const n = isChanges ? counts.changes++ : -1;
      const own = isChanges ? decide(req, n) : null;
      if (own) {
        res.writeHead(own.status, own.headers).end(own.body);
        return;
      }
      const headers = { ...req.headers, connection: 'close' };
      delete headers.host;
      delete headers['content-length'];
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const up = await fetch(env.baseUrl + req.url, { method: req.method, headers, body });
      const text = Buffer.from(await up.arrayBuffer());
      const out = {};
      for (const k of ['content-type', 'www-authenticate', 'retry-after']) if (up.headers.get(k)) out[k] = up.headers.get(k);
      res.writeHead(up.status, out).end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, counts, close: () => new Promise((r) => server.close(r)) };
}

const UNAUTHORIZED = {
  status: 401,
  headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="idekom", error="invalid_token"' },
  body: JSON.stringify({ type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'the token has expired' }),
};

/** Some organisations with every kind of organisation event (create, update, verify, reject). */
async function someChanges() {
  const m = await newSession();
  const a = await createOrg(m.access, { description: 'första' });
  const b = await createOrg(m.access, { areas: ['kultur'] });
  const c = await createOrg(m.access);
  assert.equal((await patchOrg(a.id, m.access, { description: 'andra', member_count: 12 })).status, 200);
  await verifyOrg(b.id);
  const rj = await api('POST', `${ORGS}/${c.id}/reject`, { token: await adminToken(), body: { reason: 'Dubblett' } });
  assert.equal(rj.status, 200, rj.text);
  return { member: m, ids: [a.id, b.id, c.id] };
}

// ------------------------------------------------------------------------------------------

describe('deploy/examples/mirror.mjs', () => {
  test('is a dependency-free script that documents its use', () => {
    const src = fs.readFileSync(MIRROR, 'utf8');
    const imports = [...src.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm), ...src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    assert.ok(imports.length > 0, 'no imports found (the check would be empty)');
    for (const i of imports) assert.match(i, /^node:/, `mirror.mjs imports ${i}: only node: built-ins`);
    for (const opt of ['--base', '--client-id', '--client-secret', '--state', '--follow']) assert.ok(src.includes(opt), `the usage does not mention ${opt}`);
    assert.ok(fs.existsSync(path.join(path.dirname(MIRROR), 'README.md')), 'deploy/examples/README.md');
  });

  test('mirrors the register exactly; a second run continues from the cursor; a third has nothing to do', { timeout: 600000 }, async () => {
    const { member, ids } = await someChanges();
    const client = await makeClient(['changes:read']);
    const dir = tmpState();
    const r1 = await runMirror(creds(client, dir));
    assert.equal(r1.code, 0, `first run: exit ${r1.code} ${r1.signal ?? ''}\n${r1.stderr}`);
    const { feed } = await assertMirrorExact(dir, 'after the first run');
    assert.equal(applied(r1.stdout), feed.items.length, 'the first run applies every organisation event once');
    const cursor1 = readJson(dir, 'cursor.json').after;

    // More changes: new organisations, a PATCH and a verification of older ones.
    const d = await createOrg(member.access, { districts: ['angered'] });
    const e = await createOrg(member.access);
    assert.equal((await patchOrg(ids[0], member.access, { description: 'tredje' })).status, 200);
    await verifyOrg(d.id);
    const r2 = await runMirror(creds(client, dir));
    assert.equal(r2.code, 0, `second run: exit ${r2.code}\n${r2.stderr}`);
    const newEvents = await readChanges(await adminToken(), cursor1, { types: 'organisation' });
    assert.ok(newEvents.items.length >= 4, `events after the first cursor: ${newEvents.items.length}`);
    assert.equal(applied(r2.stdout), newEvents.items.length, 'the second run starts from the saved cursor, not from the beginning');
    const { mirror } = await assertMirrorExact(dir, 'after the second run');
    assert.equal(mirror[ids[0]].description, 'tredje');
    assert.equal(mirror[d.id].status, 'verified');
    assert.ok(mirror[e.id], 'a new organisation is in the mirror');

    const before = fs.readFileSync(path.join(dir, 'organisations.json'), 'utf8');
    const r3 = await runMirror(creds(client, dir));
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(applied(r3.stdout), 0, 'nothing new: nothing applied');
    assert.equal(fs.readFileSync(path.join(dir, 'organisations.json'), 'utf8'), before, 'the mirror is unchanged');
  });

  test('a run that fails half-way keeps the last complete page; the next run finishes the job', { timeout: 600000 }, async () => {
    await someChanges();
    const client = await makeClient(['changes:read']);
    const dir = tmpState();
    const proxy = await startProxy((req, n) => (n === 2 ? { status: 500, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"/problems/internal","title":"Internal error","status":500,"detail":"boom"}' } : null));
    try {
      const r = await runMirror([...creds(client, dir, proxy.url), '--limit', '2']);
      assert.equal(r.code, 1, `a failed page must exit 1: ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /500/, 'the error names the status');
      assert.equal(proxy.counts.changes, 3);
    } finally {
      await proxy.close();
    }
    const firstFour = (await readChanges(await adminToken(), 0, { types: 'organisation', limit: 2 })).items.slice(0, 4);
    assert.equal(firstFour.length, 4, 'the feed has at least two pages of two');
    assert.deepEqual(readJson(dir, 'cursor.json'), { after: firstFour[3].seq }, 'the cursor after two complete pages');
    const partial = readJson(dir, 'organisations.json');
    assert.deepEqual(Object.keys(partial).sort(), [...new Set(firstFour.map((e) => e.entity_id))].sort(), 'the mirror after two pages');
    assert.ok(!fs.readdirSync(dir).some((f) => f.endsWith('.tmp')), 'a temporary file was left behind');

    const again = await runMirror(creds(client, dir));
    assert.equal(again.code, 0, again.stderr);
    await assertMirrorMatchesFeed(dir, 'after resuming');
  });

  test('a 401 gets a new token once and the run succeeds; a second 401 stops it (exit 1) without a loop', { timeout: 300000 }, async () => {
    const client = await makeClient(['changes:read']);
    const once = await startProxy((req, n) => (n === 0 ? UNAUTHORIZED : null));
    const dir = tmpState();
    try {
      const r = await runMirror(creds(client, dir, once.url));
      assert.equal(r.code, 0, `after one 401: exit ${r.code}\n${r.stderr}`);
      assert.equal(once.counts.token, 2, 'one token at the start and one after the 401');
    } finally {
      await once.close();
    }
    await assertMirrorMatchesFeed(dir, 'after a 401');

    const always = await startProxy(() => UNAUTHORIZED);
    const dir2 = tmpState();
    try {
      const r = await runMirror(creds(client, dir2, always.url), { timeoutMs: 60000 });
      assert.equal(r.code, 1, `401 twice: exit ${r.code} ${r.signal ?? ''}\n${r.stderr}`);
      assert.equal(always.counts.token, 2, 'exactly one new token after the first 401');
      assert.equal(always.counts.changes, 2, 'the request is tried twice, not more');
      assert.match(r.stderr, /401/);
    } finally {
      await always.close();
    }
    assert.ok(!fs.existsSync(path.join(dir2, 'cursor.json')), 'no cursor after a failed first page');
  });

  test('bad credentials exit 1 and write nothing; a missing option exits 2 with the usage; a client without changes:read fails', async () => {
    const client = await makeClient(['changes:read']);
    const dir = tmpState();
    const bad = await runMirror(creds({ client_id: client.client_id, client_secret: 'not-the-secret' }, dir));
    assert.equal(bad.code, 1, `bad secret: exit ${bad.code}\n${bad.stderr}`);
    assert.match(bad.stderr, /401/);
    assert.deepEqual(fs.readdirSync(dir), [], 'a failed run wrote state');

    const noState = await runMirror(['--base', env.baseUrl, '--client-id', client.client_id, '--client-secret', client.client_secret]);
    assert.equal(noState.code, 2, `no --state: exit ${noState.code}`);
    assert.match(noState.stderr, /usage/);

    const viaEnv = await runMirror(['--base', env.baseUrl, '--client-id', client.client_id, '--state', tmpState()], { env: { IDEKOM_CLIENT_SECRET: client.client_secret } });
    assert.equal(viaEnv.code, 0, `the secret from IDEKOM_CLIENT_SECRET: ${viaEnv.stderr}`);

    const noScope = await makeClient(['organisations:read']);
    const r = await runMirror(creds(noScope, tmpState()));
    assert.equal(r.code, 1, `a client without changes:read: exit ${r.code}`);
    assert.match(r.stderr, /403/);
  });

  test('--follow keeps the mirror current until SIGTERM, then exits 0', { timeout: 300000 }, async () => {
    const client = await makeClient(['changes:read']);
    const dir = tmpState();
    const child = spawn(process.execPath, [MIRROR, ...creds(client, dir), '--follow', '--interval', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      const deadline = Date.now() + 120000;
      while (!fs.existsSync(path.join(dir, 'cursor.json'))) {
        assert.ok(Date.now() < deadline, `no first sync: ${stderr}`);
        await sleep(100);
      }
      const m = await newSession();
      const { id } = await createOrg(m.access);
      const until = Date.now() + 20000;
      for (;;) {
        let mirror = {};
        try {
          mirror = readJson(dir, 'organisations.json');
        } catch {
          /* being renamed into place */
        }
        if (mirror[id]) break;
        assert.ok(Date.now() < until, `the new organisation did not reach the mirror within 20 s: ${stderr}`);
        await sleep(100);
      }
      child.kill('SIGTERM');
      const res = await exited;
      assert.deepEqual(res, { code: 0, signal: null }, `exit after SIGTERM: ${JSON.stringify(res)} ${stderr}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await assertMirrorMatchesFeed(dir, 'after following');
  });
});
