// failover.test.mjs -- replicas going away behind nginx (a scale-down, a crash, an upgrade):
// run last, after nginx.test.mjs, because it stops the two `idekom serve` processes.
//
// Environment: DEPLOY_NGINX, DEPLOY_UPSTREAM_PIDS ("pid1,pid2", in DEPLOY_UPSTREAMS order).
// The processes must exit 0 on SIGTERM; run.sh checks their exit status afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const NGINX = new URL(process.env.DEPLOY_NGINX || '');
const PIDS = (process.env.DEPLOY_UPSTREAM_PIDS || '').split(',').map(Number);
assert.equal(PIDS.length, 2, 'DEPLOY_UPSTREAM_PIDS holds two pids');

function get(p) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: NGINX.hostname, port: NGINX.port, path: p, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stop(pid) {
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  assert.ok(!alive(pid), `process ${pid} ended within 10 s of SIGTERM`);
}

test('one process stopped: every request still succeeds (nginx uses the other)', async () => {
  await stop(PIDS[0]);
  for (let i = 0; i < 20; i++) {
    const r = await get('/api/v1/vocabularies');
    assert.equal(r.status, 200, `request ${i + 1} after one replica stopped: ${r.status} ${r.text}`);
  }
  const ready = await get('/readyz');
  assert.equal(ready.status, 200);
});

test('both stopped: nginx answers 503 problem+json with Retry-After, not an HTML 502', async () => {
  await stop(PIDS[1]);
  for (const p of ['/api/v1/vocabularies', '/readyz', '/healthz']) {
    const r = await get(p);
    assert.equal(r.status, 503, `${p}: ${r.status} ${r.text}`);
    assert.match(r.headers['content-type'] || '', /^application\/problem\+json/, `${p}: content type`);
    const body = JSON.parse(r.text);
    assert.equal(body.status, 503);
    assert.equal(body.type, '/problems/unavailable');
    assert.equal(body.title, 'Service unavailable');
    assert.equal(typeof body.request_id, 'string');
    assert.match(r.headers['retry-after'] || '', /^\d+$/, `${p}: Retry-After`);
  }
  // the front end still loads (it says so itself when the API is away)
  const page = await get('/');
  assert.equal(page.status, 200);
});
