#!/usr/bin/env node
// mirror.mjs -- a reference consumer of Idékom's change feed: keeps a local copy of the
// organisation register, as an integrating city system would (for example the association
// register of Idrotts- och föreningsförvaltningen). Copy it and adapt `apply()`.
//
//   node mirror.mjs --base https://idekom.example --client-id ID --client-secret SECRET \
//                   --state DIR [--follow] [--interval SECONDS] [--limit N]
//
// The secret may come from the environment instead (IDEKOM_CLIENT_SECRET), which keeps it
// out of the process list. The API client needs the scope `changes:read` (an Idékom admin
// makes one: `idekom client add --name N --scopes changes:read`).
//
// What it does:
//   1. gets an access token with the OAuth 2.0 client-credentials grant
//      (POST /api/v1/auth/token), and a new one when it has expired or the service answers
//      401 (once per request: a second 401 means the client is gone, and it stops);
//   2. reads the cursor from DIR/cursor.json ({"after": <seq>}; 0 when there is none);
//   3. follows GET /api/v1/changes?after=<cursor>&types=organisation page by page: each event
//      carries the organisation as GET /api/v1/organisations/{id} answers it, so applying an
//      event is storing its `data` under its `entity_id` in DIR/organisations.json;
//   4. after each page saves organisations.json and then cursor.json (each written to a
//      temporary file and renamed, so a crash never leaves half a file). A crash between the
//      two only means the next run applies that page again, which gives the same result;
//   5. stops when a page is empty and exits 0 -- or, with --follow, waits --interval seconds
//      (default 5) and reads again until SIGINT/SIGTERM, then exits 0.
// 429 and 503 answers are retried after their Retry-After. Any other failure exits 1 with a
// message on stderr; the state on disk is then the last complete page, and a new run resumes
// from it. Exit 2 is a usage error. No dependencies: Node 18 or later (global fetch).

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE =
  'usage: node mirror.mjs --base URL --client-id ID [--client-secret SECRET | env IDEKOM_CLIENT_SECRET] ' +
  '--state DIR [--follow] [--interval SECONDS] [--limit 1..500]';

function options() {
  let v;
  try {
    ({ values: v } = parseArgs({
      options: {
        base: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        state: { type: 'string' },
        follow: { type: 'boolean', default: false },
        interval: { type: 'string', default: '5' },
        limit: { type: 'string', default: '500' },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  const secret = v['client-secret'] ?? process.env.IDEKOM_CLIENT_SECRET;
  if (!v.base || !v['client-id'] || !secret || !v.state) usage('--base, --client-id, a client secret and --state are required');
  const interval = Number(v.interval);
  const limit = Number(v.limit);
  if (!(interval > 0)) usage('--interval must be a positive number of seconds');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) usage('--limit must be 1..500');
  return { base: v.base.replace(/\/+$/, ''), clientId: v['client-id'], secret, dir: v.state, follow: v.follow, interval, limit };
}

function usage(msg) {
  process.stderr.write(`mirror: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

// ------------------------------------------------------------------------------------------
// State on disk

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return fallback;
    throw new Error(`${file}: ${e.message}`);
  }
}

function writeJsonAtomic(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

// ------------------------------------------------------------------------------------------
// HTTP with a client-credentials token

class Api {
  constructor({ base, clientId, secret }) {
    this.base = base;
    this.clientId = clientId;
    this.secret = secret;
    this.token = null;
    this.expiresAt = 0;
  }

  async newToken() {
    // client_secret_basic (RFC 6749 §2.3.1): id and secret form-encoded, then base64
    const form = (s) => encodeURIComponent(s).replace(/%20/g, '+');
    const basic = Buffer.from(`${form(this.clientId)}:${form(this.secret)}`).toString('base64');
    const res = await fetch(`${this.base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      signal: AbortSignal.timeout(30000),
    });
    const body = await res.json().catch(() => null);
    if (res.status !== 200 || !body?.access_token) {
      // RFC 6749 §5.2: {error, error_description}; a problem document has detail
      const why = body?.error ? `${body.error}: ${body.error_description}` : body?.detail;
      throw new Error(`token: HTTP ${res.status}${why ? `: ${why}` : ''}`);
    }
    this.token = body.access_token;
    // Renew 30 s early, so a token never expires on the way.
    this.expiresAt = Date.now() + Math.max(0, (Number(body.expires_in) || 60) - 30) * 1000;
  }

  /** GET a JSON resource; a 401 gets a new token and one more try. */
  async get(pathAndQuery) {
    for (let attempt = 0, renewed = false; ; attempt++) {
      if (!this.token || Date.now() >= this.expiresAt) await this.newToken();
      const res = await fetch(`${this.base}${pathAndQuery}`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(30000),
      });
      if (res.status === 200) return res.json();
      const body = await res.json().catch(() => null);
      if (res.status === 401 && !renewed) {
        renewed = true; // expired or revoked: one new token, then give up
        this.token = null;
        continue;
      }
      if ((res.status === 429 || res.status === 503) && attempt < 10) {
        const wait = Number(res.headers.get('retry-after')) || 5;
        await sleep(Math.min(wait, 300) * 1000);
        continue;
      }
      throw new Error(`GET ${pathAndQuery}: HTTP ${res.status}${body?.detail ? `: ${body.detail}` : ''}`);
    }
  }
}

// ------------------------------------------------------------------------------------------
// The mirror

/** Applies one event to the local copy. Adapt this to write into your own register. */
function apply(organisations, event) {
  if (event.type !== 'organisation') return;
  organisations[event.entity_id] = event.data;
}

/** Reads the feed from the saved cursor to its end; returns {applied, after, count}. */
async function syncOnce(api, o, files, stopping) {
  const organisations = readJson(files.organisations, {});
  let { after } = readJson(files.cursor, { after: 0 });
  if (!Number.isSafeInteger(after) || after < 0) throw new Error(`${files.cursor}: "after" is not a sequence number`);
  let applied = 0;
  while (!stopping.aborted) {
    const page = await api.get(`/api/v1/changes?after=${after}&types=organisation&limit=${o.limit}`);
    if (!Array.isArray(page?.items) || !Number.isSafeInteger(page?.next_after)) throw new Error('the change feed answered an unexpected document');
    if (page.items.length === 0) break;
    for (const event of page.items) apply(organisations, event);
    applied += page.items.length;
    after = page.next_after;
    writeJsonAtomic(files.organisations, organisations);
    writeJsonAtomic(files.cursor, { after });
  }
  return { applied, after, count: Object.keys(organisations).length };
}

async function main() {
  const o = options();
  fs.mkdirSync(o.dir, { recursive: true });
  const files = { cursor: path.join(o.dir, 'cursor.json'), organisations: path.join(o.dir, 'organisations.json') };
  const api = new Api(o);
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop.abort());
  do {
    const r = await syncOnce(api, o, files, stop.signal);
    if (!o.follow || r.applied > 0) {
      process.stdout.write(`mirror: applied ${r.applied} events; cursor ${r.after}; ${r.count} organisations\n`);
    }
    if (o.follow && !stop.signal.aborted) await sleep(o.interval * 1000, stop.signal);
  } while (o.follow && !stop.signal.aborted);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`mirror: ${e.message}\n`);
    process.exit(1);
  },
);
