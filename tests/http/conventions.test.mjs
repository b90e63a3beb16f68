// The API's conventions (openapi/openapi.yaml, info.description) and docs/decisions.md: routing,
// bodies, problem documents, request ids, caching, CORS, keep-alive, and hostile input that
// must never take the process down.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  rawRequest,
  requestBytes,
  describeRaw,
  assertServiceAlive,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  adminToken,
  adminId,
  newSession,
  registerUser,
  uniqueEmail,
  uniqueIp,
  uniqueName,
  tablesContaining,
  craftToken,
  b64url,
  jwtSign,
  env,
  sleep,
  UUID_RE,
} from './support.mjs';

const REGISTER = '/api/v1/auth/register';
const PW = 'correct horse battery';

function regBody(email = uniqueEmail('conv')) {
  return { email, password: PW, name: uniqueName() };
}

/** A valid register body (JSON text) of exactly n bytes, padded with insignificant whitespace. */
function registerJsonOfSize(n, email) {
  const head = `{"email":${JSON.stringify(email)},"password":${JSON.stringify(PW)},"name":"Storlek"`;
  const tail = '}';
  const pad = n - head.length - tail.length;
  assert.ok(pad >= 0);
  return head + ' '.repeat(pad) + tail;
}

function allowList(res) {
  return (res.headers.allow || '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
}

function headerList(v) {
  return (v || '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function assertNotStored(email, what) {
  const t = tablesContaining(email);
  assert.deepEqual(t, [], `${what}: ${email} must not have been stored, found in ${t.join(', ')}`);
}

// ------------------------------------------------------------------------------------------

describe('routing: unknown paths, methods and ids', () => {
  for (const p of ['/api/v1/nope', '/api/v1xyz', '/api/v1/usersx', '/api/v1/mex', '/api/v1/me/extra', '/nope', '/healthzx', '/api/v1', '/api/v1/']) {
    test(`GET ${p} is a 404 problem`, async () => {
      const r = await api('GET', p);
      assertProblem(r, 404, `GET ${p}`);
    });
  }

  test('POST /api/v1/auth/loginx (a prefix of a real route plus letters) is 404', async () => {
    const r = await api('POST', '/api/v1/auth/loginx', { body: { email: uniqueEmail(), password: PW } });
    assertProblem(r, 404);
  });

  test('a path below a resource that has no such sub-resource is 404', async () => {
    const r = await api('GET', `/api/v1/users/${await adminId()}/nothing`, { token: await adminToken() });
    assertProblem(r, 404);
  });

  test('PUT /api/v1/me is 405 with Allow naming GET and not PUT', async () => {
    const r = await api('PUT', '/api/v1/me', { token: await adminToken(), body: { name: 'x' } });
    assertProblem(r, 405);
    const allow = allowList(r);
    assert.ok(allow.includes('GET'), `Allow: ${r.headers.allow}`);
    assert.ok(!allow.includes('PUT'), `Allow: ${r.headers.allow}`);
  });

  test('GET /api/v1/auth/login is 405 with Allow: POST', async () => {
    const r = await api('GET', '/api/v1/auth/login');
    assertProblem(r, 405);
    assert.ok(allowList(r).includes('POST'), `Allow: ${r.headers.allow}`);
    assert.ok(!allowList(r).includes('GET'), `Allow: ${r.headers.allow}`);
  });

  test('DELETE /api/v1/users (the collection) is 405 with Allow naming GET', async () => {
    const r = await api('DELETE', '/api/v1/users', { token: await adminToken() });
    assertProblem(r, 405);
    assert.ok(allowList(r).includes('GET'), `Allow: ${r.headers.allow}`);
  });

  test('PUT /api/v1/users/{id} is 405 with Allow naming GET and PATCH', async () => {
    const r = await api('PUT', `/api/v1/users/${await adminId()}`, { token: await adminToken(), body: {} });
    assertProblem(r, 405);
    const allow = allowList(r);
    assert.ok(allow.includes('GET') && allow.includes('PATCH'), `Allow: ${r.headers.allow}`);
  });

  const notUuids = ['abc', '123', '00000000-0000-0000-0000-00000000000', '00000000-0000-0000-0000-0000000000000', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', "1'%20or%20'1'%3D'1"];
  for (const id of notUuids) {
    test(`GET /api/v1/users/${id} (not a UUID) is 404, never 400 or 500`, async () => {
      const r = await api('GET', `/api/v1/users/${id}`, { token: await adminToken() });
      assertProblem(r, 404);
    });
  }

  test('a well-formed UUID that does not exist is 404', async () => {
    const r = await api('GET', `/api/v1/users/${crypto.randomUUID()}`, { token: await adminToken() });
    assertProblem(r, 404);
  });

  test('PATCH and DELETE with a non-UUID id are 404', async () => {
    const t = await adminToken();
    const p = await api('PATCH', '/api/v1/users/not-a-uuid', { token: t, body: { disabled: false }, headers: { 'if-match': '"1"' } });
    assertProblem(p, 404);
    const d = await api('DELETE', '/api/v1/clients/not-a-uuid', { token: t, headers: { 'if-match': '"1"' } });
    assertProblem(d, 404);
    const g = await api('GET', '/api/v1/clients/123', { token: t });
    assertProblem(g, 404);
  });
});

// ------------------------------------------------------------------------------------------

describe('request bodies', () => {
  test('a JSON body sent as text/plain is 415 and nothing is created', async () => {
    const b = regBody();
    const r = await api('POST', REGISTER, { rawBody: JSON.stringify(b), headers: { 'content-type': 'text/plain' } });
    assertProblem(r, 415);
    assertNotStored(b.email, '415');
  });

  test('a body without Content-Type is 415', async () => {
    const r = await api('POST', REGISTER, { rawBody: Buffer.from(JSON.stringify(regBody())) });
    assert.equal(r.status, 415, r.text);
    assertProblem(r, 415);
  });

  for (const ct of ['application/x-www-form-urlencoded', 'application/jsonx', 'application/xml', 'multipart/form-data; boundary=x']) {
    test(`a register body as ${ct} is 415`, async () => {
      const r = await api('POST', REGISTER, { rawBody: JSON.stringify(regBody()), headers: { 'content-type': ct } });
      assertProblem(r, 415);
    });
  }

  test('PATCH with a text/plain body is 415', async () => {
    const u = await registerUser();
    const t = await adminToken();
    const g = await api('GET', `/api/v1/users/${u.id}`, { token: t });
    const r = await api('PATCH', `/api/v1/users/${u.id}`, { token: t, rawBody: '{"disabled":true}', headers: { 'content-type': 'text/plain', 'if-match': g.headers.etag } });
    assertProblem(r, 415);
  });

  test('application/json with a charset parameter is accepted', async () => {
    const b = regBody();
    const r = await api('POST', REGISTER, { rawBody: JSON.stringify(b), headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(r.status, 202, r.text);
  });

  test('a body of exactly MAX_BODY_BYTES is accepted (not 413)', async () => {
    const email = uniqueEmail('max');
    const text = registerJsonOfSize(env.maxBodyBytes, email);
    assert.equal(Buffer.byteLength(text), env.maxBodyBytes);
    const r = await api('POST', REGISTER, { rawBody: text, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 202, r.text.slice(0, 300));
  });

  test('a body one byte over MAX_BODY_BYTES with Content-Length is 413', async () => {
    const email = uniqueEmail('big');
    const text = registerJsonOfSize(env.maxBodyBytes + 1, email);
    // Headers first: a service that checks Content-Length answers at once, and the body is
    // then never sent (sending it into a closed connection could reset it and lose the 413).
    const head = requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), connection: 'close' } });
    const r = await rawRequest([{ data: head }, { data: text, delayMs: 500 }], { timeoutMs: 15000 });
    assert.equal(r.status, 413, describeRaw(r));
    assertProblem(r, 413);
    assertNotStored(email, '413');
    await assertServiceAlive('after a 413 with Content-Length');
  });

  test('a Content-Length of 10 GB is refused with 413 before any body is sent', async () => {
    const head = requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'content-length': '10737418240', connection: 'close' } });
    const r = await rawRequest(head, { timeoutMs: 8000 });
    assert.equal(r.status, 413, `the service must check Content-Length first: ${describeRaw(r)}`);
    assertProblem(r, 413);
    await assertServiceAlive('after a 10 GB Content-Length');
  });

  test('a chunked body over MAX_BODY_BYTES is 413', async () => {
    const email = uniqueEmail('chunk');
    // Exactly one byte over: the service has read it all when it answers, so nothing unread
    // is left to reset the connection and lose the answer.
    const text = registerJsonOfSize(env.maxBodyBytes + 1, email);
    const buf = Buffer.from(text);
    const pieces = [{ data: requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', connection: 'close' } }) }];
    for (let off = 0; off < buf.length; off += 32 * 1024) {
      const c = buf.subarray(off, Math.min(buf.length, off + 32 * 1024));
      pieces.push({ data: Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]) });
    }
    pieces.push({ data: '0\r\n\r\n', delayMs: 500 });
    const r = await rawRequest(pieces, { timeoutMs: 15000 });
    assert.equal(r.status, 413, describeRaw(r));
    assertProblem(r, 413);
    assertNotStored(email, 'chunked 413');
    await assertServiceAlive('after a chunked body over the limit');
  });

  test('a small chunked JSON body is read like any other', async () => {
    const b = regBody();
    const text = Buffer.from(JSON.stringify(b));
    const half = Math.floor(text.length / 2);
    const chunk = (c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]);
    const data = Buffer.concat([
      requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', connection: 'close' } }),
      chunk(text.subarray(0, half)),
      chunk(text.subarray(half)),
      Buffer.from('0\r\n\r\n'),
    ]);
    const r = await rawRequest(data);
    assert.equal(r.status, 202, describeRaw(r));
  });

  const malformed = {
    'truncated JSON': '{"email":',
    'trailing garbage': `${JSON.stringify(regBody())} x`,
    'an empty body': '',
    'single quotes': "{'email':'a@example.org'}",
    'a bare word': 'hello',
    'two documents': '{}{}',
  };
  for (const [what, text] of Object.entries(malformed)) {
    test(`${what} is 400`, async () => {
      const r = await api('POST', REGISTER, { rawBody: text, headers: { 'content-type': 'application/json' } });
      assertProblem(r, 400, what);
    });
  }

  test('invalid UTF-8 is 400 and nothing is created', async () => {
    const email = uniqueEmail('utf');
    const bytes = Buffer.concat([
      Buffer.from(`{"email":${JSON.stringify(email)},"password":${JSON.stringify(PW)},"name":"Bad `),
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
      Buffer.from('"}'),
    ]);
    const r = await api('POST', REGISTER, { rawBody: bytes, headers: { 'content-type': 'application/json' } });
    assertProblem(r, 400);
    assertNotStored(email, 'invalid UTF-8');
  });

  test('an overlong UTF-8 encoding is 400', async () => {
    const bytes = Buffer.concat([Buffer.from(`{"email":"${uniqueEmail('ovl')}","password":"${PW}","name":"`), Buffer.from([0xc1, 0x81]), Buffer.from('"}')]);
    const r = await api('POST', REGISTER, { rawBody: bytes, headers: { 'content-type': 'application/json' } });
    assertProblem(r, 400);
  });

  test('duplicate keys are 400 and nothing is created', async () => {
    const a = uniqueEmail('dupa');
    const b = uniqueEmail('dupb');
    const text = `{"email":${JSON.stringify(a)},"password":${JSON.stringify(PW)},"name":"Dubbel","email":${JSON.stringify(b)}}`;
    const r = await api('POST', REGISTER, { rawBody: text, headers: { 'content-type': 'application/json' } });
    assertProblem(r, 400);
    assertNotStored(a, 'duplicate keys');
    assertNotStored(b, 'duplicate keys');
  });

  for (const text of ['[]', '"text"', '42', 'null', 'true', `[${JSON.stringify(regBody())}]`]) {
    test(`a top-level ${text.slice(0, 12)} where an object is expected is 400`, async () => {
      const r = await api('POST', REGISTER, { rawBody: text, headers: { 'content-type': 'application/json' } });
      assertProblem(r, 400);
    });
  }

  test('an unknown field is 422 naming /foo, and nothing is created', async () => {
    const b = { ...regBody(), foo: 1 };
    const r = await api('POST', REGISTER, { body: b });
    const p = assertValidation(r, ['/foo']);
    assert.ok(!p.errors.some((e) => ['/email', '/password', '/name'].includes(e.field)), `valid fields named: ${r.text}`);
    assertNotStored(b.email, '422');
  });

  test('several unknown fields are all named', async () => {
    const r = await api('POST', REGISTER, { body: { ...regBody(), foo: 1, bar: 'x' } });
    assertValidation(r, ['/foo', '/bar']);
  });

  test('read-only fields (role, id, disabled, created_at) are 422 naming each: no mass assignment', async () => {
    const b = { ...regBody(), role: 'admin', id: crypto.randomUUID(), disabled: false, created_at: '2020-01-01T00:00:00Z' };
    const r = await api('POST', REGISTER, { body: b });
    assertValidation(r, ['/role', '/id', '/disabled', '/created_at']);
    assertNotStored(b.email, 'mass assignment');
  });

  test('an unknown field name with "/" and "~" is named as an escaped JSON Pointer', async () => {
    const r = await api('POST', REGISTER, { body: { ...regBody(), 'a/b': 1, 'c~d': 2 } });
    assertValidation(r, ['/a~1b', '/c~0d']);
  });
});

// ------------------------------------------------------------------------------------------

describe('request ids', () => {
  test('a valid X-Request-Id is echoed, on success and on a problem (as request_id too)', async () => {
    const id = `test-${crypto.randomBytes(6).toString('hex')}.A_b`;
    const ok = await api('GET', '/healthz', { headers: { 'x-request-id': id } });
    assert.equal(ok.headers['x-request-id'], id);
    const nf = await api('GET', '/api/v1/nope', { headers: { 'x-request-id': id } });
    assert.equal(nf.headers['x-request-id'], id);
    assert.equal(assertProblem(nf, 404).request_id, id);
  });

  test('a 128-character X-Request-Id is echoed; 129 characters get a generated UUID', async () => {
    const id128 = 'a'.repeat(120) + crypto.randomBytes(4).toString('hex');
    const r1 = await api('GET', '/healthz', { headers: { 'x-request-id': id128 } });
    assert.equal(r1.headers['x-request-id'], id128);
    const id129 = `${id128}b`;
    const r2 = await api('GET', '/healthz', { headers: { 'x-request-id': id129 } });
    assert.match(r2.headers['x-request-id'] || '', UUID_RE);
  });

  test('an absent X-Request-Id gets a fresh UUID per request', async () => {
    const a = await api('GET', '/healthz');
    const b = await api('GET', '/healthz');
    assert.match(a.headers['x-request-id'] || '', UUID_RE);
    assert.match(b.headers['x-request-id'] || '', UUID_RE);
    assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  });

  for (const bad of ['has space', 'x<script>', 'semi;colon', 'quote"', 'what?', '']) {
    test(`an invalid X-Request-Id ${JSON.stringify(bad)} is replaced by a UUID`, async () => {
      const r = await api('GET', '/api/v1/nope', { headers: { 'x-request-id': bad } });
      assert.match(r.headers['x-request-id'] || '', UUID_RE, `got ${r.headers['x-request-id']}`);
      assert.equal(assertProblem(r, 404).request_id, r.headers['x-request-id']);
    });
  }

  test('every kind of answer carries X-Request-Id (401, 405, 415, 422, 200)', async () => {
    const rs = [
      await api('GET', '/api/v1/me'),
      await api('PUT', '/api/v1/me'),
      await api('POST', REGISTER, { rawBody: '{}', headers: { 'content-type': 'text/plain' } }),
      await api('POST', REGISTER, { body: { foo: 1 } }),
      await api('GET', '/readyz'),
    ];
    for (const r of rs) assert.match(r.headers['x-request-id'] || '', UUID_RE, `status ${r.status} without X-Request-Id`);
  });
});

// ------------------------------------------------------------------------------------------

describe('caching', () => {
  test('an authenticated 200 carries Cache-Control: no-store', async () => {
    const s = await newSession();
    const r = await api('GET', '/api/v1/me', { token: s.access });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['cache-control'] || '', /no-store/);
  });

  test('an authenticated 403 and 404 carry Cache-Control: no-store', async () => {
    const s = await newSession();
    const f = await api('GET', '/api/v1/users', { token: s.access });
    assertProblem(f, 403);
    assert.match(f.headers['cache-control'] || '', /no-store/);
    const n = await api('GET', `/api/v1/users/${crypto.randomUUID()}`, { token: await adminToken() });
    assertProblem(n, 404);
    assert.match(n.headers['cache-control'] || '', /no-store/);
  });
});

// ------------------------------------------------------------------------------------------

describe('CORS', () => {
  const origin = env.corsOrigin;
  const refused = 'https://not-allowed.example';

  test('a preflight from an allowed origin is 204 with the allow headers', async () => {
    const r = await api('OPTIONS', '/api/v1/me', {
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assert.equal(r.headers['access-control-allow-origin'], origin);
    assert.ok(headerList(r.headers.vary).includes('origin'), `Vary: ${r.headers.vary}`);
    const methods = headerList(r.headers['access-control-allow-methods']);
    assert.ok(methods.includes('get'), `Allow-Methods: ${r.headers['access-control-allow-methods']}`);
    assert.ok(!methods.includes('*'), 'Allow-Methods must not be *');
    const allowH = headerList(r.headers['access-control-allow-headers']);
    for (const h of ['authorization', 'content-type', 'if-match', 'x-request-id']) assert.ok(allowH.includes(h), `Allow-Headers lacks ${h}: ${r.headers['access-control-allow-headers']}`);
    assert.equal(r.headers['access-control-max-age'], '600');
  });

  test('a preflight lists the methods of that path', async () => {
    const r = await api('OPTIONS', `/api/v1/users/${crypto.randomUUID()}`, { headers: { origin, 'access-control-request-method': 'PATCH' } });
    assert.equal(r.status, 204, r.text);
    const methods = headerList(r.headers['access-control-allow-methods']);
    assert.ok(methods.includes('get') && methods.includes('patch'), `Allow-Methods: ${r.headers['access-control-allow-methods']}`);
    assert.ok(!methods.includes('put') && !methods.includes('post'), `Allow-Methods: ${r.headers['access-control-allow-methods']}`);
  });

  test('a preflight from a refused origin is 204 without any allow header', async () => {
    const r = await api('OPTIONS', '/api/v1/me', { headers: { origin: refused, 'access-control-request-method': 'GET' } });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal(r.headers['access-control-allow-methods'], undefined);
    assert.equal(r.headers['access-control-allow-headers'], undefined);
  });

  test('an actual request from an allowed origin gets the origin, Vary and the exposed headers', async () => {
    const r = await api('GET', '/healthz', { headers: { origin } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], origin);
    assert.ok(headerList(r.headers.vary).includes('origin'), `Vary: ${r.headers.vary}`);
    const exposed = headerList(r.headers['access-control-expose-headers']);
    for (const h of ['etag', 'location', 'x-request-id', 'retry-after']) assert.ok(exposed.includes(h), `Expose-Headers lacks ${h}: ${r.headers['access-control-expose-headers']}`);
  });

  test('an error answer to an allowed origin also carries Access-Control-Allow-Origin', async () => {
    const r = await api('GET', '/api/v1/me', { headers: { origin } });
    assertUnauthorized(r);
    assert.equal(r.headers['access-control-allow-origin'], origin);
  });

  test('an actual request from a refused origin gets no Access-Control-Allow-Origin, never *', async () => {
    const r = await api('GET', '/healthz', { headers: { origin: refused } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });
});

// ------------------------------------------------------------------------------------------

describe('problem documents', () => {
  test('each error is RFC 9457 problem+json with type, title, status = HTTP status, detail', async () => {
    const t = await adminToken();
    const cases = [
      [400, await api('POST', REGISTER, { rawBody: '{', headers: { 'content-type': 'application/json' } })],
      [401, await api('GET', '/api/v1/me')],
      [404, await api('GET', '/api/v1/nothing-here')],
      [405, await api('PUT', '/api/v1/me', { token: t })], // DELETE /me erases the account (issue 14)
      [415, await api('POST', REGISTER, { rawBody: '{}', headers: { 'content-type': 'text/plain' } })],
      [422, await api('POST', REGISTER, { body: { email: 'not-an-address', password: PW, name: 'X' } })],
    ];
    for (const [status, r] of cases) {
      const p = assertProblem(r, status);
      assert.ok(!/SELECT|INSERT|UPDATE|ERROR:|\.c:\d+|jansson|libpq/i.test(p.detail), `detail leaks internals: ${p.detail}`);
    }
  });
});

// ------------------------------------------------------------------------------------------

describe('keep-alive', () => {
  test('two requests on one connection are both answered', async () => {
    const one = requestBytes('GET', '/healthz', { headers: { 'x-request-id': 'ka-1' } });
    const two = requestBytes('GET', '/readyz', { headers: { 'x-request-id': 'ka-2', connection: 'close' } });
    const r = await rawRequest([{ data: one }, { data: two, waitResponses: 1 }], { expect: 2, timeoutMs: 5000 });
    assert.equal(r.responses.length, 2, describeRaw(r));
    assert.equal(r.responses[0].status, 200);
    assert.equal(r.responses[0].headers['x-request-id'], 'ka-1');
    assert.notEqual((r.responses[0].headers.connection || '').toLowerCase(), 'close');
    assert.equal(r.responses[1].headers['x-request-id'], 'ka-2');
  });
});

// ------------------------------------------------------------------------------------------

describe('hostile input never takes the process down', () => {
  const nestedArray = (n) => '['.repeat(n) + ']'.repeat(n);
  const nestedObject = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  for (const depth of [1000, 5000]) {
    test(`a body of arrays nested ${depth} levels is 400`, async () => {
      const r = await api('POST', REGISTER, { rawBody: nestedArray(depth), headers: { 'content-type': 'application/json' } });
      assertProblem(r, 400);
      await assertServiceAlive(`after arrays nested ${depth} deep`);
    });
  }

  test('a body of objects nested 5000 levels is 400', async () => {
    const r = await api('POST', REGISTER, { rawBody: nestedObject(5000), headers: { 'content-type': 'application/json' } });
    assertProblem(r, 400);
    await assertServiceAlive('after objects nested 5000 deep');
  });

  test('a body of objects nested 1000 levels is refused (400, or 422 for the unknown field) without a crash', async () => {
    const r = await api('POST', REGISTER, { rawBody: nestedObject(1000), headers: { 'content-type': 'application/json' } });
    assert.ok(r.status === 400 || r.status === 422, `${r.status} ${r.text.slice(0, 200)}`);
    assertProblem(r, r.status);
    await assertServiceAlive('after objects nested 1000 deep');
  });

  test('deep nesting inside an otherwise valid login body is refused without a crash', async () => {
    const text = `{"email":${JSON.stringify(uniqueEmail())},"password":${nestedArray(3000)}}`;
    const r = await api('POST', '/api/v1/auth/login', { rawBody: text, headers: { 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() } });
    assertProblem(r, 400);
    await assertServiceAlive('after a deep login body');
  });

  test('deep nesting in an admin PATCH body is 400', async () => {
    const u = await registerUser();
    const t = await adminToken();
    const g = await api('GET', `/api/v1/users/${u.id}`, { token: t });
    const r = await api('PATCH', `/api/v1/users/${u.id}`, { token: t, rawBody: `{"disabled":${nestedArray(4000)}}`, headers: { 'content-type': 'application/json', 'if-match': g.headers.etag } });
    assertProblem(r, 400);
    await assertServiceAlive('after a deep PATCH body');
  });

  test('a deep body on a new connection, then a normal request on another, both answered', async () => {
    const r = await rawRequest(requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', connection: 'close' }, body: nestedArray(5000) }));
    assert.equal(r.status, 400, describeRaw(r));
    const s = await newSession();
    const me = await api('GET', '/api/v1/me', { token: s.access });
    assert.equal(me.status, 200, me.text);
    await assertServiceAlive('after a deep raw body');
  });

  const deepTokens = {
    'header nested 2000 levels': () => jwtSign(`{"alg":"HS256","typ":"JWT","x":${nestedArray(2000)}}`, { sub: 'x' }, 'k'.repeat(32)),
    'payload nested 2000 levels': () => jwtSign({ alg: 'HS256', typ: 'JWT', kid: env.jwtKeys[0].kid }, `{"sub":"x","x":${nestedArray(2000)}}`, 'wrong-secret-wrong-secret-wrong-secret'),
    'payload of objects nested 900 levels': () => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(nestedObject(900))}.${b64url('sig')}`,
    'header nested 4000 levels (also over 8 KiB)': () => jwtSign(`{"alg":"HS256","x":${nestedArray(4000)}}`, { sub: 'x' }, 'k'.repeat(32)),
  };
  for (const [what, make] of Object.entries(deepTokens)) {
    test(`a bearer token with its ${what} is 401 on /api/v1/me`, async () => {
      const token = make();
      const r = await api('GET', '/api/v1/me', { token });
      assertUnauthorized(r, { tokenPresented: true });
      await assertServiceAlive(`after a token with its ${what}`);
    });
  }

  test('a deeply nested token on a public route is 401 too (a bad token is never anonymous)', async () => {
    const r = await api('GET', '/api/v1/openapi.json', { token: deepTokens['header nested 2000 levels']() });
    assertUnauthorized(r, { tokenPresented: true });
    await assertServiceAlive('after a deep token on a public route');
  });

  test('a body that stops short of its Content-Length, then EOF, is not accepted', async () => {
    const email = uniqueEmail('short');
    const body = JSON.stringify({ email, password: PW, name: 'Kort' });
    const head = requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'content-length': String(body.length + 40), connection: 'close' } });
    const r = await rawRequest([{ data: head }, { data: body, delayMs: 50 }], { halfClose: true, timeoutMs: 15000 });
    assert.ok(r.status === null || (r.status >= 400 && r.status < 500), `a short body must get a 4xx or a closed connection: ${describeRaw(r)}`);
    if (r.status !== null) assertProblem(r, r.status);
    await sleep(300);
    assertNotStored(email, 'a truncated body');
    await assertServiceAlive('after a short body and EOF');
  });

  test('a body that stalls short of its Content-Length is not accepted', { timeout: 60000 }, async () => {
    const email = uniqueEmail('stall');
    const body = JSON.stringify({ email, password: PW, name: 'Stilla' });
    const head = requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'content-length': String(body.length + 40), connection: 'close' } });
    const stallMs = Number(process.env.IDEKOM_STALL_MS || 12000);
    const r = await rawRequest([{ data: head }, { data: body, delayMs: 50 }], { timeoutMs: stallMs });
    assert.ok(r.status === null || (r.status >= 400 && r.status < 500), `a stalled body must get a 4xx or a closed connection: ${describeRaw(r)}`);
    if (r.status !== null) assertProblem(r, r.status);
    await sleep(500);
    assertNotStored(email, 'a stalled body');
    await assertServiceAlive('after a stalled body');
  });

  test('a header block over 16 KiB is a 4xx problem', async () => {
    const head = requestBytes('GET', '/healthz', { headers: { 'x-big': 'a'.repeat(17 * 1024), connection: 'close' } });
    const r = await rawRequest(head, { validate: 'problem', timeoutMs: 8000 });
    assert.ok([400, 413, 431].includes(r.status), `expected 400/413/431: ${describeRaw(r)}`);
    assertProblem(r, r.status, 'the HTTP layer\'s own error is a problem with a request id');
    assert.match(r.headers['x-request-id'] || '', UUID_RE, 'every response has X-Request-Id');
    await assertServiceAlive('after a 17 KiB header');
  });

  test('many headers adding up to over 16 KiB are a 4xx', async () => {
    const headers = { connection: 'close' };
    for (let i = 0; i < 300; i++) headers[`x-h-${i}`] = 'v'.repeat(60);
    const r = await rawRequest(requestBytes('GET', '/healthz', { headers }), { validate: 'problem', timeoutMs: 8000 });
    assert.ok([400, 413, 431].includes(r.status), `expected 400/413/431: ${describeRaw(r)}`);
    assertProblem(r, r.status);
    await assertServiceAlive('after many headers');
  });

  test('a bearer token header over 16 KiB is a 4xx', async () => {
    const token = craftToken(crypto.randomUUID(), { claims: { pad: 'p'.repeat(20 * 1024) } });
    const r = await rawRequest(requestBytes('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}`, connection: 'close' } }), { validate: 'problem', timeoutMs: 8000 });
    assert.ok([400, 401, 413, 431].includes(r.status), `expected a 4xx: ${describeRaw(r)}`);
    await assertServiceAlive('after a 20 KiB token');
  });

  test('a request line over 16 KiB is a 4xx', async () => {
    const r = await rawRequest(requestBytes('GET', `/healthz?x=${'q'.repeat(17 * 1024)}`, { headers: { connection: 'close' } }), { validate: 'problem', timeoutMs: 8000 });
    assert.ok([400, 413, 414, 431].includes(r.status), `expected a 4xx: ${describeRaw(r)}`);
    await assertServiceAlive('after a long request line');
  });

  test('a malformed chunk size is a 4xx or a closed connection, never a created user', async () => {
    const email = uniqueEmail('badchunk');
    const body = JSON.stringify({ email, password: PW, name: 'Bit' });
    const data = Buffer.concat([
      requestBytes('POST', REGISTER, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', connection: 'close' } }),
      Buffer.from(`zz\r\n${body}\r\n0\r\n\r\n`),
    ]);
    const r = await rawRequest(data, { timeoutMs: 8000 });
    assert.ok(r.status === null || (r.status >= 400 && r.status < 500), describeRaw(r));
    await sleep(200);
    assertNotStored(email, 'a malformed chunked body');
    await assertServiceAlive('after a malformed chunk');
  });

  test('garbage instead of HTTP gets a 4xx or a closed connection', async () => {
    const r = await rawRequest(Buffer.from('\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 garbage\r\n\r\n', 'latin1'), { validate: 'problem', timeoutMs: 5000 });
    assert.ok(r.status === null || (r.status >= 400 && r.status < 500), describeRaw(r));
    await assertServiceAlive('after garbage bytes');
  });
});
