// Operations (section 6 of the contract, docs/decisions.md): /healthz, /readyz, /metrics and
// the served OpenAPI description.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';

import { api, env, adminToken, adminId, newSession, loadSpec, mediaType } from './support.mjs';

/** Parses Prometheus text format into [{name, labels, value}] plus the # TYPE map. */
function parseMetrics(text) {
  const samples = [];
  const types = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) {
      types[t[1]] = t[2];
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;
      let lm;
      let consumed = 0;
      while ((lm = re.exec(m[3])) !== null) {
        labels[lm[1]] = lm[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        consumed = re.lastIndex;
      }
      assert.equal(consumed, m[3].length, `bad labels in: ${line}`);
    }
    const v = m[4] === '+Inf' ? Infinity : Number(m[4]);
    assert.ok(!Number.isNaN(v) || m[4] === 'NaN', `bad value in: ${line}`);
    samples.push({ name: m[1], labels, value: v });
  }
  return { samples, types };
}

async function metrics() {
  const r = await api('GET', '/metrics');
  assert.equal(r.status, 200, r.text);
  return { res: r, ...parseMetrics(r.text) };
}

function find(samples, name, labels) {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function sum(samples) {
  return samples.reduce((a, s) => a + s.value, 0);
}

describe('health and readiness', () => {
  test('GET /healthz is 200 {"status":"ok"}', async () => {
    const r = await api('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(mediaType(r), 'application/json');
    assert.deepEqual(r.json, { status: 'ok' });
  });

  test('GET /readyz is 200 {"status":"ready","schema_version":"<n>"}', async () => {
    const r = await api('GET', '/readyz');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'ready');
    assert.equal(typeof r.json.schema_version, 'string');
    assert.match(r.json.schema_version, /^\S+$/);
  });
});

describe('metrics', () => {
  test('Prometheus text with requests counted by route template, method and status', async () => {
    const t = await adminToken();
    const id = await adminId();
    const before = await metrics();
    assert.equal(mediaType(before.res), 'text/plain');
    assert.match(before.res.headers['content-type'], /version=0\.0\.4/);
    const labels = { route: '/api/v1/users/{id}', method: 'GET', status: '200' };
    const n0 = sum(find(before.samples, 'idekom_http_requests_total', labels));
    for (let i = 0; i < 2; i++) assert.equal((await api('GET', `/api/v1/users/${id}`, { token: t })).status, 200);
    const s = await newSession();
    assert.equal((await api('GET', '/api/v1/me', { token: s.access })).status, 200);
    const after = await metrics();
    assert.match(after.res.text, /idekom_http_requests_total\{/);
    const n1 = sum(find(after.samples, 'idekom_http_requests_total', labels));
    assert.ok(n1 >= n0 + 2, `idekom_http_requests_total{route="/api/v1/users/{id}",method="GET",status="200"} went from ${n0} to ${n1}`);
    assert.ok(find(after.samples, 'idekom_http_requests_total', { route: '/api/v1/me', method: 'GET', status: '200' }).length >= 1, 'no series for route="/api/v1/me"');
    assert.equal(after.types.idekom_http_requests_total, 'counter');
    // Route labels are templates: never a concrete id.
    assert.ok(!after.res.text.includes(id), 'a user id appears in the metrics (labels must be route templates)');
  });

  test('an unknown path does not become a label', async () => {
    const junk = `nope-${crypto.randomBytes(6).toString('hex')}`;
    assert.equal((await api('GET', `/api/v1/${junk}`)).status, 404);
    const m = await metrics();
    assert.ok(!m.res.text.includes(junk), 'an unmatched path appears in the metrics');
  });

  test('a latency histogram by route with buckets, +Inf, _sum and _count', async () => {
    assert.equal((await api('GET', '/healthz')).status, 200);
    assert.equal((await api('GET', `/api/v1/users/${await adminId()}`, { token: await adminToken() })).status, 200);
    const m = await metrics();
    assert.match(m.res.text, /idekom_http_request_duration_seconds_bucket\{/);
    assert.equal(m.types.idekom_http_request_duration_seconds, 'histogram');
    const route = '/api/v1/users/{id}';
    const buckets = m.samples.filter((s) => s.name === 'idekom_http_request_duration_seconds_bucket' && s.labels.route === route);
    assert.ok(buckets.length >= 2, `no buckets for route ${route}`);
    const inf = buckets.filter((b) => b.labels.le === '+Inf');
    assert.ok(inf.length >= 1, 'no le="+Inf" bucket');
    const count = sum(m.samples.filter((s) => s.name === 'idekom_http_request_duration_seconds_count' && s.labels.route === route));
    assert.equal(sum(inf), count, '+Inf bucket must equal _count');
    assert.ok(count >= 1);
    assert.ok(m.samples.some((s) => s.name === 'idekom_http_request_duration_seconds_sum' && s.labels.route === route));
    // Buckets are cumulative.
    const byLabels = new Map();
    for (const b of buckets) {
      const { le, ...rest } = b.labels;
      const k = JSON.stringify(rest);
      if (!byLabels.has(k)) byLabels.set(k, []);
      byLabels.get(k).push([le === '+Inf' ? Infinity : Number(le), b.value]);
    }
    for (const list of byLabels.values()) {
      list.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < list.length; i++) assert.ok(list[i][1] >= list[i - 1][1], 'histogram buckets are not cumulative');
    }
  });

  test('process metrics: CPU seconds, resident memory and open file descriptors of the service', async () => {
    const m = await metrics();
    const one = (name, type) => {
      const found = m.samples.filter((s) => s.name === name);
      assert.equal(found.length, 1, `expected one ${name}`);
      assert.equal(m.types[name], type, `# TYPE of ${name}`);
      return found[0].value;
    };
    const cpu = one('process_cpu_seconds_total', 'counter');
    const rss = one('process_resident_memory_bytes', 'gauge');
    const fds = one('process_open_fds', 'gauge');
    const maxFds = one('process_max_fds', 'gauge');
    const started = one('process_start_time_seconds', 'gauge');
    assert.ok(cpu >= 0);
    assert.ok(fds >= 3 && fds <= maxFds, `open fds ${fds}, max ${maxFds}`);
    assert.ok(started > 1.6e9 && started <= Date.now() / 1000 + 1, `start time ${started}`);
    // the same process as the kernel reports it (the suite runs beside the service)
    const status = fs.readFileSync(`/proc/${env.servicePid}/status`, 'utf8');
    const vmRss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]) * 1024;
    assert.ok(rss > vmRss / 2 && rss < vmRss * 2, `resident memory ${rss}, kernel says ${vmRss}`);
    const later = await metrics();
    const cpuLater = later.samples.find((s) => s.name === 'process_cpu_seconds_total').value;
    assert.ok(cpuLater >= cpu, 'CPU seconds went down');
  });

  test('idekom_build_info names the version and commit', async () => {
    const m = await metrics();
    const info = m.samples.filter((s) => s.name === 'idekom_build_info');
    assert.equal(info.length, 1);
    assert.equal(info[0].value, 1);
    assert.match(info[0].labels.version, /^\d+\.\d+\.\d+$/);
    assert.match(info[0].labels.commit, /^[0-9A-Za-z._-]+$/);
    assert.equal(m.types.idekom_build_info, 'gauge');
  });

  test('database pool gauges', async () => {
    const m = await metrics();
    const size = m.samples.filter((s) => s.name === 'idekom_db_pool_size');
    assert.ok(size.length >= 1, 'no idekom_db_pool_size');
    assert.ok(sum(size) >= 1, 'idekom_db_pool_size < 1');
    const inUse = m.samples.filter((s) => s.name === 'idekom_db_pool_in_use');
    assert.ok(inUse.length >= 1, 'no idekom_db_pool_in_use');
    assert.ok(sum(inUse) >= 0 && sum(inUse) <= sum(size));
    assert.ok(m.samples.some((s) => s.name === 'idekom_db_pool_waits_total'), 'no idekom_db_pool_waits_total');
  });
});

describe('the served OpenAPI description', () => {
  test('GET /api/v1/openapi.json is OpenAPI 3.1 and the same contract as openapi/openapi.yaml', async () => {
    const r = await api('GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(mediaType(r), 'application/json');
    assert.equal(typeof r.json.openapi, 'string');
    assert.ok(r.json.openapi.startsWith('3.1'), `openapi: ${r.json.openapi}`);
    const { doc } = loadSpec();
    assert.deepEqual(Object.keys(r.json.paths || {}).sort(), Object.keys(doc.paths || {}).sort(), 'the served paths differ from openapi/openapi.yaml');
    assert.deepEqual(Object.keys(r.json.components?.schemas || {}).sort(), Object.keys(doc.components?.schemas || {}).sort(), 'the served schemas differ');
    assert.equal(r.json.info?.version, doc.info?.version);
  });
});
