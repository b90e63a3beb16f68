// Section 3 of the contract and "Dialogues" in docs/decisions.md, the dialogues themselves:
// create (required fields, every validated field, times with an offset answered in UTC),
// GET, the list (order, from/to/kind/status/q, paging), PATCH with If-Match (ends_at after
// starts_at, minutes only after the meeting, status held/scheduled), cancel, the permission
// cases of every write, and the audit rows. Registrations are in registrations.test.mjs and the
// calendars in calendar.test.mjs.
//
// The database is shared with the other tests (and with a second run of the suite), so each
// test makes its own dialogues with a unique word in the title and asserts about those only.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  env,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  assertFieldNamed,
  adminToken,
  newSession,
  clientAccess,
  uniqueWord,
  newRequestId,
  auditRowsWhere,
  collectPages,
  etagVersion,
  isoFromNow,
  UUID_RE,
  RFC3339_Z_RE,
} from './support.mjs';

const DLG = '/api/v1/dialogues';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const enc = encodeURIComponent;
const ALL_SCOPES = ['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage'];
const DIALOGUE_KEYS = [
  'id', 'title', 'kind', 'status', 'starts_at', 'ends_at', 'location', 'online_url', 'capacity', 'registration_open',
  'description', 'agenda', 'minutes', 'principles', 'format', 'services', 'participation_level', 'seats_taken',
  'waitlist_length', 'created_at', 'updated_at',
].sort();

const sorted = (a) => [...a].sort();
const sameInstant = (a, b) => Date.parse(a) === Date.parse(b);

/** The dialogue's shape as docs/decisions.md gives it. */
function assertDialogue(d, what = 'dialogue') {
  assert.ok(d && typeof d === 'object' && !Array.isArray(d), `${what}: not an object`);
  assert.deepEqual(Object.keys(d).sort(), DIALOGUE_KEYS, `${what}: keys`);
  assert.match(d.id, UUID_RE, `${what}.id`);
  assert.ok(['dialogmote', 'konferens', 'radsmote', 'arbetsgrupp'].includes(d.kind), `${what}.kind ${d.kind}`);
  assert.ok(['scheduled', 'cancelled', 'held'].includes(d.status), `${what}.status ${d.status}`);
  for (const k of ['starts_at', 'ends_at', 'created_at', 'updated_at']) assert.match(d[k], RFC3339_Z_RE, `${what}.${k} ${d[k]}`);
  assert.ok(Date.parse(d.ends_at) > Date.parse(d.starts_at), `${what}: ends_at after starts_at`);
  assert.ok(['in_person', 'online', 'hybrid'].includes(d.format), `${what}.format ${d.format}`);
  assert.ok(Array.isArray(d.services) && Array.isArray(d.principles), `${what}: services/principles arrays`);
  assert.equal(typeof d.registration_open, 'boolean', `${what}.registration_open`);
  assert.ok(Number.isInteger(d.seats_taken) && d.seats_taken >= 0, `${what}.seats_taken ${d.seats_taken}`);
  assert.ok(Number.isInteger(d.waitlist_length) && d.waitlist_length >= 0, `${what}.waitlist_length ${d.waitlist_length}`);
}

/** A valid create body: a unique title, kind dialogmote, two hours starting `startInMs` from now. */
function dialogueBody(fields = {}, startInMs = (30 + crypto.randomInt(0, 300)) * DAY) {
  const starts = fields.starts_at ?? isoFromNow(startInMs);
  const body = {
    title: `Dialogmöte ${uniqueWord()}`,
    kind: 'dialogmote',
    starts_at: starts,
    ends_at: 'ends_at' in fields ? fields.ends_at : new Date(Date.parse(starts) + 2 * HOUR).toISOString(),
    ...fields,
  };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return body;
}

/** Admin creates a dialogue; asserts 201; returns {dialogue, etag, res}. */
async function createDialogue(fields = {}, { startInMs, headers } = {}) {
  const body = dialogueBody(fields, startInMs);
  const r = await api('POST', DLG, { token: await adminToken(), body, headers });
  assert.equal(r.status, 201, `create dialogue ${JSON.stringify(body)}: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'POST /api/v1/dialogues without ETag');
  return { dialogue: r.json, etag: r.headers.etag, res: r };
}

async function getDialogue(id, token) {
  const r = await api('GET', `${DLG}/${id}`, { token });
  assert.equal(r.status, 200, `GET ${DLG}/${id}: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'GET /api/v1/dialogues/{id} without ETag');
  return { dialogue: r.json, etag: r.headers.etag };
}

async function patchDialogue(id, patch, { token, etag, headers = {} } = {}) {
  const tag = etag ?? (await getDialogue(id)).etag;
  return api('PATCH', `${DLG}/${id}`, { token: token ?? (await adminToken()), body: patch, headers: { 'if-match': tag, ...headers } });
}

async function listIds(query, token) {
  const r = await api('GET', `${DLG}?${query}`, { token });
  assert.equal(r.status, 200, `GET ${DLG}?${query}: ${r.status} ${r.text}`);
  assert.ok(Array.isArray(r.json.items), 'items');
  assert.ok(r.json.next_cursor === null || typeof r.json.next_cursor === 'string', 'next_cursor');
  return r.json.items.map((d) => d.id);
}

// ------------------------------------------------------------------------------------------

describe('create', () => {
  test('admin creates a dialogue: 201, Location, ETag "1", every field as sent, read-only counters 0', async () => {
    const admin = await adminToken();
    const body = dialogueBody({
      title: `  Dialogmöte om överenskommelsen ${uniqueWord()}  `,
      kind: 'konferens',
      location: 'Stora salen, Göteborgs stadshus',
      online_url: 'https://meet.example.se/idekom?room=1',
      capacity: 40,
      registration_open: false,
      description: 'Vi talar om **principerna**.',
      agenda: '1. Välkomna\n2. Uppföljning',
      principles: ['dialog', 'oppenhet'],
      format: 'hybrid',
      services: ['teckensprakstolk', 'horselslinga'],
      participation_level: 'dialogue',
    });
    const r = await api('POST', DLG, { token: admin, body });
    assert.equal(r.status, 201, r.text);
    const d = r.json;
    assertDialogue(d);
    assert.equal(d.title, body.title.trim(), 'title is trimmed');
    assert.equal(d.kind, 'konferens');
    assert.equal(d.status, 'scheduled');
    assert.ok(sameInstant(d.starts_at, body.starts_at) && sameInstant(d.ends_at, body.ends_at), `times ${d.starts_at} ${d.ends_at}`);
    assert.equal(d.location, body.location);
    assert.equal(d.online_url, body.online_url);
    assert.equal(d.capacity, 40);
    assert.equal(d.registration_open, false);
    assert.equal(d.description, body.description);
    assert.equal(d.agenda, body.agenda);
    assert.equal(d.minutes, null);
    assert.deepEqual(sorted(d.principles), ['dialog', 'oppenhet']);
    assert.equal(d.format, 'hybrid');
    assert.deepEqual(sorted(d.services), ['horselslinga', 'teckensprakstolk']);
    assert.equal(d.participation_level, 'dialogue');
    assert.equal(d.seats_taken, 0);
    assert.equal(d.waitlist_length, 0);
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, `${DLG}/${d.id}`, `Location: ${r.headers.location}`);
    assert.equal(etagVersion(r.headers.etag), 1, 'a new dialogue has version 1');

    // Anyone reads it back, the same document and ETag.
    const g = await api('GET', `${DLG}/${d.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, d);
    assert.equal(g.headers.etag, r.headers.etag);
  });

  test('defaults: registration_open true, format in_person, capacity/location/… null, empty arrays', async () => {
    const { dialogue: d } = await createDialogue();
    assertDialogue(d);
    assert.equal(d.status, 'scheduled');
    assert.equal(d.registration_open, true);
    assert.equal(d.format, 'in_person');
    assert.equal(d.capacity, null);
    for (const k of ['location', 'online_url', 'description', 'agenda', 'minutes', 'participation_level']) assert.equal(d[k], null, `${k} default`);
    assert.deepEqual(d.services, []);
    assert.deepEqual(d.principles, []);
  });

  test('times with a +02:00 offset are answered in UTC with Z, the same instant', async () => {
    const year = 2031 + crypto.randomInt(0, 20);
    const { dialogue: d } = await createDialogue({
      starts_at: `${year}-06-10T10:00:00+02:00`,
      ends_at: `${year}-06-10T12:30:00+02:00`,
    });
    assert.match(d.starts_at, RFC3339_Z_RE);
    assert.match(d.ends_at, RFC3339_Z_RE);
    assert.equal(Date.parse(d.starts_at), Date.parse(`${year}-06-10T08:00:00Z`), `starts_at ${d.starts_at}`);
    assert.equal(Date.parse(d.ends_at), Date.parse(`${year}-06-10T10:30:00Z`), `ends_at ${d.ends_at}`);
    assert.ok(d.starts_at.startsWith(`${year}-06-10T08:00:00`), `starts_at ${d.starts_at} is not the UTC wall time`);
    // A negative offset and a winter date (Europe/Stockholm +01:00) too.
    const { dialogue: w } = await createDialogue({
      starts_at: `${year}-01-15T09:15:00-05:00`,
      ends_at: `${year}-01-15T18:00:00+01:00`,
    });
    assert.ok(w.starts_at.startsWith(`${year}-01-15T14:15:00`), `starts_at ${w.starts_at}`);
    assert.ok(w.ends_at.startsWith(`${year}-01-15T17:00:00`), `ends_at ${w.ends_at}`);
  });

  test('required: title, kind, starts_at, ends_at; ends_at must be after starts_at (422 /ends_at)', async () => {
    const admin = await adminToken();
    const w = uniqueWord();
    for (const f of ['title', 'kind', 'starts_at', 'ends_at']) {
      assertValidation(await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Saknas ${w}`, [f]: undefined }) }), [`/${f}`], `without ${f}`);
    }
    const starts = isoFromNow(40 * DAY);
    assertValidation(await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Lika ${w}`, starts_at: starts, ends_at: starts }) }), ['/ends_at'], 'ends_at = starts_at');
    assertValidation(
      await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Före ${w}`, starts_at: starts, ends_at: new Date(Date.parse(starts) - HOUR).toISOString() }) }),
      ['/ends_at'],
      'ends_at before starts_at',
    );
    // The same instant written with two offsets is still not "after".
    assertValidation(
      await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Offset ${w}`, starts_at: '2040-03-03T12:00:00Z', ends_at: '2040-03-03T13:00:00+01:00' }) }),
      ['/ends_at'],
      'ends_at the same instant in another offset',
    );
    for (const bad of ['i morgon', '2040-03-03', '2040-03-03T12:00:00', '2040-13-03T12:00:00Z', 1700000000]) {
      assertValidation(await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Tid ${w}`, starts_at: bad, ends_at: '2040-03-04T12:00:00Z' }) }), ['/starts_at'], `starts_at ${bad}`);
    }
    const none = await api('GET', `${DLG}?q=${w}&limit=100`, { token: admin });
    assert.equal(none.status, 200, none.text);
    assert.deepEqual(none.json.items, [], 'a refused create stored a dialogue');
  });

  test('invalid values → 422 naming the field', async () => {
    const admin = await adminToken();
    const w = uniqueWord();
    const post = (fields) => api('POST', DLG, { token: admin, body: dialogueBody({ title: `Ogiltig ${w}`, ...fields }) });
    const cases = [
      ['/title', { title: ' x ' }],
      ['/title', { title: 'x'.repeat(201) }],
      ['/title', { title: null }],
      ['/kind', { kind: 'fika' }],
      ['/kind', { kind: 'dialogue' }],
      ['/format', { format: 'telepati' }],
      ['/format', { format: null }],
      ['/services', { services: ['tolk', 'massage'] }],
      ['/services', { services: 'tolk' }],
      ['/participation_level', { participation_level: 'delegation' }],
      ['/online_url', { online_url: 'javascript:alert(1)' }],
      ['/online_url', { online_url: 'ftp://meet.example.se/' }],
      ['/online_url', { online_url: 'meet.example.se' }],
      ['/online_url', { online_url: `https://meet.example.se/${'a'.repeat(500)}` }],
      ['/capacity', { capacity: 0 }],
      ['/capacity', { capacity: -3 }],
      ['/capacity', { capacity: 100001 }],
      ['/capacity', { capacity: 2.5 }],
      ['/capacity', { capacity: '10' }],
      ['/registration_open', { registration_open: 'ja' }],
      ['/location', { location: 'x'.repeat(301) }],
      ['/description', { description: 'x'.repeat(20001) }],
      ['/agenda', { agenda: 'x'.repeat(20001) }],
      ['/principles', { principles: ['Dialog'] }],
      ['/principles', { principles: ['1dialog'] }],
      ['/principles', { principles: 'dialog' }],
    ];
    for (const [field, fields] of cases) {
      assertFieldNamed(await post(fields), field, `${field} = ${JSON.stringify(Object.values(fields)[0]).slice(0, 60)}`);
    }
    // Several at once: each is named.
    assertValidation(await post({ kind: 'fika', format: 'telepati', participation_level: 'x' }), ['/kind', '/format', '/participation_level'], 'three invalid fields');
    const none = await api('GET', `${DLG}?q=${w}&limit=100`, { token: admin });
    assert.deepEqual(none.json.items, [], 'a refused create stored a dialogue');
    // The limits themselves are accepted.
    const { dialogue: d } = await createDialogue({ capacity: 100000, location: 'å'.repeat(300), services: ['tolk', 'teckensprakstolk', 'horselslinga', 'lattlast'], participation_level: 'partnership', format: 'online' });
    assert.equal(d.capacity, 100000);
    assert.equal(d.location, 'å'.repeat(300));
    assert.deepEqual(sorted(d.services), ['horselslinga', 'lattlast', 'teckensprakstolk', 'tolk']);
    const { dialogue: d1 } = await createDialogue({ capacity: 1, participation_level: 'information' });
    assert.equal(d1.capacity, 1);
  });

  test('read-only and unknown fields → 422 naming each', async () => {
    const admin = await adminToken();
    const w = uniqueWord();
    const cases = { id: crypto.randomUUID(), seats_taken: 3, waitlist_length: 0, created_at: '2001-01-01T00:00:00Z', updated_at: '2001-01-01T00:00:00Z', foo: 'bar' };
    for (const [k, v] of Object.entries(cases)) {
      assertValidation(await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Mass ${w}`, [k]: v }) }), [`/${k}`], `create with ${k}`);
    }
    assertValidation(await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Mass ${w}`, ...cases }) }), Object.keys(cases).map((k) => `/${k}`), 'all at once');
    const none = await api('GET', `${DLG}?q=${w}&limit=100`, { token: admin });
    assert.deepEqual(none.json.items, [], 'a refused create stored a dialogue');
  });

  test('minutes on create: 422 /minutes before the meeting has ended, 201 for a meeting in the past', async () => {
    const admin = await adminToken();
    const w = uniqueWord();
    assertValidation(await api('POST', DLG, { token: admin, body: dialogueBody({ title: `Protokoll ${w}`, minutes: 'För tidigt.' }) }), ['/minutes'], 'minutes of a future meeting');
    const past = dialogueBody({ title: `Protokoll ${w}`, minutes: 'Mötet hölls.' }, -10 * DAY);
    const r = await api('POST', DLG, { token: admin, body: past });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.minutes, 'Mötet hölls.');
  });

  test('permissions: anonymous 401, member 403, API client 403; nothing stored', async () => {
    const w = uniqueWord();
    const body = dialogueBody({ title: `Obehörig ${w}` });
    assertUnauthorized(await api('POST', DLG, { body }), {}, 'anonymous');
    const m = await newSession();
    assertProblem(await api('POST', DLG, { token: m.access, body }), 403, 'member');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await api('POST', DLG, { token, body }), 403, 'client');
    const none = await api('GET', `${DLG}?q=${w}&limit=100`, { token: await adminToken() });
    assert.deepEqual(none.json.items, [], 'a refused create stored a dialogue');
  });
});

// ------------------------------------------------------------------------------------------

describe('read', () => {
  test('GET by id is public; unknown or non-UUID id → 404', async () => {
    const { dialogue: d, etag } = await createDialogue();
    const anon = await api('GET', `${DLG}/${d.id}`);
    assert.equal(anon.status, 200, anon.text);
    assert.deepEqual(anon.json, d);
    assert.equal(anon.headers.etag, etag);
    const m = await newSession();
    const asMember = await api('GET', `${DLG}/${d.id}`, { token: m.access });
    assert.equal(asMember.status, 200, asMember.text);
    assert.deepEqual(asMember.json, d);
    assertProblem(await api('GET', `${DLG}/${crypto.randomUUID()}`), 404);
    assertProblem(await api('GET', `${DLG}/${crypto.randomUUID()}`, { token: await adminToken() }), 404);
    assertProblem(await api('GET', `${DLG}/inte-ett-id`), 404);
  });

  test('list: ordered by starts_at then id; q on title and description; from (inclusive), to (exclusive), kind, status; paging', async () => {
    const w = uniqueWord();
    const year = 2060 + crypto.randomInt(0, 30);
    const month = crypto.randomInt(1, 12); // 1..11 (0-based months: February..December)
    const at = (day) => new Date(Date.UTC(year, month, day, 12, 0, 0)).toISOString();
    // Created out of order; d3a and d3b start at the same moment.
    const d4 = (await createDialogue({ title: `Arbetsgrupp kvartal fyra`, description: `Uppföljning ${w}.`, kind: 'dialogmote', starts_at: at(4) })).dialogue;
    const d1 = (await createDialogue({ title: `Första ${w}`, kind: 'dialogmote', starts_at: at(1) })).dialogue;
    const d3b = (await createDialogue({ title: `Tredje B ${w}`, kind: 'arbetsgrupp', starts_at: at(3) })).dialogue;
    const d2 = (await createDialogue({ title: `Andra ${w}`, kind: 'konferens', starts_at: at(2) })).dialogue;
    const d3a = (await createDialogue({ title: `Tredje A ${w}`, kind: 'radsmote', starts_at: at(3) })).dialogue;
    const d3 = [d3a.id, d3b.id].sort();
    const all = [d1.id, d2.id, ...d3, d4.id];
    const q = `q=${w}&limit=100`;

    assert.deepEqual(await listIds(q), all, 'q: every one, by starts_at then id (anonymous)');
    assert.deepEqual(await listIds(q, await adminToken()), all, 'q (admin)');
    assert.deepEqual(await listIds(`${q}&kind=dialogmote`), [d1.id, d4.id], 'kind=dialogmote');
    assert.deepEqual(await listIds(`${q}&kind=konferens`), [d2.id], 'kind=konferens');
    assert.deepEqual(await listIds(`${q}&from=${enc(d2.starts_at)}`), [d2.id, ...d3, d4.id], 'from is inclusive');
    assert.deepEqual(await listIds(`${q}&to=${enc(d3a.starts_at)}`), [d1.id, d2.id], 'to is exclusive');
    assert.deepEqual(await listIds(`${q}&from=${enc(d2.starts_at)}&to=${enc(d4.starts_at)}`), [d2.id, ...d3], 'from and to');
    assert.deepEqual(await listIds(`${q}&from=${enc(at(2).replace('Z', '+02:00'))}`), [d2.id, ...d3, d4.id], 'from with an offset (10:00Z)');
    assert.deepEqual(await listIds(`${q}&from=${at(2).slice(0, 10)}`), [d2.id, ...d3, d4.id], 'from as a date');
    assert.deepEqual(await listIds(`${q}&from=${at(5).slice(0, 10)}`), [], 'from after all of them');

    // Items are the documents GET by id answers.
    const first = await api('GET', `${DLG}?${q}`);
    assert.deepEqual(first.json.items[0], (await getDialogue(d1.id)).dialogue);
    for (const it of first.json.items) assertDialogue(it, 'list item');

    // status
    const c = await api('POST', `${DLG}/${d2.id}/cancel`, { token: await adminToken() });
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(await listIds(`${q}&status=cancelled`), [d2.id], 'status=cancelled');
    assert.deepEqual(await listIds(`${q}&status=scheduled`), [d1.id, ...d3, d4.id], 'status=scheduled');
    assert.deepEqual(await listIds(`${q}&status=held`), [], 'status=held');
    assert.deepEqual(await listIds(q), all, 'without status a cancelled dialogue is still listed');

    // Paging: two at a time gives the same order, nothing repeated or skipped.
    const paged = await collectPages(`${DLG}?q=${w}`, undefined, { limit: 2 });
    assert.deepEqual(paged.map((d) => d.id), all, 'limit=2 pages');
    const p1 = await api('GET', `${DLG}?q=${w}&limit=2`);
    assert.equal(p1.json.items.length, 2);
    assert.equal(typeof p1.json.next_cursor, 'string', 'a first page of two of five has a next_cursor');
    const lastPage = await api('GET', `${DLG}?q=${w}&limit=6`);
    assert.equal(lastPage.json.items.length, 5);
    assert.ok('next_cursor' in lastPage.json, 'next_cursor must be present (null on the last page)');
    assert.equal(lastPage.json.next_cursor, null, 'the whole list in one page: next_cursor null');
  });

  test('list: a bad limit or cursor → 400', async () => {
    for (const qs of ['limit=0', 'limit=101', 'limit=abc', 'limit=-1', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) {
      assertProblem(await api('GET', `${DLG}?${qs}`), 400, qs);
    }
  });
});

// ------------------------------------------------------------------------------------------

describe('PATCH', () => {
  test('If-Match: missing → 428, stale → 412, current → 200 (version grows by one), * → 200', async () => {
    const { dialogue: d, etag } = await createDialogue({ location: 'Hammarkullen' });
    const admin = await adminToken();
    const url = `${DLG}/${d.id}`;
    assertProblem(await api('PATCH', url, { token: admin, body: { location: 'utan' } }), 428);
    assertProblem(await api('PATCH', url, { token: admin, body: { location: 'gammal' }, headers: { 'if-match': '"999"' } }), 412);
    assertProblem(await api('PATCH', url, { token: admin, body: { location: 'svag' }, headers: { 'if-match': `W/${etag}` } }), 412);
    const ok = await api('PATCH', url, { token: admin, body: { location: 'Angereds Arena' }, headers: { 'if-match': etag } });
    assert.equal(ok.status, 200, ok.text);
    assertDialogue(ok.json);
    assert.equal(ok.json.location, 'Angereds Arena');
    assert.equal(etagVersion(ok.headers.etag), etagVersion(etag) + 1);
    assertProblem(await api('PATCH', url, { token: admin, body: { location: 'igen' }, headers: { 'if-match': etag } }), 412, 'the old ETag is stale');
    const star = await api('PATCH', url, { token: admin, body: { location: 'Frölunda Kulturhus' }, headers: { 'if-match': '*' } });
    assert.equal(star.status, 200, star.text);
    const g = await getDialogue(d.id);
    assert.equal(g.dialogue.location, 'Frölunda Kulturhus');
    assert.equal(g.etag, star.headers.etag);
  });

  test('merge patch: null clears, absent keeps, arrays replace; times with an offset', async () => {
    const { dialogue: d, etag } = await createDialogue({ description: 'Före', agenda: 'Punkt 1', services: ['tolk'], principles: ['dialog'], capacity: 30 });
    const newStart = '2070-05-05T09:00:00+02:00';
    const p = await patchDialogue(d.id, { description: null, services: ['lattlast'], starts_at: newStart, ends_at: '2070-05-05T11:00:00+02:00', title: `  ${d.title} (ny)  ` }, { etag });
    assert.equal(p.status, 200, p.text);
    assertDialogue(p.json);
    assert.equal(p.json.description, null);
    assert.deepEqual(p.json.services, ['lattlast']);
    assert.equal(p.json.title, `${d.title} (ny)`);
    assert.ok(p.json.starts_at.startsWith('2070-05-05T07:00:00'), `starts_at ${p.json.starts_at}`);
    assert.ok(p.json.ends_at.startsWith('2070-05-05T09:00:00'), `ends_at ${p.json.ends_at}`);
    for (const k of ['agenda', 'principles', 'capacity', 'kind', 'status', 'format', 'registration_open', 'created_at', 'id']) {
      assert.deepEqual(p.json[k], d[k], `${k} changed by a PATCH that did not name it`);
    }
    assert.deepEqual((await getDialogue(d.id)).dialogue, p.json);
  });

  test('ends_at not after starts_at, invalid and read-only fields → 422, and nothing changes', async () => {
    const { dialogue: d, etag } = await createDialogue({ location: 'orörd' });
    const patch = (body) => patchDialogue(d.id, body, { etag });
    assertValidation(await patch({ ends_at: d.starts_at }), ['/ends_at'], 'ends_at = the current starts_at');
    assertValidation(await patch({ ends_at: new Date(Date.parse(d.starts_at) - HOUR).toISOString() }), ['/ends_at'], 'ends_at before the current starts_at');
    assertValidation(await patch({ starts_at: new Date(Date.parse(d.ends_at) + HOUR).toISOString() }), ['/ends_at'], 'starts_at moved after the current ends_at');
    assertFieldNamed(await patch({ kind: 'fika' }), '/kind');
    assertFieldNamed(await patch({ title: null }), '/title');
    assertFieldNamed(await patch({ format: 'telepati' }), '/format');
    assertFieldNamed(await patch({ services: ['massage'] }), '/services');
    assertFieldNamed(await patch({ participation_level: 'delegation' }), '/participation_level');
    assertFieldNamed(await patch({ online_url: 'javascript:alert(1)' }), '/online_url');
    assertFieldNamed(await patch({ capacity: 0 }), '/capacity');
    assertValidation(await patch({ seats_taken: 0 }), ['/seats_taken']);
    assertValidation(await patch({ waitlist_length: 0 }), ['/waitlist_length']);
    assertValidation(await patch({ id: crypto.randomUUID() }), ['/id']);
    assertValidation(await patch({ location: 'ny', foo: 1 }), ['/foo']);
    const g = await getDialogue(d.id);
    assert.equal(g.etag, etag, 'a refused PATCH changed the version');
    assert.equal(g.dialogue.location, 'orörd');
  });

  test('minutes: 422 /minutes before the meeting has ended; 200 after it (or once it is held)', async () => {
    const { dialogue: future, etag } = await createDialogue();
    assertValidation(await patchDialogue(future.id, { minutes: 'För tidigt.' }, { etag }), ['/minutes'], 'future meeting');
    // A meeting in progress has not ended either.
    const running = (await createDialogue({ starts_at: isoFromNow(-HOUR), ends_at: isoFromNow(HOUR) })).dialogue;
    assertValidation(await patchDialogue(running.id, { minutes: 'Pågår.' }), ['/minutes'], 'meeting in progress');
    assert.equal((await getDialogue(future.id)).dialogue.minutes, null);

    const { dialogue: past, etag: pastEtag } = await createDialogue({}, { startInMs: -5 * DAY });
    const minutes = '## Protokoll\n\nNärvarande: 12 organisationer. Beslut: uppföljning i höst.';
    const p = await patchDialogue(past.id, { minutes }, { etag: pastEtag });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.minutes, minutes);
    assert.equal((await api('GET', `${DLG}/${past.id}`)).json.minutes, minutes, 'minutes are public');

    // A future meeting marked held accepts minutes.
    const h = await patchDialogue(future.id, { status: 'held' });
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.status, 'held');
    const pm = await patchDialogue(future.id, { minutes: 'Hölls i förtid.' }, { etag: h.headers.etag });
    assert.equal(pm.status, 200, pm.text);
    assert.equal(pm.json.minutes, 'Hölls i förtid.');
  });

  test('status: held and back to scheduled by PATCH; never cancelled (refused, nothing changes)', async () => {
    const { dialogue: d, etag } = await createDialogue();
    const h = await patchDialogue(d.id, { status: 'held' }, { etag });
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.status, 'held');
    const s = await patchDialogue(d.id, { status: 'scheduled' }, { etag: h.headers.etag });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.status, 'scheduled');
    const c = await patchDialogue(d.id, { status: 'cancelled' }, { etag: s.headers.etag });
    assert.ok([409, 422].includes(c.status), `PATCH status cancelled: ${c.status} ${c.text}`);
    assertProblem(c, c.status);
    if (c.status === 422) assertValidation(c, ['/status']);
    assertFieldNamed(await patchDialogue(d.id, { status: 'postponed' }, { etag: s.headers.etag }), '/status', 'unknown status');
    const g = await getDialogue(d.id);
    assert.equal(g.dialogue.status, 'scheduled');
    assert.equal(g.etag, s.headers.etag);
  });

  test('permissions: anonymous 401, member 403, API client 403; unknown id 404', async () => {
    const { dialogue: d, etag } = await createDialogue({ location: 'orörd' });
    const url = `${DLG}/${d.id}`;
    const body = { location: 'kapad' };
    assertUnauthorized(await api('PATCH', url, { body, headers: { 'if-match': etag } }), {}, 'anonymous');
    const m = await newSession();
    assertProblem(await api('PATCH', url, { token: m.access, body, headers: { 'if-match': etag } }), 403, 'member');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await api('PATCH', url, { token, body, headers: { 'if-match': etag } }), 403, 'client');
    assertProblem(await api('PATCH', `${DLG}/${crypto.randomUUID()}`, { token: await adminToken(), body, headers: { 'if-match': '*' } }), 404);
    assertProblem(await api('PATCH', `${DLG}/inte-ett-id`, { token: await adminToken(), body, headers: { 'if-match': '*' } }), 404);
    const g = await getDialogue(d.id);
    assert.equal(g.dialogue.location, 'orörd');
    assert.equal(g.etag, etag);
  });
});

// ------------------------------------------------------------------------------------------

describe('cancel', () => {
  test('cancel → 200 cancelled with a new ETag; again → 409; PATCH of a cancelled dialogue → 409', async () => {
    const { dialogue: d, etag } = await createDialogue({ location: 'Biskopsgården' });
    const admin = await adminToken();
    const c = await api('POST', `${DLG}/${d.id}/cancel`, { token: admin });
    assert.equal(c.status, 200, c.text);
    assertDialogue(c.json);
    assert.equal(c.json.status, 'cancelled');
    assert.equal(c.json.id, d.id);
    assert.equal(etagVersion(c.headers.etag), etagVersion(etag) + 1, 'cancel changes the version');
    const g = await getDialogue(d.id);
    assert.equal(g.dialogue.status, 'cancelled');
    assert.equal(g.etag, c.headers.etag);

    assertProblem(await api('POST', `${DLG}/${d.id}/cancel`, { token: admin }), 409, 'cancel again');
    assertProblem(await patchDialogue(d.id, { location: 'Nytt' }, { etag: c.headers.etag }), 409, 'PATCH a cancelled dialogue');
    assertProblem(await patchDialogue(d.id, { status: 'scheduled' }, { etag: c.headers.etag }), 409, 'un-cancel by PATCH');
    const after = await getDialogue(d.id);
    assert.equal(after.dialogue.status, 'cancelled');
    assert.equal(after.dialogue.location, 'Biskopsgården');
    assert.equal(after.etag, c.headers.etag);
  });

  test('a held dialogue cannot be cancelled (409)', async () => {
    const { dialogue: d, etag } = await createDialogue({}, { startInMs: -3 * DAY });
    const h = await patchDialogue(d.id, { status: 'held' }, { etag });
    assert.equal(h.status, 200, h.text);
    assertProblem(await api('POST', `${DLG}/${d.id}/cancel`, { token: await adminToken() }), 409);
    assert.equal((await getDialogue(d.id)).dialogue.status, 'held');
  });

  test('permissions: anonymous 401, member 403, API client 403; unknown id 404', async () => {
    const { dialogue: d } = await createDialogue();
    const url = `${DLG}/${d.id}/cancel`;
    assertUnauthorized(await api('POST', url), {}, 'anonymous');
    const m = await newSession();
    assertProblem(await api('POST', url, { token: m.access }), 403, 'member');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await api('POST', url, { token }), 403, 'client');
    assert.equal((await getDialogue(d.id)).dialogue.status, 'scheduled', 'a refused cancel cancelled');
    assertProblem(await api('POST', `${DLG}/${crypto.randomUUID()}/cancel`, { token: await adminToken() }), 404);
  });
});

// ------------------------------------------------------------------------------------------

describe('audit', () => {
  test('create, PATCH and cancel each write an audit row with the request id; a refused write none', async () => {
    const admin = await adminToken();
    const rid1 = newRequestId('dlg-create');
    const { dialogue: d, etag, res } = await createDialogue({}, { headers: { 'x-request-id': rid1 } });
    assert.equal(res.headers['x-request-id'], rid1);
    const r1 = auditRowsWhere({ requestId: rid1, entityId: d.id });
    assert.equal(r1.length, 1, `create: ${JSON.stringify(r1)}`);
    assert.equal(r1[0].before, null);
    assert.equal(r1[0].after.title, d.title);

    const rid2 = newRequestId('dlg-patch');
    const p = await api('PATCH', `${DLG}/${d.id}`, { token: admin, body: { location: 'Kortedala' }, headers: { 'if-match': etag, 'x-request-id': rid2 } });
    assert.equal(p.status, 200, p.text);
    const r2 = auditRowsWhere({ requestId: rid2, entityId: d.id });
    assert.equal(r2.length, 1, `patch: ${JSON.stringify(r2)}`);
    assert.equal(r2[0].before.location, null);
    assert.equal(r2[0].after.location, 'Kortedala');

    const rid3 = newRequestId('dlg-cancel');
    const c = await api('POST', `${DLG}/${d.id}/cancel`, { token: admin, headers: { 'x-request-id': rid3 } });
    assert.equal(c.status, 200, c.text);
    const r3 = auditRowsWhere({ requestId: rid3, entityId: d.id });
    assert.equal(r3.length, 1, `cancel: ${JSON.stringify(r3)}`);
    assert.equal(r3[0].before.status, 'scheduled');
    assert.equal(r3[0].after.status, 'cancelled');

    const rid4 = newRequestId('dlg-refused');
    assertProblem(await api('POST', `${DLG}/${d.id}/cancel`, { token: admin, headers: { 'x-request-id': rid4 } }), 409);
    assertProblem(await api('PATCH', `${DLG}/${d.id}`, { token: admin, body: { location: 'x' }, headers: { 'if-match': '"999"', 'x-request-id': rid4 } }), 412);
    assert.deepEqual(auditRowsWhere({ requestId: rid4 }), [], 'a refused write left an audit row');
  });
});
