// nginx.test.mjs -- Debian's nginx with deploy/nginx/idekom.conf in front of two
// `idekom serve` processes on one database (tests/deploy/run.sh starts them): the front end
// with its headers, gzip and caching; health; load spread over both processes; login rate
// limits, refresh tokens and client addresses behaving as one service; nginx's own answers.
//
// Environment (run.sh sets it):
//   DEPLOY_NGINX        http://127.0.0.1:PORT of nginx
//   DEPLOY_UPSTREAMS    the two processes, "127.0.0.1:P1,127.0.0.1:P2" (as nginx names them)
//   DEPLOY_STATIC_URL   one of them, which also serves web/ itself (STATIC_DIR), to compare
//   DEPLOY_NGINX_LOG    nginx's access log (its stdout: one JSON object a line)
//   DEPLOY_WEB_DIR      the web/ folder nginx serves
//   IDEKOM_ADMIN_EMAIL, IDEKOM_ADMIN_PASSWORD

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`tests/deploy: ${name} is not set (tests/deploy/run.sh sets it)`);
  return v;
}
const NGINX = new URL(need('DEPLOY_NGINX'));
const UPSTREAMS = need('DEPLOY_UPSTREAMS').split(',');
const STATIC = new URL(need('DEPLOY_STATIC_URL'));
const LOG = need('DEPLOY_NGINX_LOG');
const WEB = need('DEPLOY_WEB_DIR');
const ADMIN = { email: need('IDEKOM_ADMIN_EMAIL'), password: need('IDEKOM_ADMIN_PASSWORD') };

// ------------------------------------------------------------------------------------------
// helpers

/** One HTTP request; no decompression, no redirects. from: a local source address (127.x). */
function request(method, target, { headers = {}, body, from, base = NGINX } = {}) {
  const url = new URL(target, base);
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const h = { ...headers };
  if (data && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  if (data) h['content-length'] = String(data.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers: h, localAddress: from, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const enc = res.headers['content-encoding'];
          const decoded = enc === 'gzip' ? zlib.gunzipSync(raw) : raw;
          const text = decoded.toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, raw, body: decoded, text, json });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(20000, () => req.destroy(new Error(`${method} ${url}: timeout`)));
    if (data) req.write(data);
    req.end();
  });
}

const rid = (tag) => `deploy-${tag}-${crypto.randomBytes(6).toString('hex')}`;
const email = (tag) => `deploy-${tag}-${crypto.randomBytes(5).toString('hex')}@idekom.test`;
/** A loopback address of its own (all of 127/8 reaches nginx), so no test shares one. */
function localAddress() {
  const b = crypto.randomBytes(3);
  return `127.${1 + (b[0] % 250)}.${b[1]}.${1 + (b[2] % 250)}`;
}

/** The access-log line of a request, by its X-Request-Id (nginx writes it as it answers). */
async function logLine(requestId) {
  for (let i = 0; i < 50; i++) {
    const hit = fs.readFileSync(LOG, 'utf8').split('\n').filter((l) => l.includes(`"${requestId}"`));
    if (hit.length) return JSON.parse(hit.at(-1));
    await sleep(50);
  }
  throw new Error(`no access-log line for ${requestId} in ${LOG}`);
}

/** requests_total per process for one route and method, summed over statuses. */
async function countOn(upstream, route, method) {
  const r = await request('GET', '/metrics', { base: `http://${upstream}` });
  assert.equal(r.status, 200, `/metrics of ${upstream}`);
  let n = 0;
  for (const line of r.text.split('\n')) {
    const m = /^idekom_http_requests_total\{(.*)\}\s+(\d+)/.exec(line);
    if (m && m[1].includes(`route="${route}"`) && m[1].includes(`method="${method}"`)) n += Number(m[2]);
  }
  return n;
}

async function register(tag) {
  const creds = { email: email(tag), password: `pw-${crypto.randomBytes(9).toString('hex')}`, name: `Deploy ${tag}` };
  const r = await request('POST', '/api/v1/auth/register', { body: creds, from: localAddress() });
  assert.equal(r.status, 202, `register through nginx: ${r.text}`);
  return creds;
}

function login(creds, { from = localAddress(), headers = {}, base } = {}) {
  const requestId = rid('login');
  return request('POST', '/api/v1/auth/login', {
    body: { email: creds.email, password: creds.password },
    headers: { 'x-request-id': requestId, ...headers },
    from,
    base,
  }).then((r) => ({ ...r, requestId }));
}

function assertProblem(r, status, what) {
  assert.equal(r.status, status, `${what}: status ${r.status}: ${r.text}`);
  assert.match(r.headers['content-type'] || '', /^application\/problem\+json/, `${what}: content type`);
  assert.equal(r.json?.status, status, `${what}: problem status`);
  assert.equal(typeof r.json?.type, 'string', `${what}: problem type`);
}

// ------------------------------------------------------------------------------------------

describe('the front end through nginx', () => {
  test('/ is web/index.html with the security headers of `idekom serve` and no-cache', async () => {
    const r = await request('GET', '/');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html; charset=utf-8$/i);
    assert.equal(r.text, fs.readFileSync(path.join(WEB, 'index.html'), 'utf8'));
    assert.equal(r.headers['cache-control'], 'no-cache');
    // the same policy as the service sends with STATIC_DIR (the front end is tested that way)
    const own = await request('GET', '/', { base: STATIC });
    assert.equal(own.status, 200, 'the STATIC_DIR process serves /');
    for (const h of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy']) {
      assert.ok(r.headers[h], `nginx sends ${h}`);
      assert.equal(r.headers[h], own.headers[h], `${h}: nginx and idekom serve agree`);
    }
    assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.ok(r.headers['permissions-policy'], 'Permissions-Policy');
    assert.match(r.headers['strict-transport-security'] || '', /max-age=\d+/);
    assert.equal(r.headers.server, 'nginx', 'server_tokens off: no version');
    assert.ok(r.headers.etag && r.headers['last-modified'], 'ETag and Last-Modified for revalidation');
    const again = await request('GET', '/', { headers: { 'if-none-match': r.headers.etag } });
    assert.equal(again.status, 304, 'revalidation with If-None-Match');
  });

  test('a path the browser routes (no file) gets index.html; dotfiles and /metrics do not exist', async () => {
    const r = await request('GET', '/organisationer/1234/redigera');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.equal(r.text, fs.readFileSync(path.join(WEB, 'index.html'), 'utf8'));
    assert.equal(r.headers['content-security-policy'], (await request('GET', '/')).headers['content-security-policy']);
    assert.equal((await request('GET', '/.env')).status, 404);
    assert.equal((await request('GET', '/js/.secret.js')).status, 404);
    assert.equal((await request('GET', '/metrics')).status, 404, '/metrics stays inside the compose network');
    assert.equal((await request('GET', '/no-such-file.js')).status, 404, 'a missing asset is 404, not index.html');
  });

  test('assets: their type with charset, cached for an hour, nosniff', async () => {
    const assets = [];
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(css|js)$/.test(e.name)) assets.push(p);
      }
    };
    walk(WEB);
    assert.ok(assets.length > 0, 'web/ has .js or .css files');
    for (const file of assets.slice(0, 5)) {
      const rel = `/${path.relative(WEB, file).split(path.sep).join('/')}`;
      const r = await request('GET', rel);
      assert.equal(r.status, 200, rel);
      assert.equal(r.text, fs.readFileSync(file, 'utf8'), `${rel}: the file`);
      const want = rel.endsWith('.css') ? /^text\/css; charset=utf-8$/ : /^(application|text)\/javascript; charset=utf-8$/;
      assert.match(r.headers['content-type'], want, `${rel}: content type`);
      assert.equal(r.headers['cache-control'], 'public, max-age=3600', `${rel}: Cache-Control`);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', `${rel}: nosniff`);
      // the release's versioned address (tools/stamp-web.mjs) is the same file, kept for a year
      const v = await request('GET', `${rel}?v=0123456789ab`);
      assert.equal(v.text, r.text, `${rel}?v=: the file`);
      assert.equal(v.headers['cache-control'], 'public, max-age=31536000, immutable', `${rel}?v=: Cache-Control`);
    }
  });

  test('gzip for text when the client accepts it, with Vary', async () => {
    // the largest text file of web/ (gzip_min_length is 512 bytes)
    let best = null;
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(css|js|html)$/.test(e.name) && (!best || fs.statSync(p).size > fs.statSync(best).size)) best = p;
      }
    };
    walk(WEB);
    assert.ok(best && fs.statSync(best).size >= 512, 'web/ has a text file of 512 bytes or more');
    const rel = `/${path.relative(WEB, best).split(path.sep).join('/')}`;
    const z = await request('GET', rel, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(z.status, 200);
    assert.equal(z.headers['content-encoding'], 'gzip', `${rel} is compressed`);
    assert.match(z.headers.vary || '', /Accept-Encoding/i);
    assert.ok(z.raw.length < z.body.length, 'smaller on the wire');
    assert.equal(z.body.toString('utf8'), fs.readFileSync(best, 'utf8'), 'decompresses to the file');
    const plain = await request('GET', rel);
    assert.equal(plain.headers['content-encoding'], undefined, 'no gzip without Accept-Encoding');
    // the OpenAPI document (large, public, no ETag) is compressed too
    const doc = await request('GET', '/api/v1/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(doc.status, 200);
    assert.equal(doc.headers['content-encoding'], 'gzip', 'the OpenAPI document is compressed');
    assert.equal(JSON.parse(doc.text).openapi.slice(0, 3), '3.1');
    // the open-data index and its files: compressed, and never redirected by nginx
    const index = await request('GET', '/api/v1/open-data', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(index.status, 200, `/api/v1/open-data: ${index.status} ${index.headers.location || ''}`);
    for (const d of index.json.datasets || []) {
      for (const dist of d.distributions || []) {
        const p = new URL(dist.url, NGINX).pathname;
        const f = await request('GET', p, { headers: { 'accept-encoding': 'gzip' } });
        assert.equal(f.status, 200, `${p}: ${f.status}`);
      }
    }
  });

  test('API answers are not compressed: tokens stay out of gzip, ETags stay strong for If-Match', async () => {
    const creds = await register('gzip');
    const tok = await request('POST', '/api/v1/auth/login', {
      body: { email: creds.email, password: creds.password },
      headers: { 'accept-encoding': 'gzip' },
      from: localAddress(),
    });
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.headers['content-encoding'], undefined, 'token answers are not compressed (BREACH)');
    const admin = await login(ADMIN);
    assert.equal(admin.status, 200, `admin login: ${admin.text}`);
    const auth = { authorization: `Bearer ${admin.json.access_token}`, 'accept-encoding': 'gzip' };
    const vocab = await request('GET', '/api/v1/vocabularies');
    const kind = vocab.json.kinds[0].code;
    const made = await request('POST', '/api/v1/organisations', {
      body: { name: `Deploy gzip ${crypto.randomBytes(4).toString('hex')}`, kind, description: 'Förening. '.repeat(300).trim() },
      headers: auth,
    });
    assert.equal(made.status, 201, made.text);
    const url = new URL(made.headers.location, NGINX).pathname;
    const got = await request('GET', url, { headers: auth });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.headers['content-encoding'], undefined, 'a 3 KB resource is not compressed');
    assert.match(got.headers.etag || '', /^"\d+"$/, `a strong ETag (got ${got.headers.etag})`);
    const patched = await request('PATCH', url, {
      body: { description: 'changed through nginx' },
      headers: { ...auth, 'if-match': got.headers.etag },
    });
    assert.equal(patched.status, 200, `PATCH with If-Match through nginx: ${patched.text}`);
  });
});

describe('health and the request id through nginx', () => {
  test('/healthz and /readyz reach the API', async () => {
    const h = await request('GET', '/healthz');
    assert.equal(h.status, 200);
    assert.deepEqual(h.json, { status: 'ok' });
    const r = await request('GET', '/readyz');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.status, 'ready');
  });

  test("a safe X-Request-Id reaches the API and nginx's log; an unsafe one is replaced", async () => {
    const id = rid('trace');
    const r = await request('GET', '/api/v1/vocabularies', { headers: { 'x-request-id': id } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-request-id'], id, 'the service answered with our id');
    const line = await logLine(id);
    assert.equal(line.status, 200);
    assert.ok(UPSTREAMS.includes(line.upstream), `logged upstream ${line.upstream}`);
    const bad = await request('GET', '/api/v1/vocabularies', { headers: { 'x-request-id': 'evil id"with quotes' } });
    assert.equal(bad.status, 200);
    assert.match(bad.headers['x-request-id'], /^[A-Za-z0-9._-]{1,128}$/, 'replaced by a safe one');
  });
});

describe('two processes behave as one service', () => {
  test('requests are spread over both processes', async () => {
    const route = '/api/v1/vocabularies';
    const before = await Promise.all(UPSTREAMS.map((u) => countOn(u, route, 'GET')));
    const n = 40;
    for (let i = 0; i < n; i++) {
      const r = await request('GET', route);
      assert.equal(r.status, 200);
    }
    const after = await Promise.all(UPSTREAMS.map((u) => countOn(u, route, 'GET')));
    const served = after.map((a, i) => a - before[i]);
    assert.equal(served.reduce((a, b) => a + b, 0), n, `the processes counted ${served} requests, nginx sent ${n}`);
    for (const [i, s] of served.entries()) assert.ok(s >= n / 4, `${UPSTREAMS[i]} served ${s} of ${n}`);
  });

  test('5 wrong passwords through nginx, spread over both processes, lock the e-mail (429)', async () => {
    const creds = await register('lock');
    const seen = new Set();
    for (let i = 0; i < 5; i++) {
      const r = await login({ ...creds, password: 'definitely the wrong password' });
      assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
      seen.add((await logLine(r.requestId)).upstream);
    }
    assert.equal(seen.size, 2, `the failures reached both processes (${[...seen]})`);
    const locked = await login(creds);
    assertProblem(locked, 429, 'the right password after 5 failures');
    assert.match(locked.headers['retry-after'] || '', /^\d+$/, 'Retry-After');
    // and each process, asked directly, agrees
    for (const u of UPSTREAMS) {
      const direct = await login(creds, { base: `http://${u}`, from: '127.0.0.1', headers: { 'x-forwarded-for': localAddress() } });
      assertProblem(direct, 429, `directly at ${u}`);
    }
  });

  test('failures alternating between the processes count together', async () => {
    const creds = await register('alternate');
    for (let i = 0; i < 5; i++) {
      const u = UPSTREAMS[i % 2];
      const r = await login({ ...creds, password: 'wrong, wrong, wrong!' }, { base: `http://${u}`, from: '127.0.0.1', headers: { 'x-forwarded-for': localAddress() } });
      assert.equal(r.status, 401, `failure ${i + 1} at ${u}: ${r.text}`);
    }
    assertProblem(await login(creds), 429, 'through nginx after 5 alternating failures');
  });

  test('a refresh token issued by one process is spent by the other; reuse revokes the family everywhere', async () => {
    const creds = await register('refresh');
    const first = await login(creds);
    assert.equal(first.status, 200, first.text);
    let issuer = (await logLine(first.requestId)).upstream;
    let token = first.json.refresh_token;
    const spent = [];
    let crossed = false;
    for (let i = 0; i < 10 && !crossed; i++) {
      const id = rid('refresh');
      const r = await request('POST', '/api/v1/auth/refresh', { body: { refresh_token: token }, headers: { 'x-request-id': id } });
      assert.equal(r.status, 200, `refresh ${i + 1}: ${r.text}`);
      const by = (await logLine(id)).upstream;
      crossed = by !== issuer;
      spent.push({ token, by });
      token = r.json.refresh_token;
      issuer = by;
    }
    assert.ok(crossed, 'a refresh reached the process that had not issued the token');
    // the spent token, presented to the process that did not spend it: 401, and the family
    // (the current token too) is revoked for both processes
    const last = spent.at(-1);
    const other = UPSTREAMS.find((u) => u !== last.by);
    const reuse = await request('POST', '/api/v1/auth/refresh', { body: { refresh_token: last.token }, base: `http://${other}` });
    assertProblem(reuse, 401, 'a spent token at the other process');
    for (const u of UPSTREAMS) {
      const r = await request('POST', '/api/v1/auth/refresh', { body: { refresh_token: token }, base: `http://${u}` });
      assertProblem(r, 401, `the family's newest token at ${u} after the reuse`);
    }
  });

  test("login limits are keyed on the address nginx sees; a forged X-Forwarded-For does not help", async () => {
    const client = localAddress();
    // 20 failures from one address (each a new e-mail, each with a different forged header)
    for (let i = 0; i < 20; i++) {
      const r = await login({ email: email('addr'), password: 'not the password at all' }, { from: client, headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
      if (i === 0) assert.equal((await logLine(r.requestId)).client, client, 'nginx saw our address');
    }
    const creds = await register('addr-victim');
    const blocked = await login(creds, { from: client, headers: { 'x-forwarded-for': '198.51.100.7' } });
    assertProblem(blocked, 429, 'the 21st login from the address, with a forged X-Forwarded-For');
    const elsewhere = await login(creds, { from: localAddress() });
    assert.equal(elsewhere.status, 200, `the same account from another address: ${elsewhere.text}`);
  });
});

describe('a TLS terminator in front of nginx (set_real_ip_from)', () => {
  // render-nginx.mjs makes 127.0.0.254 the trusted terminator (172.30.0.1 in the shipped file)
  const TERMINATOR = '127.0.0.254';

  test("its X-Forwarded-For names the visitor in nginx's log and for the API's login limits", async () => {
    const visitor = `198.51.100.${1 + crypto.randomInt(250)}`;
    const other = `203.0.113.${1 + crypto.randomInt(250)}`;
    for (let i = 0; i < 20; i++) {
      const r = await login({ email: email('tls'), password: 'not the password at all' }, { from: TERMINATOR, headers: { 'x-forwarded-for': visitor } });
      assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
      if (i === 0) assert.equal((await logLine(r.requestId)).client, visitor, 'nginx logged the terminator, not the visitor');
    }
    const creds = await register('tls-victim');
    assertProblem(await login(creds, { from: TERMINATOR, headers: { 'x-forwarded-for': visitor } }), 429, 'the visitor after 20 failures');
    const fine = await login(creds, { from: TERMINATOR, headers: { 'x-forwarded-for': other } });
    assert.equal(fine.status, 200, `another visitor through the same terminator: ${fine.text}`);
  });
});

describe("nginx's own answers on API paths are problem documents", () => {
  test('a body over 1 MiB (MAX_BODY_BYTES): nginx answers 413 problem+json; 1 MiB goes on to the service', async () => {
    const id = rid('big');
    const huge = await request('POST', '/api/v1/auth/login', { body: Buffer.alloc(1024 * 1024 + 1, 0x20), headers: { 'x-request-id': id } });
    assertProblem(huge, 413, 'a body of 1 MiB + 1 byte');
    assert.equal(huge.json.request_id, id, 'the request id in the problem');
    assert.equal(huge.headers['x-request-id'], id);
    const fits = Buffer.concat([Buffer.from('{'), Buffer.alloc(1024 * 1024 - 2, 0x20), Buffer.from('}')]);
    const id2 = rid('fits');
    const r = await request('POST', '/api/v1/auth/login', { body: fits, headers: { 'x-request-id': id2 } });
    assert.ok([400, 422].includes(r.status), `a 1 MiB JSON body reaches the service and is judged there: ${r.status} ${r.text}`);
    assert.ok(UPSTREAMS.includes((await logLine(id2)).upstream), 'it went upstream');
  });

  test('a header line over 16 KiB: 400 problem+json from nginx; a 9 KB bearer token reaches the service', async () => {
    const long = await request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${'a'.repeat(17 * 1024)}` } });
    assertProblem(long, 400, 'a 17 KiB Authorization header');
    const id = rid('token');
    const nine = await request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${'a'.repeat(9000)}.b.c`, 'x-request-id': id } });
    assertProblem(nine, 401, 'a 9 KB token');
    assert.ok(UPSTREAMS.includes((await logLine(id)).upstream), 'it went upstream');
  });
});

// ------------------------------------------------------------------------------------------

describe('nginx limits /api/v1/auth/ per client address for all replicas together', () => {
  test('80 requests at once from one address: nginx refuses those beyond its burst with 429 problem+json', async () => {
    const from = localAddress();
    // a refresh with an unknown token: cheap for the service (401), so only nginx's limit shows
    const rs = await Promise.all(Array.from({ length: 80 }, () => request('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'not-a-token' }, from })));
    const refused = rs.filter((r) => r.status === 429);
    const passed = rs.filter((r) => r.status === 401);
    assert.equal(refused.length + passed.length, 80, `only 401 and 429: ${rs.map((r) => r.status).join(',')}`);
    // 1 + a burst of 30, plus at most 10 a second for however long the 80 took to arrive
    assert.ok(refused.length >= 20, `${refused.length} refused, ${passed.length} passed`);
    assertProblem(refused[0], 429, 'nginx\'s answer');
    assert.equal(refused[0].headers['retry-after'], '1');
    assert.match(refused[0].json.detail, /sign-in requests/);
    // another address is not affected, and neither is the rest of the API
    assertProblem(await request('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'not-a-token' }, from: localAddress() }), 401, 'another address');
    const h = await request('GET', '/api/v1/vocabularies', { from });
    assert.equal(h.status, 200, h.text);
  });
});
