// A 413 that ordinary clients can read. When a body is over the limit the service answers
// 413 problem+json and then reads and throws away what the client is still sending (up to a
// bound), so the client is not reset mid-upload: Node's fetch -- like a browser upload --
// receives the problem instead of EPIPE or "other side closed". The same for a chunked body
// and for answers given before the body is read at all (401). conventions.test.mjs covers
// the exact limit on raw sockets.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  api,
  env,
  assertProblem,
  assertServiceAlive,
  rawRequest,
  requestBytes,
  uniqueEmail,
  psql,
  sqlLit,
} from './support.mjs';

const REGISTER = '/api/v1/auth/register';
const MIB = 1024 * 1024;

// A register body of n bytes whose password pads it out (valid JSON, so only the size is wrong).
function registerBodyOfSize(n, email) {
  const base = JSON.stringify({ name: 'Stor Kropp', email, password: '' });
  return base.replace('"password":""', `"password":"${'x'.repeat(n - base.length)}"`);
}

function assertNotStored(email) {
  assert.equal(psql(`SELECT count(*) FROM app_user WHERE email = ${sqlLit(email)}`).trim(), '0', `${email} was stored`);
}

// fetch with a streamed body: undici sends it with Transfer-Encoding: chunked
function chunkedStream(buf, chunk = 64 * 1024) {
  let off = 0;
  return new ReadableStream({
    pull(controller) {
      if (off >= buf.length) {
        controller.close();
        return;
      }
      controller.enqueue(buf.subarray(off, Math.min(buf.length, off + chunk)));
      off += chunk;
    },
  });
}

async function fetchProblem(init, what) {
  let r;
  try {
    r = await fetch(env.baseUrl + REGISTER, { method: 'POST', ...init });
  } catch (e) {
    assert.fail(`${what}: fetch got no answer (${e.message}${e.cause ? `: ${e.cause.code || e.cause.message}` : ''})`);
  }
  const text = await r.text();
  return { status: r.status, headers: Object.fromEntries(r.headers), text, json: JSON.parse(text) };
}

describe('413 answers that fetch can read', () => {
  test('fetch with a 2 MiB JSON body (Content-Length) receives the 413 problem', async () => {
    assert.ok(2 * MIB > env.maxBodyBytes, 'the test needs MAX_BODY_BYTES under 2 MiB');
    const email = uniqueEmail('fetch413');
    const r = await fetchProblem({ headers: { 'content-type': 'application/json' }, body: registerBodyOfSize(2 * MIB, email) }, '2 MiB body');
    assertProblem(r, 413, '2 MiB body');
    assert.match(r.json.detail, new RegExp(String(env.maxBodyBytes)), 'the detail names the limit');
    assertNotStored(email);
    await assertServiceAlive('after a 2 MiB body');
  });

  test('fetch with a 2 MiB chunked body receives the 413 problem', async () => {
    const email = uniqueEmail('chunk413');
    const buf = Buffer.from(registerBodyOfSize(2 * MIB, email));
    const r = await fetchProblem({ headers: { 'content-type': 'application/json' }, body: chunkedStream(buf), duplex: 'half' }, 'chunked 2 MiB body');
    assertProblem(r, 413, 'chunked 2 MiB body');
    assertNotStored(email);
    await assertServiceAlive('after a chunked 2 MiB body');
  });

  test('an answer given before the body is read (401, 415) reaches fetch too', async () => {
    const body = 'x'.repeat(2 * MIB);
    const u = await fetch(`${env.baseUrl}/api/v1/organisations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(u.status, 401, 'no token on a route for people signed in');
    await u.text();
    const m = await fetch(env.baseUrl + REGISTER, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    assert.equal(m.status, 415);
    await m.text();
    await assertServiceAlive('after early answers to large bodies');
  });

  test('Expect: 100-continue over the limit gets the 413 at once and never a 100 after it', async () => {
    // RFC 9110 §10.1.1: a client waiting for 100 Continue sends no body once a final answer
    // came, so there is nothing to discard, and an interim 100 after the 413 would be wrong
    const head = requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'content-length': String(2 * MIB), expect: '100-continue' } });
    const r = await rawRequest(head, { timeoutMs: 8000, expect: 2 });
    assertProblem(r, 413, 'Expect: 100-continue');
    assert.ok(!/HTTP\/1\.1 100/.test(r.raw), `an interim 100 was sent: ${r.raw.slice(0, 300)}`);
    assert.equal(r.responses.length, 1, 'one answer only');
    assert.ok(r.closed, 'the connection closes after the 413');
    await assertServiceAlive('after Expect: 100-continue over the limit');
  });

  test('after several refused uploads the service answers as before', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await fetchProblem({ headers: { 'content-type': 'application/json' }, body: registerBodyOfSize(3 * MIB, uniqueEmail('again')) }, `upload ${i}`);
      assert.equal(r.status, 413);
    }
    const ok = await api('POST', REGISTER, { body: { name: 'Liten Kropp', email: uniqueEmail('small'), password: 'ett-bra-losenord-1' } });
    assert.equal(ok.status, 202, ok.text);
  });
});
