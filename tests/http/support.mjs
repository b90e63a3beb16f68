// Shared support for the HTTP tests (node --test, ES modules).
//
// Every response any helper here receives is validated against openapi/openapi.yaml:
// the operation is found from the request's method and path, and the status, the content
// type, the JSON body and the declared required headers must all be what the description
// allows. A response the description does not allow throws an AssertionError, so the test
// that caused it fails. See README.md beside this file for the environment contract.

import assert from 'node:assert/strict';
import { AssertionError } from 'node:assert';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export { sleep };

// ------------------------------------------------------------------------------------------
// Environment

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');

/** Returns the environment variable `name`, or throws (the suite fails, never skips). */
export function requireEnv(name) {
  const v = process.env[name];
  if (v === undefined || v === '') {
    throw new Error(
      `tests/http: required environment variable ${name} is not set ` +
        '(tests/run.sh sets it; see tests/http/README.md)',
    );
  }
  return v;
}

const CORE_ENV = [
  'IDEKOM_BASE_URL',
  'IDEKOM_SERVICE_PID',
  'IDEKOM_ADMIN_EMAIL',
  'IDEKOM_ADMIN_PASSWORD',
  'IDEKOM_JWT_KEYS',
  'IDEKOM_JWT_ISSUER',
  'IDEKOM_JWT_AUDIENCE',
  'IDEKOM_CORS_ORIGIN',
  'DATABASE_URL',
];
{
  const missing = CORE_ENV.filter((n) => !process.env[n]);
  if (missing.length) {
    throw new Error(
      `tests/http: required environment variable(s) not set: ${missing.join(', ')} ` +
        '(tests/run.sh sets them; see tests/http/README.md)',
    );
  }
}

function parseJwtKeys(s) {
  const keys = s.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i <= 0 || i === part.length - 1) {
      throw new Error(`IDEKOM_JWT_KEYS: "${part}" is not kid:secret`);
    }
    return { kid: part.slice(0, i), secret: part.slice(i + 1) };
  });
  return keys;
}

export const env = Object.freeze({
  baseUrl: requireEnv('IDEKOM_BASE_URL').replace(/\/+$/, ''),
  servicePid: Number(requireEnv('IDEKOM_SERVICE_PID')),
  adminEmail: requireEnv('IDEKOM_ADMIN_EMAIL'),
  adminPassword: requireEnv('IDEKOM_ADMIN_PASSWORD'),
  jwtKeys: parseJwtKeys(requireEnv('IDEKOM_JWT_KEYS')),
  jwtIssuer: requireEnv('IDEKOM_JWT_ISSUER'),
  jwtAudience: requireEnv('IDEKOM_JWT_AUDIENCE'),
  corsOrigin: requireEnv('IDEKOM_CORS_ORIGIN'),
  databaseUrl: requireEnv('DATABASE_URL'),
  maxBodyBytes: Number(process.env.IDEKOM_MAX_BODY_BYTES || 1048576),
  accessTokenTtl: Number(process.env.IDEKOM_ACCESS_TOKEN_TTL || 900),
});
if (!Number.isInteger(env.servicePid) || env.servicePid <= 0) {
  throw new Error(`IDEKOM_SERVICE_PID="${process.env.IDEKOM_SERVICE_PID}" is not a pid`);
}

// ------------------------------------------------------------------------------------------
// OpenAPI: load, compile, validate

const OPENAPI_PATH = process.env.IDEKOM_OPENAPI_FILE || path.join(REPO_ROOT, 'openapi', 'openapi.yaml');
const DOC_ID = 'openapi.json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let spec = null; // { doc, ajv, routes, validators }

function pointerEscape(s) {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerGet(doc, pointer) {
  // pointer like '#/components/responses/Problem'
  if (!pointer.startsWith('#')) throw new Error(`only local $ref supported, got ${pointer}`);
  const parts = pointer.slice(1).split('/').slice(1);
  let cur = doc;
  for (const raw of parts) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) {
      throw new Error(`openapi.yaml: $ref ${pointer} does not resolve`);
    }
    cur = cur[key];
  }
  return cur;
}

/** Follows OpenAPI (non-schema) $refs; returns { obj, ptr } where ptr is the JSON pointer of obj. */
function deref(doc, obj, ptr) {
  let seen = 0;
  while (obj && typeof obj === 'object' && typeof obj.$ref === 'string') {
    if (++seen > 20) throw new Error(`openapi.yaml: $ref loop at ${ptr}`);
    ptr = obj.$ref;
    obj = pointerGet(doc, obj.$ref);
  }
  return { obj, ptr };
}

function templateToRegex(template) {
  let re = '';
  let literal = 0;
  for (const piece of template.split(/(\{[^}/]+\})/)) {
    if (piece === '') continue;
    if (/^\{[^}/]+\}$/.test(piece)) re += '([^/]+)';
    else {
      re += piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      literal += piece.length;
    }
  }
  return { regex: new RegExp(`^${re}$`), literal };
}

function serverPrefixes(servers) {
  const out = [];
  for (const s of servers || []) {
    if (!s || typeof s.url !== 'string') continue;
    let p;
    try {
      p = new URL(s.url, 'http://placeholder').pathname;
    } catch {
      continue;
    }
    p = p.replace(/\/+$/, '');
    if (p && p !== '/') out.push(p);
  }
  return out;
}

/** Loads and compiles openapi/openapi.yaml (once per process). Throws when it is missing. */
export function loadSpec() {
  if (spec) return spec;
  if (!fs.existsSync(OPENAPI_PATH)) {
    throw new Error(`tests/http: ${OPENAPI_PATH} does not exist; every response is validated against it`);
  }
  const doc = YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.1')) {
    throw new Error(`${OPENAPI_PATH}: not an OpenAPI 3.1 document`);
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // The whole document is one schema resource: '#/components/...' refs inside any schema
  // resolve against it. Its schemas are linted elsewhere, so no meta-schema check here.
  const copy = structuredClone(doc);
  delete copy.$id;
  delete copy.$schema;
  ajv.addSchema(copy, DOC_ID, undefined, false);

  const docPrefixes = serverPrefixes(doc.servers);
  const routes = [];
  for (const [template, rawItem] of Object.entries(doc.paths || {})) {
    const { obj: item } = deref(doc, rawItem, `#/paths/${pointerEscape(template)}`);
    const prefixes = item.servers ? serverPrefixes(item.servers) : docPrefixes;
    const { regex, literal } = templateToRegex(template);
    routes.push({ template, item, regex, literal, prefixes });
  }
  // Literal segments win over templates (e.g. /users/me over /users/{id}).
  routes.sort((a, b) => b.literal - a.literal);
  if (!doc.components?.schemas?.Problem) {
    throw new Error(`${OPENAPI_PATH}: #/components/schemas/Problem is missing`);
  }
  spec = { doc, ajv, routes, validators: new Map() };
  // Compile the Problem schema now so a broken description fails loudly at start.
  schemaValidator('#/components/schemas/Problem');
  return spec;
}

function schemaValidator(pointer) {
  const s = loadSpec();
  let v = s.validators.get(pointer);
  if (!v) {
    try {
      v = s.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
    } catch (e) {
      throw new Error(`openapi.yaml: cannot compile schema ${pointer}: ${e.message}`);
    }
    s.validators.set(pointer, v);
  }
  return v;
}

/** Finds the operation for method + path; returns { template, method, op, opPtr, allowed } or null. */
export function findOperation(method, rawPath) {
  const s = loadSpec();
  const pathOnly = rawPath.split('?')[0].split('#')[0];
  const m = method.toLowerCase();
  for (const r of s.routes) {
    const candidates = [pathOnly];
    for (const p of r.prefixes) if (pathOnly.startsWith(p + '/')) candidates.push(pathOnly.slice(p.length));
    if (!candidates.some((c) => r.regex.test(c))) continue;
    const allowed = HTTP_METHODS.filter((x) => r.item[x]).map((x) => x.toUpperCase());
    if (!r.item[m]) return { template: r.template, method: m, op: null, opPtr: null, allowed };
    return {
      template: r.template,
      method: m,
      op: r.item[m],
      opPtr: `#/paths/${pointerEscape(r.template)}/${m}`,
      allowed,
    };
  }
  return null;
}

function mediaTypeOf(contentType) {
  if (!contentType) return null;
  return contentType.split(';')[0].trim().toLowerCase();
}

function isJsonMedia(mt) {
  return mt === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(mt);
}

function matchMedia(declared, actual) {
  const d = declared.toLowerCase().split(';')[0].trim();
  if (d === actual || d === '*/*') return true;
  if (d.endsWith('/*')) return actual.startsWith(d.slice(0, -1));
  return false;
}

let validatedCount = 0;
const exchangeLog = process.env.IDEKOM_HTTP_EXCHANGES_LOG || null;
process.on('exit', () => {
  const file = path.basename(process.argv[1] || 'tests/http');
  process.stderr.write(`openapi: ${validatedCount} responses validated against openapi/openapi.yaml (${file})\n`);
});

/** Number of responses validated so far in this process. */
export function validatedResponses() {
  return validatedCount;
}

function fail(msg) {
  throw new AssertionError({ message: msg });
}

function fmtErrors(errors) {
  return JSON.stringify(
    (errors || []).slice(0, 10).map((e) => ({ at: e.instancePath || '/', schema: e.schemaPath, msg: e.message, params: e.params })),
    null,
    1,
  );
}

function parseBodyJson(text, where) {
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${where}: body is not JSON (${e.message}): ${String(text).slice(0, 300)}`);
  }
  return undefined;
}

function validateProblemBody(where, res) {
  const mt = mediaTypeOf(res.headers['content-type']);
  if (mt !== 'application/problem+json') {
    fail(`${where}: expected an application/problem+json body, got content-type ${res.headers['content-type'] ?? '(none)'}: ${String(res.text).slice(0, 300)}`);
  }
  const body = parseBodyJson(res.text, where);
  const v = schemaValidator('#/components/schemas/Problem');
  if (!v(body)) fail(`${where}: body does not match #/components/schemas/Problem: ${fmtErrors(v.errors)}\nbody: ${res.text.slice(0, 500)}`);
}

/**
 * Validates one response ({status, headers (lower-case names), text}) for the request
 * (method, path) against the description. mode 'operation' (default) finds the operation;
 * mode 'problem' only requires a Problem document (for answers the HTTP layer gives before
 * any route is known, e.g. an oversized header block). Throws an AssertionError on a
 * violation.
 */
export function validateResponse(method, reqPath, res, mode = 'operation') {
  if (mode === false || mode === 'none') return;
  const s = loadSpec();
  const where0 = `${method} ${reqPath} -> ${res.status}`;
  if (mode === 'problem') {
    if (res.text !== '' || res.headers['content-type']) validateProblemBody(`${where0} (no route: Problem expected)`, res);
    count(method, reqPath, res, '(problem)');
    return;
  }
  const found = findOperation(method, reqPath);
  if (!found || !found.op) {
    // CORS preflight (docs/decisions.md): 204 with no body on a known path.
    if (method.toUpperCase() === 'OPTIONS' && res.status === 204 && res.text === '') {
      count(method, reqPath, res, '(preflight)');
      return;
    }
    const why = found ? `no ${method.toUpperCase()} operation on ${found.template}` : 'no path in the description';
    validateProblemBody(`${where0} (${why})`, res);
    count(method, reqPath, res, '(none)');
    return;
  }
  const opName = `${method.toUpperCase()} ${found.template}${found.op.operationId ? ` (${found.op.operationId})` : ''}`;
  const where = `${opName} answered ${res.status} to ${method.toUpperCase()} ${reqPath}`;
  const responses = found.op.responses || {};
  const key = [String(res.status), `${String(res.status)[0]}XX`, `${String(res.status)[0]}xx`, 'default'].find((k) => k in responses);
  if (!key) {
    fail(`${where}: status ${res.status} is not declared (declared: ${Object.keys(responses).join(', ')})\nbody: ${String(res.text).slice(0, 500)}`);
  }
  const { obj: resp, ptr: respPtr0 } = deref(s.doc, responses[key], `${found.opPtr}/responses/${pointerEscape(key)}`);
  const respPtr = respPtr0;

  // Headers the description requires.
  for (const [rawName, rawHeader] of Object.entries(resp.headers || {})) {
    const name = rawName.toLowerCase();
    if (name === 'content-type') continue;
    const { obj: h, ptr: hPtr } = deref(s.doc, rawHeader, `${respPtr}/headers/${pointerEscape(rawName)}`);
    const value = res.headers[name];
    if (value === undefined) {
      if (h.required) fail(`${where}: required response header ${rawName} is missing`);
      continue;
    }
    if (h.schema) {
      const v = schemaValidator(`${hPtr}/schema`);
      const ok = v(value) || (/^-?\d+(\.\d+)?$/.test(value) && v(Number(value))) || (value === 'true' || value === 'false' ? v(value === 'true') : false);
      if (!ok) fail(`${where}: header ${rawName}: "${value}" does not match its schema: ${fmtErrors(v.errors)}`);
    }
  }

  // Body and content type.
  const content = resp.content || null;
  const mt = mediaTypeOf(res.headers['content-type']);
  if (!content || Object.keys(content).length === 0) {
    if (res.text !== '') fail(`${where}: the description declares no body, got ${res.headers['content-type'] ?? 'no content-type'}: ${res.text.slice(0, 300)}`);
    count(method, reqPath, res, opName);
    return;
  }
  if (!mt) fail(`${where}: no Content-Type (declared: ${Object.keys(content).join(', ')})`);
  const declared = Object.keys(content).find((k) => matchMedia(k, mt));
  if (!declared) fail(`${where}: content-type ${res.headers['content-type']} is not declared (declared: ${Object.keys(content).join(', ')})`);
  const media = content[declared];
  if (media && media.schema !== undefined && isJsonMedia(mt)) {
    const body = parseBodyJson(res.text, where);
    const v = schemaValidator(`${respPtr}/content/${pointerEscape(declared)}/schema`);
    if (!v(body)) fail(`${where}: body does not match the schema of ${declared}: ${fmtErrors(v.errors)}\nbody: ${res.text.slice(0, 800)}`);
  } else if (media && media.schema && typeof res.text === 'string') {
    // Non-JSON media with a string schema (text/plain etc.): check the type only.
    const t = media.schema.type;
    if (t && t !== 'string' && !(Array.isArray(t) && t.includes('string'))) {
      fail(`${where}: ${declared} schema is not a string schema, cannot hold a text body`);
    }
  }
  count(method, reqPath, res, opName);
}

function count(method, reqPath, res, opName) {
  validatedCount++;
  if (exchangeLog) {
    try {
      fs.appendFileSync(exchangeLog, `${JSON.stringify({ method: method.toUpperCase(), path: reqPath, status: res.status, operation: opName })}\n`);
    } catch {
      /* the log is only a record */
    }
  }
}

// ------------------------------------------------------------------------------------------
// HTTP through fetch

/**
 * api(method, path, {body, rawBody, headers, token, form, base, validate})
 *   body     JSON-encoded, with content-type application/json (unless headers say otherwise)
 *   rawBody  sent as is (string/Buffer), no content-type added
 *   form     an object, sent application/x-www-form-urlencoded
 *   token    sent as "Authorization: Bearer <token>"
 *   base     another base URL (a second service process)
 *   validate 'operation' (default), 'problem' or false
 * Returns {status, headers (plain object, lower-case names), text, json}.
 * Each request uses its own connection ("Connection: close"), so a keep-alive race can
 * never make a test flaky; keep-alive itself is tested on a raw socket.
 */
export async function api(method, reqPath, opts = {}) {
  const { body, rawBody, headers = {}, token, form, base = env.baseUrl, validate = 'operation' } = opts;
  const h = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && v !== null) h[k.toLowerCase()] = String(v);
  if (!('connection' in h)) h.connection = 'close';
  if (token !== undefined && token !== null) h.authorization = `Bearer ${token}`;
  let payload;
  if (rawBody !== undefined) payload = rawBody;
  else if (form !== undefined) {
    payload = new URLSearchParams(form).toString();
    if (!('content-type' in h)) h['content-type'] = 'application/x-www-form-urlencoded';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!('content-type' in h)) h['content-type'] = 'application/json';
  }
  let r;
  try {
    r = await fetch(base + reqPath, { method, headers: h, body: payload, redirect: 'manual' });
  } catch (e) {
    throw new AssertionError({
      message: `${method} ${reqPath}: no HTTP answer (${e.message}${e.cause ? `: ${e.cause.code || e.cause.message}` : ''})`,
    });
  }
  const text = await r.text();
  const outHeaders = {};
  r.headers.forEach((v, k) => {
    outHeaders[k] = k in outHeaders ? `${outHeaders[k]}, ${v}` : v;
  });
  let json;
  const mt = mediaTypeOf(outHeaders['content-type']);
  if (mt && isJsonMedia(mt) && text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  const res = { status: r.status, headers: outHeaders, text, json };
  validateResponse(method, reqPath, res, validate);
  return res;
}

// ------------------------------------------------------------------------------------------
// Raw sockets for hostile input

function baseHostPort(base = env.baseUrl) {
  const u = new URL(base);
  return { host: u.hostname, port: Number(u.port || 80), hostHeader: u.host };
}

/** Builds the bytes of an HTTP/1.1 request. headers: object; body: string|Buffer. */
export function requestBytes(method, reqPath, { headers = {}, body, base = env.baseUrl, contentLength = true } = {}) {
  const { hostHeader } = baseHostPort(base);
  const lines = [`${method} ${reqPath} HTTP/1.1`];
  const h = { host: hostHeader, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) };
  const buf = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body);
  if (buf && contentLength && !('content-length' in h) && !('transfer-encoding' in h)) h['content-length'] = buf.length;
  for (const [k, v] of Object.entries(h)) lines.push(`${k}: ${v}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return buf ? Buffer.concat([head, buf]) : head;
}

/** Parses HTTP/1.1 responses from a buffer; returns { responses, rest }. */
export function parseResponses(buf) {
  const responses = [];
  let off = 0;
  for (;;) {
    const headEnd = buf.indexOf('\r\n\r\n', off, 'latin1');
    if (headEnd < 0) break;
    const head = buf.subarray(off, headEnd).toString('latin1');
    const [statusLine, ...hl] = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) break;
    const headers = {};
    for (const line of hl) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    let bodyStart = headEnd + 4;
    let body;
    let complete = true;
    if (/chunked/i.test(headers['transfer-encoding'] || '')) {
      const parts = [];
      let p = bodyStart;
      complete = false;
      for (;;) {
        const le = buf.indexOf('\r\n', p, 'latin1');
        if (le < 0) break;
        const size = parseInt(buf.subarray(p, le).toString('latin1'), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const end = buf.indexOf('\r\n\r\n', le, 'latin1');
          if (end < 0) break;
          p = end + 4;
          complete = true;
          break;
        }
        if (le + 2 + size + 2 > buf.length) break;
        parts.push(buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      off = p;
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (bodyStart + n > buf.length) {
        complete = false;
        body = buf.subarray(bodyStart);
        off = buf.length;
      } else {
        body = buf.subarray(bodyStart, bodyStart + n);
        off = bodyStart + n;
      }
    } else if (m[1] === '204' || m[1] === '304' || m[1][0] === '1') {
      body = Buffer.alloc(0);
      off = bodyStart;
    } else {
      // Delimited by close: the rest is the body.
      body = buf.subarray(bodyStart);
      off = buf.length;
      complete = null; // known only once the connection closes
    }
    const text = body.toString('utf8');
    let json;
    const mt = mediaTypeOf(headers['content-type']);
    if (mt && isJsonMedia(mt) && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    responses.push({ status: Number(m[1]), statusText: m[2] || '', headers, text, json, complete });
    if (complete === false) break;
  }
  return { responses, rest: buf.subarray(off) };
}

/**
 * Sends raw bytes on a new TCP connection and collects what comes back.
 *   data       string | Buffer | array of pieces { data, delayMs, waitResponses } (delay
 *              before the piece; or wait until that many complete responses have arrived)
 *   timeoutMs  give up (destroy the socket) after this long; default 15000
 *   halfClose  call end() after the last piece (the server sees EOF on its read side)
 *   expect     number of complete responses after which to stop; default 1
 *   stopWhen   (received Buffer) => boolean: resolve early
 *   validate   'operation' (default; method and path come from the first request line),
 *              'problem', or false
 * Resolves {raw, responses, status, headers, text, json, closed, timedOut, error} where
 * status/headers/text/json are those of the first response (status null if none).
 */
export function rawRequest(data, opts = {}) {
  const { timeoutMs = 15000, halfClose = false, expect = 1, validate = 'operation', base = env.baseUrl } = opts;
  const pieces = Array.isArray(data) ? data : [{ data }];
  const { host, port } = baseHostPort(base);
  // The request lines sent, in order: response i is validated against request i.
  const sent = Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p.data) ? p.data : Buffer.from(String(p.data ?? ''), 'latin1')))).toString('latin1');
  const requestLines = [...sent.matchAll(/([A-Z]{3,7}) (\/\S*) HTTP\/1\.[01]\r\n/g)].map((m) => [m[1], m[2]]);
  return new Promise((resolve) => {
    const chunks = [];
    let closed = false;
    let timedOut = false;
    let error = null;
    let done = false;
    const sock = net.connect({ host, port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      timedOut = true;
      finish();
    }, timeoutMs);
    function finish() {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks);
      const { responses } = parseResponses(raw);
      if (closed) for (const r of responses) if (r.complete === null) r.complete = true;
      const first = responses[0] || {};
      const out = {
        raw: raw.toString('latin1'),
        responses,
        status: first.status ?? null,
        headers: first.headers || {},
        text: first.text ?? '',
        json: first.json,
        closed,
        timedOut,
        error,
      };
      try {
        responses.forEach((r, i) => {
          if (r.complete === false || !validate) return;
          const rl = requestLines[Math.min(i, requestLines.length - 1)];
          if (rl || validate === 'problem') validateResponse(rl ? rl[0] : '?', rl ? rl[1] : '?', r, validate);
        });
      } catch (e) {
        out.validationError = e;
      }
      resolve(out);
    }
    sock.on('data', (c) => {
      chunks.push(c);
      const { responses } = parseResponses(Buffer.concat(chunks));
      const completeCount = responses.filter((r) => r.complete === true).length;
      if (completeCount >= expect) finish();
      else if (opts.stopWhen && opts.stopWhen(Buffer.concat(chunks))) finish();
    });
    sock.on('error', (e) => {
      error = e;
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('connect', async () => {
      try {
        for (let i = 0; i < pieces.length; i++) {
          const p = pieces[i];
          if (p.delayMs) await sleep(p.delayMs);
          // waitResponses: send this piece only once that many complete responses arrived.
          while (p.waitResponses && !done && parseResponses(Buffer.concat(chunks)).responses.filter((r) => r.complete === true).length < p.waitResponses) {
            await sleep(10);
          }
          if (done || sock.destroyed) return;
          await new Promise((res) => {
            sock.write(p.data, () => res());
          });
        }
        if (halfClose && !done && !sock.destroyed) sock.end();
      } catch (e) {
        error = e;
      }
    });
  }).then((out) => {
    if (out.validationError) throw out.validationError;
    return out;
  });
}

/** A small JSON rendering of a raw result for assertion messages. */
export function describeRaw(r) {
  return `status=${r.status} closed=${r.closed} timedOut=${r.timedOut} error=${r.error?.code || r.error?.message || 'none'} raw=${JSON.stringify(r.raw.slice(0, 400))}`;
}

// ------------------------------------------------------------------------------------------
// Service liveness

/** The service process is the same one and answers /healthz on a new connection. */
export async function assertServiceAlive(context = '') {
  try {
    process.kill(env.servicePid, 0);
  } catch (e) {
    fail(`${context}: the service process ${env.servicePid} is gone (${e.code})`);
  }
  const r = await rawRequest(requestBytes('GET', '/healthz', { headers: { connection: 'close' } }), { timeoutMs: 5000 });
  assert.equal(r.status, 200, `${context}: GET /healthz on a new connection: ${describeRaw(r)}`);
  const r2 = await api('GET', '/healthz');
  assert.equal(r2.status, 200, `${context}: GET /healthz: ${r2.text}`);
  try {
    process.kill(env.servicePid, 0);
  } catch (e) {
    fail(`${context}: the service process ${env.servicePid} is gone (${e.code})`);
  }
}

// ------------------------------------------------------------------------------------------
// Problem documents

export const PROBLEMS = Object.freeze({
  400: ['/problems/bad-request', 'Bad request'],
  401: ['/problems/unauthorized', 'Unauthorized'],
  403: ['/problems/forbidden', 'Forbidden'],
  404: ['/problems/not-found', 'Not found'],
  405: ['/problems/method-not-allowed', 'Method not allowed'],
  409: ['/problems/conflict', 'Conflict'],
  412: ['/problems/precondition-failed', 'Precondition failed'],
  413: ['/problems/payload-too-large', 'Payload too large'],
  415: ['/problems/unsupported-media-type', 'Unsupported media type'],
  416: ['/problems/range-not-satisfiable', 'Range not satisfiable'],
  422: ['/problems/validation', 'Validation failed'],
  428: ['/problems/precondition-required', 'Precondition required'],
  429: ['/problems/too-many-requests', 'Too many requests'],
  500: ['/problems/internal', 'Internal error'],
  503: ['/problems/unavailable', 'Service unavailable'],
});

/** Asserts res is the problem document docs/decisions.md prescribes for status. */
export function assertProblem(res, status, what = '') {
  const ctx = `${what ? `${what}: ` : ''}expected a ${status} problem, got ${res.status} ${String(res.text).slice(0, 400)}`;
  assert.equal(res.status, status, ctx);
  assert.equal(mediaTypeOf(res.headers['content-type']), 'application/problem+json', `${ctx} (content-type ${res.headers['content-type']})`);
  const p = res.json;
  assert.ok(p && typeof p === 'object' && !Array.isArray(p), ctx);
  const [type, title] = PROBLEMS[status] || [];
  if (type) {
    assert.equal(p.type, type, `${ctx} (type)`);
    assert.equal(p.title, title, `${ctx} (title)`);
  } else {
    assert.equal(typeof p.type, 'string', ctx);
    assert.equal(typeof p.title, 'string', ctx);
  }
  assert.equal(p.status, res.status, `${ctx} (status member must equal the HTTP status)`);
  assert.equal(typeof p.detail, 'string', `${ctx} (detail)`);
  assert.ok(p.detail.length > 0, `${ctx} (detail empty)`);
  assert.equal(p.request_id, res.headers['x-request-id'], `${ctx} (request_id must equal X-Request-Id)`);
  return p;
}

/** Asserts a 422 naming exactly (at least) these JSON Pointers in errors[].field. */
export function assertValidation(res, fields, what = '') {
  const p = assertProblem(res, 422, what);
  assert.ok(Array.isArray(p.errors), `${what}: 422 without errors[]: ${res.text}`);
  for (const e of p.errors) {
    assert.equal(typeof e.field, 'string', `${what}: errors[].field: ${res.text}`);
    assert.equal(typeof e.message, 'string', `${what}: errors[].message: ${res.text}`);
  }
  const named = p.errors.map((e) => e.field);
  for (const f of fields) assert.ok(named.includes(f), `${what}: 422 should name ${f}; it names ${JSON.stringify(named)}`);
  return p;
}

/** 401 with WWW-Authenticate: Bearer realm="idekom" (and error="invalid_token" when a token was refused). */
export function assertUnauthorized(res, { tokenPresented = false } = {}, what = '') {
  assertProblem(res, 401, what);
  const wa = res.headers['www-authenticate'];
  assert.ok(wa, `${what}: 401 without WWW-Authenticate`);
  assert.match(wa, /^Bearer(\s|$)/, `${what}: WWW-Authenticate: ${wa}`);
  assert.match(wa, /realm="idekom"/, `${what}: WWW-Authenticate: ${wa}`);
  if (tokenPresented) assert.match(wa, /error="invalid_token"/, `${what}: WWW-Authenticate: ${wa}`);
}

/**
 * An error of the token endpoint (RFC 6749 §5.2): application/json {error, error_description},
 * never cached; 401 invalid_client carries WWW-Authenticate: Basic. Returns the body.
 */
export function assertOAuthError(res, status, error, what = '') {
  const ctx = `${what ? `${what}: ` : ''}expected ${status} ${error}, got ${res.status} ${String(res.text).slice(0, 300)}`;
  assert.equal(res.status, status, ctx);
  assert.equal(mediaTypeOf(res.headers['content-type']), 'application/json', `${ctx} (content-type ${res.headers['content-type']})`);
  assert.deepEqual(Object.keys(res.json).sort(), ['error', 'error_description'], ctx);
  assert.equal(res.json.error, error, ctx);
  assert.ok(res.json.error_description.length > 0, ctx);
  assert.equal(res.headers['cache-control'], 'no-store', `${ctx} (Cache-Control)`);
  if (status === 401) assert.match(res.headers['www-authenticate'] ?? '', /^Basic realm="idekom"/, `${ctx} (WWW-Authenticate)`);
  return res.json;
}

/** Asserts a positive integer Retry-After; returns it. */
export function assertRetryAfter(res, what = '') {
  const ra = res.headers['retry-after'];
  assert.ok(ra !== undefined, `${what}: no Retry-After on ${res.status}`);
  assert.match(ra, /^[1-9]\d*$/, `${what}: Retry-After "${ra}" is not a positive integer`);
  return Number(ra);
}

export function mediaType(res) {
  return mediaTypeOf(res.headers['content-type']);
}

// ------------------------------------------------------------------------------------------
// Data helpers

export function uniqueEmail(tag = 't') {
  return `${tag}-${Date.now().toString(36)}-${crypto.randomBytes(5).toString('hex')}@example.org`;
}

/** A random 10.x.y.z address for X-Forwarded-For (the client address the rate limiter sees). */
export function uniqueIp() {
  return `10.${crypto.randomInt(0, 256)}.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
}

export function uniqueName(tag = 'Testperson') {
  return `${tag} ${crypto.randomBytes(4).toString('hex')}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Registers a member; returns the user plus {password}. Registration answers 202 without the
 * user (it must not tell a new address from a known one), so the user is read back by the
 * admin through the id the database holds for the address.
 */
export async function registerUser({ email = uniqueEmail(), password = `pw-${crypto.randomBytes(9).toString('hex')}`, name = uniqueName(), language, verified = true } = {}) {
  const r = await api('POST', '/api/v1/auth/register', { body: { email, password, name, ...(language ? { language } : {}) } });
  assert.equal(r.status, 202, `register ${email}: ${r.status} ${r.text}`);
  const id = psql(`select id from app_user where lower(email) = lower(${sqlLit(email)})`);
  assert.match(id, UUID_RE, `register ${email}: no account in the database`);
  // most tests need a person who may register an organisation; tests/http/account.test.mjs
  // verifies addresses through the mailed link (verified: false)
  if (verified) psql(`update app_user set email_verified_at = now() where id = ${sqlLit(id)}`);
  const { user } = await getUserAsAdmin(id);
  return { ...user, email: user.email ?? email, password, requested_email: email };
}

/** POST /api/v1/auth/login from `ip` (X-Forwarded-For); returns the response. */
export function login(email, password, ip = uniqueIp(), opts = {}) {
  return api('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip }, ...opts });
}

/** Registers and logs in a member; returns {user, email, password, ip, access, refresh, login}. */
export async function newSession(opts = {}) {
  const u = await registerUser(opts);
  const ip = uniqueIp();
  const r = await login(u.requested_email, u.password, ip);
  assert.equal(r.status, 200, `login ${u.requested_email}: ${r.status} ${r.text}`);
  return { user: u, id: u.id, email: u.requested_email, password: u.password, ip, access: r.json.access_token, refresh: r.json.refresh_token, login: r.json };
}

let adminPromise = null;
/** Logs in as the admin from the environment once per process; returns the access token. */
export function adminToken() {
  if (!adminPromise) {
    adminPromise = (async () => {
      const r = await login(env.adminEmail, env.adminPassword, uniqueIp());
      assert.equal(r.status, 200, `admin login (${env.adminEmail}): ${r.status} ${r.text}`);
      assert.equal(r.json.user?.role, 'admin', `IDEKOM_ADMIN_EMAIL is not an admin: ${r.text}`);
      return r.json;
    })();
    adminPromise.catch(() => {
      adminPromise = null;
    });
  }
  return adminPromise.then((j) => j.access_token);
}

/** The admin's user id (from the cached login). */
export async function adminId() {
  await adminToken();
  return (await adminPromise).user.id;
}

/** Admin creates an API client; returns the create answer ({id, client_id, client_secret, ...}). */
export async function makeClient(scopes, name = uniqueName('Testklient')) {
  const r = await api('POST', '/api/v1/clients', { token: await adminToken(), body: { name, scopes } });
  assert.equal(r.status, 201, `create client: ${r.status} ${r.text}`);
  return r.json;
}

/** Client-credentials grant; returns the response. */
export function clientToken(clientId, clientSecret, { scope, json = false } = {}) {
  const fields = { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
  if (scope !== undefined) fields.scope = scope;
  return json ? api('POST', '/api/v1/auth/token', { body: fields }) : api('POST', '/api/v1/auth/token', { form: fields });
}

/** Admin GET of a user; returns {etag, user}. */
export async function getUserAsAdmin(id) {
  const r = await api('GET', `/api/v1/users/${id}`, { token: await adminToken() });
  assert.equal(r.status, 200, `GET /api/v1/users/${id}: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'GET /api/v1/users/{id} without ETag');
  return { etag: r.headers.etag, user: r.json, res: r };
}

/** Admin PATCH of a user with the current ETag; returns the response. */
export async function patchUserAsAdmin(id, patch) {
  const { etag } = await getUserAsAdmin(id);
  return api('PATCH', `/api/v1/users/${id}`, { token: await adminToken(), body: patch, headers: { 'if-match': etag } });
}

// ------------------------------------------------------------------------------------------
// JWT crafting

export function b64url(data) {
  return Buffer.from(data).toString('base64url');
}

/**
 * Builds a JWS compact token. header/payload: objects or raw JSON strings. secret: HMAC-SHA256
 * key (string or Buffer); null gives an empty signature (alg none style).
 */
export function jwtSign(header, payload, secret) {
  const h = typeof header === 'string' ? header : JSON.stringify(header);
  const p = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64url(h)}.${b64url(p)}`;
  if (secret === null || secret === undefined) return `${input}.`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Decodes a JWS compact token without verifying. */
export function jwtDecode(token) {
  const [h, p, s] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')), payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), signature: s };
}

/** True when token's HS256 signature verifies with secret. */
export function jwtVerifies(token, secret) {
  const [h, p, s] = token.split('.');
  const mac = crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const sig = Buffer.from(s || '', 'base64url');
  return sig.length === mac.length && crypto.timingSafeEqual(sig, mac);
}

export const nowSec = () => Math.floor(Date.now() / 1000);

/** Claims of a valid access token for user `sub`, with overrides (undefined deletes a claim). */
export function accessClaims(sub, overrides = {}) {
  const now = nowSec();
  const c = { iss: env.jwtIssuer, aud: env.jwtAudience, sub, iat: now, nbf: now, exp: now + 600, jti: crypto.randomUUID(), role: 'member' };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete c[k];
    else c[k] = v;
  }
  return c;
}

/** A token for `sub` signed with key index `keyIndex` of IDEKOM_JWT_KEYS (valid unless overridden). */
export function craftToken(sub, { claims = {}, header = {}, keyIndex = 0, secret } = {}) {
  const key = env.jwtKeys[keyIndex];
  const h = { alg: 'HS256', typ: 'JWT', kid: key.kid, ...header };
  for (const [k, v] of Object.entries(header)) if (v === undefined) delete h[k];
  return jwtSign(h, accessClaims(sub, claims), secret ?? key.secret);
}

// ------------------------------------------------------------------------------------------
// Database

/** Runs one SQL command with psql against DATABASE_URL; returns the trimmed output (-At). */
export function psql(sql) {
  try {
    return execFileSync('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', env.databaseUrl, '-c', sql], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20000,
    }).trim();
  } catch (e) {
    throw new Error(`psql failed: ${sql}\n${e.stderr || e.message}`);
  }
}

/** A SQL string literal. */
export function sqlLit(s) {
  return `'${String(s).replace(/'/g, "''")}'`;
}

/**
 * Names of the tables (schema.table, outside pg_catalog/information_schema) any of whose
 * rows, as text, contain `needle`. Used to prove secrets are stored only as hashes.
 */
export function tablesContaining(needle) {
  const out = psql(`
    select t.table_schema || '.' || t.table_name
      from information_schema.tables t
     where t.table_type = 'BASE TABLE'
       and t.table_schema not in ('pg_catalog', 'information_schema')
       and (xpath('/row/n/text()',
              query_to_xml(format('select count(*) as n from %I.%I x where strpos(x::text, %L) > 0',
                                  t.table_schema, t.table_name, ${sqlLit(needle)}), false, true, '')))[1]::text::int > 0
     order by 1`);
  return out ? out.split('\n') : [];
}

// ------------------------------------------------------------------------------------------
// Organisations

/** The Luhn check digit of a string of digits (Swedish organisationsnummer: of the first nine). */
export function luhnDigit(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const issuedOrgNumbers = new Set();

/**
 * A random valid organisationsnummer `NNNNNN-NNNN` (third digit 2..9, Luhn check digit) that
 * is neither in the database nor issued before in this process. `first`: its first digit
 * (default 8, ideell förening).
 */
export function validOrgNumber({ first = 8 } = {}) {
  for (let attempt = 0; attempt < 50; attempt++) {
    let nine = String(first) + crypto.randomInt(0, 10) + crypto.randomInt(2, 10);
    while (nine.length < 9) nine += crypto.randomInt(0, 10);
    const n = `${nine.slice(0, 6)}-${nine.slice(6)}${luhnDigit(nine)}`;
    if (issuedOrgNumbers.has(n)) continue;
    issuedOrgNumbers.add(n);
    let taken = '0';
    try {
      taken = psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`);
    } catch {
      taken = '0'; // no table yet: the create will say so
    }
    if (taken === '0') return n;
  }
  throw new Error('validOrgNumber: no free number found');
}

/** A random personnummer `YYMMDD-NNNN` with a valid Luhn check digit (third digit 0 or 1). */
export function personnummer() {
  const yy = String(crypto.randomInt(30, 100)).padStart(2, '0');
  const mm = String(crypto.randomInt(1, 13)).padStart(2, '0');
  const dd = String(crypto.randomInt(1, 29)).padStart(2, '0');
  const nnn = String(crypto.randomInt(0, 1000)).padStart(3, '0');
  const nine = `${yy}${mm}${dd}${nnn}`;
  return `${nine.slice(0, 6)}-${nine.slice(6)}${luhnDigit(nine)}`;
}

/**
 * A random lower-case word of consonants (no vowel, so the Swedish stemmer leaves it alone),
 * starting with "x": unique enough to find one's own rows with full-text search.
 */
export function uniqueWord(length = 10) {
  const letters = 'bcdfghjklmnpqrstvz';
  let w = 'x';
  while (w.length < length) w += letters[crypto.randomInt(0, letters.length)];
  return w;
}

/** A request id the service echoes (and writes to the audit rows of the request). */
export function newRequestId(tag = 'rid') {
  return `${tag}-${crypto.randomBytes(8).toString('hex')}`;
}

/**
 * POST /api/v1/organisations as `token` with a valid body (a unique name, kind
 * ideell_forening, a fresh organisation number) merged with `fields` (a field set to
 * undefined is left out). Asserts 201; returns {org, id, etag, res}.
 */
export async function createOrg(token, fields = {}, { headers } = {}) {
  const body = { name: uniqueName('Testförening'), kind: 'ideell_forening', ...fields };
  if (!('org_number' in fields)) body.org_number = validOrgNumber();
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  const r = await api('POST', '/api/v1/organisations', { token, body, headers });
  assert.equal(r.status, 201, `create organisation ${JSON.stringify(body)}: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'POST /api/v1/organisations without ETag');
  return { org: r.json, id: r.json.id, etag: r.headers.etag, res: r };
}

/** Admin: POST /api/v1/organisations/{id}/verify; asserts 200; returns {org, etag}. */
export async function verifyOrg(id) {
  const r = await api('POST', `/api/v1/organisations/${id}/verify`, { token: await adminToken() });
  assert.equal(r.status, 200, `verify ${id}: ${r.status} ${r.text}`);
  return { org: r.json, etag: r.headers.etag };
}

/** Admin GET of an organisation; asserts 200; returns {org, etag}. */
export async function getOrgAsAdmin(id) {
  const r = await api('GET', `/api/v1/organisations/${id}`, { token: await adminToken() });
  assert.equal(r.status, 200, `GET /api/v1/organisations/${id}: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'GET /api/v1/organisations/{id} without ETag');
  return { org: r.json, etag: r.headers.etag };
}

/** PATCH of an organisation as `token` with the current ETag (read as admin). */
export async function patchOrg(id, token, patch, opts = {}) {
  const { etag } = await getOrgAsAdmin(id);
  return api('PATCH', `/api/v1/organisations/${id}`, { token, body: patch, ...opts, headers: { 'if-match': etag, ...(opts.headers || {}) } });
}

/** Access token of a new API client holding `scopes`. */
export async function clientAccess(scopes) {
  const c = await makeClient(scopes);
  const r = await clientToken(c.client_id, c.client_secret);
  assert.equal(r.status, 200, `client token: ${r.status} ${r.text}`);
  return { client: c, token: r.json.access_token };
}

let auditTableCache = null;
/** The audit table ("schema"."name"): the one table with the audit columns. */
export function auditTable() {
  if (auditTableCache) return auditTableCache;
  const t = psql(`
    select table_schema || '.' || table_name from information_schema.columns
     where table_schema not in ('pg_catalog', 'information_schema')
       and column_name in ('entity_type', 'entity_id', 'request_id', 'before', 'after', 'action')
     group by table_schema, table_name having count(*) = 6`);
  const tables = t ? t.split('\n') : [];
  assert.equal(tables.length, 1, `expected one audit table with entity_type, entity_id, request_id, before, after, action; found ${JSON.stringify(tables)}`);
  const [schema, name] = tables[0].split('.');
  auditTableCache = `"${schema}"."${name}"`;
  return auditTableCache;
}

/**
 * Audit rows (objects, before/after parsed) matching every given condition: entityId,
 * requestId, entityType. Ordered by id.
 */
export function auditRowsWhere({ entityId, requestId, entityType } = {}) {
  const conds = ['true'];
  if (entityId !== undefined) conds.push(`a.entity_id::text = ${sqlLit(entityId)}`);
  if (requestId !== undefined) conds.push(`a.request_id::text = ${sqlLit(requestId)}`);
  if (entityType !== undefined) conds.push(`a.entity_type = ${sqlLit(entityType)}`);
  const out = psql(`select row_to_json(a)::text from ${auditTable()} a where ${conds.join(' and ')} order by a.id`);
  if (!out) return [];
  return out.split('\n').map((l) => {
    const row = JSON.parse(l);
    for (const k of ['before', 'after']) if (typeof row[k] === 'string') row[k] = JSON.parse(row[k]);
    return row;
  });
}

// ------------------------------------------------------------------------------------------
// Small generic helpers (dialogues, agreements and endorsements tests)

/** RFC 3339 in UTC with `Z` (optional fraction). */
export const RFC3339_Z_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** `count` new member sessions, made five at a time. */
export async function newSessions(count) {
  const out = [];
  for (let i = 0; i < count; i += 5) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(5, count - i) }, () => newSession()))));
  }
  return out;
}

/**
 * Follows `next_cursor` from GET `listPath` (which may carry a query) as `token`; asserts each
 * page is 200 and that no item repeats (by `key`); returns every item in order.
 */
export async function collectPages(listPath, token, { limit = 100, key = 'id', maxPages = 1000 } = {}) {
  const items = [];
  const seen = new Set();
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = listPath.includes('?') ? '&' : '?';
    const url = `${listPath}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await api('GET', url, { token });
    assert.equal(r.status, 200, `GET ${url}: ${r.status} ${r.text}`);
    assert.ok(Array.isArray(r.json?.items), `GET ${url}: no items[]`);
    for (const it of r.json.items) {
      const k = typeof key === 'function' ? key(it) : it[key];
      assert.ok(!seen.has(k), `GET ${listPath}: item ${k} repeated across pages`);
      seen.add(k);
      items.push(it);
    }
    cursor = r.json.next_cursor ?? null;
    if (!cursor) return items;
  }
  throw new AssertionError({ message: `GET ${listPath}: more than ${maxPages} pages` });
}

/** A 422 problem whose errors[] names `field` or a pointer below it (e.g. /decision/date). */
export function assertFieldNamed(res, field, what = '') {
  const p = assertProblem(res, 422, what);
  assert.ok(Array.isArray(p.errors), `${what}: 422 without errors[]: ${res.text}`);
  const named = p.errors.map((e) => e.field);
  assert.ok(
    named.some((f) => f === field || f.startsWith(`${field}/`)),
    `${what}: 422 should name ${field}; it names ${JSON.stringify(named)}`,
  );
  return p;
}

/** The version number in a strong ETag `"<n>"` (asserts the form). */
export function etagVersion(etag) {
  assert.match(etag || '', /^"\d+"$/, `ETag ${etag} is not a strong "<version>"`);
  return Number(etag.slice(1, -1));
}

/** The calendar date (YYYY-MM-DD) of an instant in Europe/Stockholm. */
export function stockholmDate(instant) {
  const d = instant instanceof Date ? instant : new Date(instant);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** An RFC 3339 UTC time `ms` milliseconds from now (whole seconds). */
export function isoFromNow(ms) {
  return new Date(Math.floor((Date.now() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// ------------------------------------------------------------------------------------------
// Integration (section 5 of the contract): the change feed, agreements for endorsements, a
// second service process, bounded concurrency

export const CHANGES = '/api/v1/changes';
export const CHANGE_TYPES = Object.freeze(['organisation', 'endorsement', 'dialogue', 'agreement', 'registration', 'representative', 'document', 'consultation_response', 'follow_up', 'council']);
export const CHANGE_ACTIONS = Object.freeze(['create', 'update', 'verify', 'reject', 'withdraw', 'cancel', 'adopt', 'supersede', 'remove', 'comment']);
const CHANGE_KEYS = ['action', 'data', 'entity_id', 'id', 'occurred_at', 'seq', 'type'];

/** Asserts one change event has exactly the keys and value forms of docs/decisions.md. */
export function assertChangeEvent(e, what = 'change event') {
  assert.ok(e && typeof e === 'object' && !Array.isArray(e), `${what}: not an object`);
  assert.deepEqual(Object.keys(e).sort(), CHANGE_KEYS, `${what}: keys of ${JSON.stringify(e).slice(0, 300)}`);
  assert.ok(Number.isSafeInteger(e.seq) && e.seq > 0, `${what}: seq ${e.seq} is not a positive integer`);
  assert.match(e.id, UUID_RE, `${what}: id`);
  assert.ok(CHANGE_TYPES.includes(e.type), `${what}: type ${e.type}`);
  assert.ok(CHANGE_ACTIONS.includes(e.action), `${what}: action ${e.action}`);
  assert.match(e.entity_id, UUID_RE, `${what}: entity_id`);
  assert.match(e.occurred_at, RFC3339_Z_RE, `${what}: occurred_at ${e.occurred_at}`);
  assert.ok(e.data && typeof e.data === 'object' && !Array.isArray(e.data), `${what}: data is not an object`);
}

/**
 * One GET of the change feed from `after`; asserts 200, the shape of every item, seq order
 * within the page and the next_after rule (the last seq returned, or `after` when nothing
 * is new). Returns {items, next_after, res}.
 */
export async function changesPage(token, after, { types, limit = 500, base } = {}) {
  const q = [`after=${after}`];
  if (types !== undefined) q.push(`types=${encodeURIComponent(Array.isArray(types) ? types.join(',') : types)}`);
  if (limit !== undefined) q.push(`limit=${limit}`);
  const url = `${CHANGES}?${q.join('&')}`;
  const r = await api('GET', url, { token, base });
  assert.equal(r.status, 200, `GET ${url}: ${r.status} ${r.text.slice(0, 500)}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next_after'], `GET ${url}: keys`);
  const { items, next_after: nextAfter } = r.json;
  assert.ok(Array.isArray(items), `GET ${url}: items`);
  if (limit !== undefined) assert.ok(items.length <= limit, `GET ${url}: ${items.length} items > limit ${limit}`);
  let prev = after;
  for (const e of items) {
    assertChangeEvent(e, `GET ${url}`);
    assert.ok(e.seq > prev, `GET ${url}: seq ${e.seq} after ${prev} (not strictly increasing, or not after 'after')`);
    prev = e.seq;
  }
  assert.equal(nextAfter, items.length ? items.at(-1).seq : after, `GET ${url}: next_after`);
  return { items, next_after: nextAfter, res: r };
}

/** Reads the feed from `after` to its current end; returns {items, next_after, pages}. */
export async function readChanges(token, after = 0, opts = {}) {
  const items = [];
  let cur = after;
  for (let pages = 1; ; pages++) {
    const p = await changesPage(token, cur, opts);
    items.push(...p.items);
    cur = p.next_after;
    if (p.items.length === 0) return { items, next_after: cur, pages };
  }
}

/** The feed's current end: the `after` from which only events committed later appear. */
export async function changesHead(token, opts = {}) {
  return (await readChanges(token, 0, opts)).next_after;
}

/**
 * Polls the feed from `after` (every 100 ms) until `done(items)` (all items since `after`)
 * is true; returns those items. Fails after `timeoutMs` with what it saw.
 */
export async function waitForChanges(token, after, done, { types, timeoutMs = 20000, what = 'change feed' } = {}) {
  const items = [];
  let cur = after;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await readChanges(token, cur, { types });
    items.push(...p.items);
    cur = p.next_after;
    if (done(items)) return items;
    if (Date.now() > deadline) {
      throw new AssertionError({
        message: `${what}: not seen within ${timeoutMs} ms; events since ${after}: ${JSON.stringify(items.map((e) => [e.seq, e.type, e.action, e.entity_id])).slice(0, 2000)}`,
      });
    }
    await sleep(100);
  }
}

/** Runs fn over items with at most `n` at once; returns the results in order. */
export async function mapLimit(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Admin creates a draft agreement with a unique slug; asserts 201; returns the agreement. */
export async function createAgreement(fields = {}) {
  const slug = `test-${crypto.randomBytes(6).toString('hex')}`;
  const body = { slug, title: `Överenskommelse ${slug}`, goals: ['Ett mål för testet.'], ...fields };
  const r = await api('POST', '/api/v1/agreements', { token: await adminToken(), body });
  assert.equal(r.status, 201, `create agreement: ${r.status} ${r.text}`);
  return r.json;
}

/** Admin adopts agreement `id` with a decision dated today; asserts 200; returns it. */
export async function adoptAgreement(id) {
  const decision = { body: 'Kommunstyrelsen', date: stockholmDate(new Date()), reference: `Dnr ${crypto.randomInt(1000, 9999)}/26`, summary: 'Antagen i testet.' };
  const r = await api('POST', `/api/v1/agreements/${id}/adopt`, { token: await adminToken(), body: { decision } });
  assert.equal(r.status, 200, `adopt agreement ${id}: ${r.status} ${r.text}`);
  return r.json;
}

/** The adopted (current) agreement, or null when none is adopted. */
export async function adoptedAgreement() {
  const all = await collectPages('/api/v1/agreements', await adminToken());
  const adopted = all.filter((a) => a.status === 'adopted');
  assert.ok(adopted.length <= 1, `more than one adopted agreement: ${adopted.map((a) => a.id).join(', ')}`);
  return adopted[0] ?? null;
}

/** The current agreement; creates and adopts one only when none is adopted. */
export async function currentAgreement() {
  return (await adoptedAgreement()) ?? adoptAgreement((await createAgreement()).id);
}

/** A member session and an organisation it signs for, verified by admin: {member, org, id}. */
export async function newVerifiedOrg(fields = {}) {
  const member = await newSession();
  const { id } = await createOrg(member.access, fields);
  const { org } = await verifyOrg(id);
  return { member, org, id };
}

/** POST an endorsement of agreement `agreementId` for organisation `orgId`; asserts 201. */
export async function endorse(agreementId, orgId, token, fields = {}) {
  const body = { organisation_id: orgId, signatory_name: uniqueName('Signe'), mandate: `styrelsebeslut ${crypto.randomBytes(3).toString('hex')} §7`, ...fields };
  const r = await api('POST', `/api/v1/agreements/${agreementId}/endorsements`, { token, body });
  assert.equal(r.status, 201, `endorse ${orgId}: ${r.status} ${r.text}`);
  return r.json;
}

/**
 * Starts a second `idekom serve` on IDEKOM_SECOND_PORT and the same database (as in
 * ratelimit.test.mjs), with `extraEnv` added to the environment; waits until /readyz is 200.
 * Returns {url, child, output(), exited(), stop(signal)} where stop resolves {code, signal}
 * (SIGKILL after 15 s). Only one may run at a time (one port).
 */
export async function startSecondService({ extraEnv = {}, readyTimeoutMs = 30000 } = {}) {
  const bin = requireEnv('IDEKOM_BIN');
  const port = requireEnv('IDEKOM_SECOND_PORT');
  for (const n of ['JWT_KEYS', 'JWT_ISSUER', 'JWT_AUDIENCE']) requireEnv(n);
  const u = new URL(env.baseUrl);
  u.port = port;
  const url = u.toString().replace(/\/+$/, '');
  const { spawn } = await import('node:child_process');
  const child = spawn(bin, ['serve'], {
    env: { ...process.env, PORT: port, TRUSTED_PROXIES: '127.0.0.1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = null;
  const keep = (d) => {
    output = (output + d.toString()).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exitP = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const tail = () => output.slice(-2000);
  const handle = {
    url,
    child,
    output: tail,
    exited: () => exited,
    async stop(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
      const t = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 15000);
      const res = await exitP;
      clearTimeout(t);
      return res;
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`the second service exited early (${JSON.stringify(exited)}):\n${tail()}`);
    try {
      const r = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
      await r.text();
      if (r.status === 200) return handle;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await handle.stop('SIGKILL');
      throw new Error(`the second service on ${url} was not ready within ${readyTimeoutMs} ms:\n${tail()}`);
    }
    await sleep(200);
  }
}
