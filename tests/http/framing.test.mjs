// Request framing (RFC 9112 §6.3), finding 12 of the security review: a request whose length
// could be read two ways (Content-Length with Transfer-Encoding, or two Content-Length
// headers) is answered 400 and the connection is closed, so that nothing after it can be
// read as a second request that a proxy in front never saw.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { rawRequest, describeRaw, assertProblem, assertServiceAlive } from './support.mjs';

const body = '{"email":"x@example.org","password":"p"}';
// what a smuggler hides in the body: a complete second request
const smuggled = 'GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n';

function head(lines) {
  return `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${lines.join('\r\n')}\r\n\r\n`;
}

async function expectRefusedAndClosed(data, what) {
  const r = await rawRequest(data, { validate: 'problem', expect: 2, timeoutMs: 5000 });
  assert.equal(r.timedOut, false, `${what}: the connection was kept open: ${describeRaw(r)}`);
  assert.equal(r.closed, true, `${what}: the connection must be closed: ${describeRaw(r)}`);
  assert.equal(r.responses.length, 1, `${what}: exactly one answer, nothing smuggled: ${describeRaw(r)}`);
  assertProblem(r.responses[0], 400, what);
  assert.equal((r.responses[0].headers.connection || '').toLowerCase(), 'close', `${what}: Connection: close`);
  await assertServiceAlive(what);
}

describe('ambiguous request framing', () => {
  test('Content-Length together with Transfer-Encoding: chunked is 400 and closes', async () => {
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    await expectRefusedAndClosed(head([`Content-Length: ${chunked.length}`, 'Transfer-Encoding: chunked']) + chunked + smuggled, 'CL + TE');
    await expectRefusedAndClosed(head(['Transfer-Encoding: chunked', `Content-Length: 4`]) + chunked + smuggled, 'TE + CL');
  });

  test('two Content-Length headers are 400 and close, equal or not', async () => {
    await expectRefusedAndClosed(head([`Content-Length: ${body.length}`, `Content-Length: ${body.length + smuggled.length}`]) + body + smuggled, 'two different');
    await expectRefusedAndClosed(head([`Content-Length: ${body.length}`, `Content-Length: ${body.length}`]) + body + smuggled, 'two equal');
  });

  test('the same on a route without a body and on /healthz', async () => {
    const get = (extra) => `GET /healthz HTTP/1.1\r\nHost: x\r\n${extra.join('\r\n')}\r\n\r\n`;
    await expectRefusedAndClosed(get(['Content-Length: 0', 'Content-Length: 47']) + smuggled, 'healthz, two CL');
    await expectRefusedAndClosed(get(['Content-Length: 5', 'Transfer-Encoding: chunked']) + '0\r\n\r\n' + smuggled, 'healthz, CL + TE');
  });
});
