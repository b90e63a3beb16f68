// upgrade.test.mjs -- a rolling upgrade behind nginx (docs/operations.md, "Rolling upgrades"):
// two different builds on one database, the newer one migrating while requests flow.
//
// The builds (CMake -DIDEKOM_UPGRADE_TEST=ON, tests/deploy/upgrade.sh builds them):
//   IDEKOM_BIN                  this release: knows db/migrations;
//   IDEKOM_NEXT_ADDITIVE_BIN    "the next release": the same plus 9001 (additive);
//   IDEKOM_NEXT_BREAKING_BIN    the one after: plus 9002 (breaking).
// Environment: UPGRADE_DATABASE_URL (an empty database of its own: the test migrations must
// not reach the suite's), UPGRADE_PORTS "nginx,old,next,last" (free ports on 127.0.0.1),
// UPGRADE_NGINX_DIR (an empty folder nginx's workers can enter), and the service settings
// (JWT_KEYS, ...) as tests/run.sh exports them. Every process started here is stopped here.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
function need(name) {
  const v = process.env[name];
  assert.ok(v, `${name} is required (tests/deploy/upgrade.sh sets it)`);
  return v;
}
const OLD = need('IDEKOM_BIN');
const NEXT = need('IDEKOM_NEXT_ADDITIVE_BIN');
const LAST = need('IDEKOM_NEXT_BREAKING_BIN');
const DB = need('UPGRADE_DATABASE_URL');
const NGX = need('UPGRADE_NGINX_DIR');
const [P_NGINX, P_OLD, P_NEXT, P_LAST] = need('UPGRADE_PORTS').split(',').map(Number);
const LOGS = path.join(ROOT, '.run', 'deploy-upgrade');
fs.mkdirSync(LOGS, { recursive: true });

const running = [];

function run(bin, args) {
  const r = spawnSync(bin, args, { env: { ...process.env, DATABASE_URL: DB }, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function psql(sql) {
  const r = spawnSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', DB, '-c', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function start(name, bin, args, env = {}) {
  const log = fs.openSync(path.join(LOGS, `${name}.log`), 'w');
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const proc = { name, child, exited };
  running.push(proc);
  return proc;
}

async function stop(proc, signal = 'SIGTERM') {
  proc.child.kill(signal);
  const r = await proc.exited;
  running.splice(running.indexOf(proc), 1);
  return r;
}

function serve(name, bin, port) {
  return start(name, bin, ['serve'], {
    DATABASE_URL: DB, PORT: String(port), BIND_ADDRESS: '127.0.0.1', TRUSTED_PROXIES: '127.0.0.1,',
    RATE_LIMIT_READ: '1000000', RATE_LIMIT_WRITE: '1000000', RATE_LIMIT_AUTH: '1000000',
  });
}

function request(port, method, p, body) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      host: '127.0.0.1', port, method, path: p, agent: false,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(payload);
  });
}

async function ready(port) {
  const r = await request(port, 'GET', '/readyz');
  return { ...r, json: r.status === 200 ? JSON.parse(r.text) : JSON.parse(r.text || 'null') };
}

async function untilReady(port) {
  for (let i = 0; i < 200; i++) {
    if ((await request(port, 'GET', '/readyz')).status === 200) return;
    await sleep(50);
  }
  assert.fail(`the process on port ${port} did not become ready`);
}

/*
 * Traffic through nginx until stopped: reads, and writes (registrations), each checked for
 * the answer it must get; plus the old replica's own /readyz, which must stay 200.
 */
function traffic() {
  const failures = [];
  let sent = 0;
  let stopped = false;
  let n = 0;
  const worker = async () => {
    while (!stopped) {
      const i = n++;
      const checks = [
        [P_NGINX, 'GET', '/api/v1/organisations?limit=5', undefined, 200],
        [P_NGINX, 'GET', '/api/v1/vocabularies', undefined, 200],
        [P_NGINX, 'POST', '/api/v1/auth/register', { email: `rolling-${process.pid}-${i}@idekom.test`, password: 'rolling-upgrade-pw', name: 'Rolling Upgrade' }, 202],
        [P_OLD, 'GET', '/readyz', undefined, 200],
      ];
      const [port, method, p, body, want] = checks[i % checks.length];
      const r = await request(port, method, p, body);
      sent++;
      if (r.status !== want) failures.push(`${method} ${p} (port ${port}): ${r.status} ${r.text.slice(0, 200)}`);
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  return {
    get sent() { return sent; },
    failures,
    async until(count) { while (sent < count && !stopped) await sleep(10); },
    async stop() { stopped = true; await Promise.all(workers); },
  };
}

let old;
let nginx;

before(async () => {
  const m = run(OLD, ['migrate']);
  assert.equal(m.status, 0, `migrating the empty database with this release: ${m.out}`);
  assert.ok(Number(psql("SELECT count(*) FROM schema_migration WHERE kind = 'breaking'")) > 0,
    'db/migrations has breaking migrations, applied without --force: no replica was connected');
  old = serve('old', OLD, P_OLD);
  await untilReady(P_OLD);
  // nginx with both upstreams; the next release's is still closed (a refused connection
  // makes nginx try the other: proxy_next_upstream)
  fs.cpSync(path.join(ROOT, 'web'), path.join(NGX, 'web'), { recursive: true });
  const r = spawnSync('node', [path.join(ROOT, 'tests/deploy/render-nginx.mjs'), NGX, String(P_NGINX), path.join(NGX, 'web'),
    `127.0.0.1:${P_OLD}`, `127.0.0.1:${P_NEXT}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'nobody:nogroup', path.join(NGX, 'tmp')]);
  nginx = start('nginx', 'nginx', ['-p', NGX, '-c', path.join(NGX, 'nginx.conf')]);
  for (let i = 0; i < 100 && (await request(P_NGINX, 'GET', '/nginx-health')).status !== 200; i++) await sleep(50);
  assert.equal((await request(P_NGINX, 'GET', '/nginx-health')).status, 200, 'nginx runs');
});

after(async () => {
  for (const p of [...running].reverse()) await stop(p, p === nginx ? 'SIGQUIT' : 'SIGTERM');
});

test('the next release migrates (additive) and serves beside the old one: no request fails, the old replica stays ready', async () => {
  const before = await ready(P_OLD);
  assert.equal(before.status, 200);
  const load = traffic();
  await load.until(200);
  const m = run(NEXT, ['migrate']);
  assert.equal(m.status, 0, m.out);
  assert.match(m.out, /9001_upgrade_test_additive \(additive\)/);
  const afterMigrate = load.sent;
  await load.until(afterMigrate + 200);
  // the old replica, on a schema newer than it knows
  const oldReady = await ready(P_OLD);
  assert.equal(oldReady.status, 200, `old replica after an additive migration: ${oldReady.text}`);
  assert.equal(oldReady.json.schema_version, '9001');
  // the next release joins behind nginx
  const next = serve('next', NEXT, P_NEXT);
  await untilReady(P_NEXT);
  // Both replicas answer through nginx. Its access log (on stdout) names the upstreams tried,
  // the one that answered last ("a, b" when a refused). nginx tried the next release before it
  // listened and keeps it out for fail_timeout (5 s), so traffic goes on until it answers.
  const answeredBy = () => new Set(fs.readFileSync(path.join(LOGS, 'nginx.log'), 'utf8').split('\n')
    .filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).upstream.split(', ').at(-1)));
  const joined = load.sent;
  await load.until(joined + 200);
  for (let t = Date.now(); !answeredBy().has(`127.0.0.1:${P_NEXT}`) && Date.now() - t < 30000;) await sleep(100);
  await load.stop();
  assert.deepEqual(load.failures, [], `${load.failures.length} of ${load.sent} requests failed`);
  assert.equal(psql("SELECT kind FROM schema_migration WHERE version = '9001_upgrade_test_additive'"), 'additive');
  const upstreams = answeredBy();
  assert.ok(upstreams.has(`127.0.0.1:${P_OLD}`) && upstreams.has(`127.0.0.1:${P_NEXT}`), `upstreams that answered: ${[...upstreams]}`);
  // the old release's connections name the newest migration it knows
  assert.match(psql(`SELECT string_agg(DISTINCT application_name, ',') FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'idekom@%'`),
    /idekom@\d{4}_/);
  assert.ok(next);
});

test('a breaking migration is refused while older replicas are connected, and applied with --force', async () => {
  const refused = run(LAST, ['migrate']);
  assert.notEqual(refused.status, 0, `migrate must refuse: ${refused.out}`);
  assert.match(refused.out, /refusing 9002_upgrade_test_breaking: it is a breaking migration/);
  assert.match(refused.out, /idekom@9001_upgrade_test_additive from 127\.0\.0\.1/, 'names the next release');
  assert.match(refused.out, /idekom@\d{4}_[a-z_]+ from 127\.0\.0\.1/, 'names this release');
  assert.match(refused.out, /--force/);
  assert.equal(psql("SELECT count(*) FROM schema_migration WHERE version = '9002_upgrade_test_breaking'"), '0', 'nothing applied');
  assert.equal(psql("SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = 'upgrade_probe' AND column_name IN ('note', 'remark')"), 'note');
  assert.equal((await ready(P_OLD)).status, 200, 'the old replica is still ready after the refusal');
  assert.equal((await ready(P_NEXT)).status, 200);

  const forced = run(LAST, ['migrate', '--force']);
  assert.equal(forced.status, 0, forced.out);
  assert.equal(psql("SELECT kind FROM schema_migration WHERE version = '9002_upgrade_test_breaking'"), 'breaking');
  // replicas that do not know a breaking migration stop being ready (nginx's health checks
  // or the orchestrator take them out); the release that knows it is ready
  for (const port of [P_OLD, P_NEXT]) {
    const r = await ready(port);
    assert.equal(r.status, 503, `port ${port} after a breaking migration: ${r.text}`);
    assert.match(r.json.detail, /1 breaking migration\(s\) newer than/);
  }
  serve('last', LAST, P_LAST);
  await untilReady(P_LAST);
  assert.equal((await ready(P_LAST)).json.schema_version, '9002');
  // (without older replicas a breaking migration needs no --force: before() applied the
  // breaking ones of db/migrations to the empty database)
  for (const p of running.filter((x) => x.name === 'old' || x.name === 'next')) {
    assert.deepEqual(await stop(p), { code: 0, signal: null }, `${p.name} exits 0 on SIGTERM`);
  }
});
