// Section 3 of the contract and "Dialogues" in docs/decisions.md, the registrations:
// POST/GET /api/v1/dialogues/{id}/registrations, DELETE and PATCH
// .../registrations/{organisation_id}: who may register (the organisation's representatives of
// either role, admin; 403 for a visible organisation one does not represent, 422 for one one
// cannot see), attendees 1..50, the 409 cases, what the public list hides, unregistration
// (kept as cancelled), attendance, the waitlist (a registration that fits is registered even
// behind a waiting one; freed seats go to every waiting registration that fits, in order, in
// the same request; a larger capacity promotes too) and the race of 30 organisations for 10
// seats.
//
// The database is shared with the other tests, so every test makes its own dialogues,
// organisations and people.

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
  adminId,
  newSession,
  newSessions,
  clientAccess,
  createOrg,
  verifyOrg,
  uniqueWord,
  newRequestId,
  auditRowsWhere,
  isoFromNow,
  UUID_RE,
  RFC3339_Z_RE,
} from './support.mjs';

const DLG = '/api/v1/dialogues';
const ORGS = '/api/v1/organisations';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const ALL_SCOPES = ['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage'];
const PUBLIC_KEYS = ['attended', 'attendees', 'organisation', 'registered_at', 'status', 'waitlist_position'];
const PRIVATE_KEYS = ['note', 'registered_by'];

const regsUrl = (dialogueId) => `${DLG}/${dialogueId}/registrations`;
const regUrl = (dialogueId, orgId) => `${DLG}/${dialogueId}/registrations/${orgId}`;

/** Admin creates a dialogue starting in 30..60 days; returns it. */
async function createDialogue(fields = {}, startInMs = (30 + crypto.randomInt(0, 30)) * DAY) {
  const starts = fields.starts_at ?? isoFromNow(startInMs);
  const body = { title: `Anmälan ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * HOUR).toISOString(), ...fields };
  const r = await api('POST', DLG, { token: await adminToken(), body });
  assert.equal(r.status, 201, `create dialogue: ${r.status} ${r.text}`);
  return r.json;
}

async function getDialogue(id) {
  const r = await api('GET', `${DLG}/${id}`);
  assert.equal(r.status, 200, `GET dialogue: ${r.status} ${r.text}`);
  return { dialogue: r.json, etag: r.headers.etag };
}

async function patchDialogue(id, patch) {
  const { etag } = await getDialogue(id);
  const r = await api('PATCH', `${DLG}/${id}`, { token: await adminToken(), body: patch, headers: { 'if-match': etag } });
  assert.equal(r.status, 200, `PATCH dialogue ${JSON.stringify(patch)}: ${r.status} ${r.text}`);
  return r.json;
}

/** A member who is the signatory of a new organisation (verified unless verify is false). */
async function signedOrg({ verify = true, fields = {} } = {}) {
  const s = await newSession();
  const { org } = await createOrg(s.access, fields);
  if (verify) await verifyOrg(org.id);
  return { s, org };
}

function register(token, dialogueId, orgId, attendees = 1, extra = {}, headers) {
  const body = { organisation_id: orgId, attendees, ...extra };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return api('POST', regsUrl(dialogueId), { token, body, headers });
}

/**
 * GET the registrations (admin unless token is given, `null` for anonymous), every page of
 * them through next_cursor; returns the items.
 */
async function registrations(dialogueId, { token, query = '' } = {}) {
  const tok = token === undefined ? await adminToken() : token ?? undefined;
  const items = [];
  let cursor = null;
  do {
    const qs = [query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
    const r = await api('GET', `${regsUrl(dialogueId)}${qs ? `?${qs}` : ''}`, { token: tok });
    assert.equal(r.status, 200, `GET registrations: ${r.status} ${r.text}`);
    assert.ok(Array.isArray(r.json.items), 'items');
    assert.ok('next_cursor' in r.json, 'next_cursor (null on the last page)');
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor !== null);
  return items;
}

/** Asserts a registration's shape: the public keys, plus note/registered_by when privileged. */
function assertRegistration(reg, { privileged, what = 'registration' } = {}) {
  const keys = privileged ? [...PUBLIC_KEYS, ...PRIVATE_KEYS] : PUBLIC_KEYS;
  assert.deepEqual(Object.keys(reg).sort(), [...keys].sort(), `${what}: keys (privileged=${privileged})`);
  assert.deepEqual(Object.keys(reg.organisation).sort(), ['id', 'name'], `${what}.organisation keys`);
  assert.match(reg.organisation.id, UUID_RE);
  assert.ok(Number.isInteger(reg.attendees) && reg.attendees >= 1 && reg.attendees <= 50, `${what}.attendees`);
  assert.ok(['registered', 'waitlisted', 'cancelled'].includes(reg.status), `${what}.status ${reg.status}`);
  assert.match(reg.registered_at, RFC3339_Z_RE, `${what}.registered_at`);
  assert.ok(reg.attended === null || typeof reg.attended === 'boolean', `${what}.attended`);
  if (reg.status === 'waitlisted') assert.ok(Number.isInteger(reg.waitlist_position) && reg.waitlist_position >= 1, `${what}.waitlist_position ${reg.waitlist_position}`);
  else assert.equal(reg.waitlist_position, null, `${what}.waitlist_position of a ${reg.status} registration`);
  if (privileged) {
    assert.ok(reg.note === null || typeof reg.note === 'string', `${what}.note`);
    assert.ok(reg.registered_by && typeof reg.registered_by === 'object', `${what}.registered_by`);
    assert.deepEqual(Object.keys(reg.registered_by).sort(), ['id', 'name'], `${what}.registered_by keys`);
  }
}

/** Sum of attendees of the registered ones; count of the waitlisted ones. */
function tally(items) {
  return {
    seats: items.filter((r) => r.status === 'registered').reduce((n, r) => n + r.attendees, 0),
    waiting: items.filter((r) => r.status === 'waitlisted').length,
  };
}

/** The registrations of `orgId` among items, in list order. */
const ofOrg = (items, orgId) => items.filter((r) => r.organisation.id === orgId);
/** The one non-cancelled registration of `orgId`. */
function activeOf(items, orgId) {
  const a = ofOrg(items, orgId).filter((r) => r.status !== 'cancelled');
  assert.equal(a.length, 1, `expected one active registration of ${orgId}: ${JSON.stringify(ofOrg(items, orgId))}`);
  return a[0];
}

/** The waitlisted ones are numbered 1..n in list (registered_at) order. */
function assertWaitlistNumbering(items, what) {
  const w = items.filter((r) => r.status === 'waitlisted');
  assert.deepEqual(w.map((r) => r.waitlist_position), w.map((_, i) => i + 1), `${what}: waitlist positions in registered_at order`);
  for (let i = 1; i < items.length; i++) {
    assert.ok(Date.parse(items[i - 1].registered_at) <= Date.parse(items[i].registered_at), `${what}: the list is ordered by registered_at`);
  }
}

// ------------------------------------------------------------------------------------------

describe('register', () => {
  test('the list shows an organisation only to whom may see it: a pending one is hidden from the public and other members, shown to its own and admin', async () => {
    const d = await createDialogue({ capacity: null });
    const { s, org } = await signedOrg({ verify: false });
    assert.equal((await register(s.access, d.id, org.id, 1)).status, 201);
    const { org: shown } = await signedOrg();
    assert.equal((await register(await adminToken(), d.id, shown.id, 1)).status, 201);
    assertProblem(await api('GET', `${ORGS}/${org.id}`), 404, 'a pending organisation, anonymously');
    const ids = (items) => items.map((i) => i.organisation.id);
    assert.deepEqual(ids(await registrations(d.id, { token: null })), [shown.id], 'anonymous sees a pending organisation');
    const other = await newSession();
    assert.deepEqual(ids(await registrations(d.id, { token: other.access })), [shown.id], 'an unrelated member sees a pending organisation');
    assert.deepEqual(ids(await registrations(d.id, { token: s.access })), [org.id, shown.id], 'its own representative');
    assert.deepEqual(ids(await registrations(d.id)), [org.id, shown.id], 'admin');
  });

  test('a signatory registers their organisation: 201 registered, seats_taken grows by attendees', async () => {
    const d = await createDialogue({ capacity: 20 });
    const { s, org } = await signedOrg();
    const r = await register(s.access, d.id, org.id, 4, { note: 'Vi behöver hörslinga.' });
    assert.equal(r.status, 201, r.text);
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, regUrl(d.id, org.id), `Location: ${r.headers.location}`);
    assertRegistration(r.json, { privileged: true });
    assert.deepEqual(r.json.organisation, { id: org.id, name: org.name });
    assert.equal(r.json.status, 'registered');
    assert.equal(r.json.attendees, 4);
    assert.equal(r.json.note, 'Vi behöver hörslinga.');
    assert.equal(r.json.attended, null);
    assert.equal(r.json.waitlist_position, null);
    assert.deepEqual(r.json.registered_by, { id: s.id, name: s.user.name });
    let g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 4);
    assert.equal(g.waitlist_length, 0);

    const { s: s2, org: org2 } = await signedOrg();
    const r2 = await register(s2.access, d.id, org2.id, 3);
    assert.equal(r2.status, 201, r2.text);
    assert.equal(r2.json.status, 'registered');
    assert.equal(r2.json.note, null, 'note is optional');
    g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 7);
    assert.equal(g.waitlist_length, 0);
    const items = await registrations(d.id);
    assert.deepEqual(items.map((i) => i.organisation.id), [org.id, org2.id]);
  });

  test('a pending organisation may register; so may a representative (not signatory) and admin', async () => {
    const d = await createDialogue({ capacity: null });
    const { s, org } = await signedOrg({ verify: false });
    const r = await register(s.access, d.id, org.id, 2);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'registered');

    const { s: sig, org: org2 } = await signedOrg();
    const rep = await newSession();
    const add = await api('POST', `${ORGS}/${org2.id}/representatives`, { token: sig.access, body: { email: rep.email, role: 'representative' } });
    assert.equal(add.status, 201, add.text);
    const r2 = await register(rep.access, d.id, org2.id, 5);
    assert.equal(r2.status, 201, r2.text);
    assert.deepEqual(r2.json.registered_by, { id: rep.id, name: rep.user.name });

    const { org: org3 } = await signedOrg();
    const r3 = await register(await adminToken(), d.id, org3.id, 1);
    assert.equal(r3.status, 201, r3.text);
    assert.equal(r3.json.registered_by.id, await adminId());
    assert.equal((await getDialogue(d.id)).dialogue.seats_taken, 8, 'no capacity: everyone registered');
  });

  test('attendees 1..50, note ≤ 1000, organisation_id required; read-only and unknown fields → 422', async () => {
    const d = await createDialogue({ capacity: 100 });
    const { s, org } = await signedOrg();
    for (const attendees of [0, 51, -1, 2.5, '3', null]) {
      assertValidation(await register(s.access, d.id, org.id, attendees), ['/attendees'], `attendees ${JSON.stringify(attendees)}`);
    }
    assertValidation(await api('POST', regsUrl(d.id), { token: s.access, body: { organisation_id: org.id } }), ['/attendees'], 'attendees missing');
    assertValidation(await register(s.access, d.id, org.id, 1, { note: 'x'.repeat(1001) }), ['/note'], 'note 1001');
    assertValidation(await register(s.access, d.id, undefined, 1), ['/organisation_id'], 'organisation_id missing');
    assertValidation(await register(s.access, d.id, 'inte-ett-id', 1), ['/organisation_id'], 'organisation_id not a UUID');
    assertValidation(await register(s.access, d.id, org.id, 1, { status: 'registered' }), ['/status'], 'status');
    assertValidation(await register(s.access, d.id, org.id, 1, { attended: true }), ['/attended'], 'attended');
    assertValidation(await register(s.access, d.id, org.id, 1, { foo: 1 }), ['/foo'], 'unknown field');
    assert.deepEqual(await registrations(d.id), [], 'a refused registration was stored');
    assert.equal((await getDialogue(d.id)).dialogue.seats_taken, 0);
    // The limits are accepted.
    const r = await register(s.access, d.id, org.id, 50, { note: 'å'.repeat(1000) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.note, 'å'.repeat(1000));
    const { s: s2, org: org2 } = await signedOrg();
    const r1 = await register(s2.access, d.id, org2.id, 1);
    assert.equal(r1.status, 201, r1.text);
    assert.equal((await getDialogue(d.id)).dialogue.seats_taken, 51);
  });

  test('409: a second registration (registered or waitlisted); re-registering after unregistering is a new one', async () => {
    const d = await createDialogue({ capacity: 3 });
    const { s, org } = await signedOrg();
    assert.equal((await register(s.access, d.id, org.id, 2)).status, 201);
    assertProblem(await register(s.access, d.id, org.id, 1), 409, 'registered twice');
    assertProblem(await register(await adminToken(), d.id, org.id, 1), 409, 'admin registers it again');
    const { s: s2, org: org2 } = await signedOrg();
    const w = await register(s2.access, d.id, org2.id, 2);
    assert.equal(w.status, 201, w.text);
    assert.equal(w.json.status, 'waitlisted');
    assertProblem(await register(s2.access, d.id, org2.id, 1), 409, 'waitlisted, registers again');
    let g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 2);
    assert.equal(g.waitlist_length, 1);

    const del = await api('DELETE', regUrl(d.id, org.id), { token: s.access });
    assert.equal(del.status, 204, del.text);
    const again = await register(s.access, d.id, org.id, 1);
    assert.equal(again.status, 201, again.text);
    const mine = ofOrg(await registrations(d.id), org.id);
    assert.deepEqual(mine.map((r) => r.status), ['cancelled', again.json.status], 'the old registration is kept as cancelled, the new one added');
    g = (await getDialogue(d.id)).dialogue;
    const t = tally(await registrations(d.id));
    assert.equal(g.seats_taken, t.seats);
    assert.equal(g.waitlist_length, t.waiting);
  });

  test('409: registration closed, dialogue cancelled, held or started, organisation rejected', async () => {
    const { s, org } = await signedOrg();
    const closed = await createDialogue({ registration_open: false });
    assertProblem(await register(s.access, closed.id, org.id, 1), 409, 'registration_open false');
    assertProblem(await register(await adminToken(), closed.id, org.id, 1), 409, 'admin, registration_open false');
    // Opening it again lets the organisation in.
    await patchDialogue(closed.id, { registration_open: true });
    assert.equal((await register(s.access, closed.id, org.id, 1)).status, 201);

    const cancelled = await createDialogue();
    const c = await api('POST', `${DLG}/${cancelled.id}/cancel`, { token: await adminToken() });
    assert.equal(c.status, 200, c.text);
    assertProblem(await register(s.access, cancelled.id, org.id, 1), 409, 'cancelled dialogue');

    const held = await createDialogue();
    await patchDialogue(held.id, { status: 'held' });
    assertProblem(await register(s.access, held.id, org.id, 1), 409, 'held dialogue');

    const started = await createDialogue({ starts_at: isoFromNow(-HOUR), ends_at: isoFromNow(HOUR) });
    assertProblem(await register(s.access, started.id, org.id, 1), 409, 'the meeting has started');
    const past = await createDialogue({}, -7 * DAY);
    assertProblem(await register(s.access, past.id, org.id, 1), 409, 'a past meeting');

    const s2 = await newSession();
    const { org: rejected } = await createOrg(s2.access);
    const rj = await api('POST', `${ORGS}/${rejected.id}/reject`, { token: await adminToken(), body: { reason: 'Inte idéburen' } });
    assert.equal(rj.status, 200, rj.text);
    const open = await createDialogue();
    assertProblem(await register(s2.access, open.id, rejected.id, 1), 409, 'rejected organisation');
    for (const dd of [cancelled, held, started, past, open]) assert.deepEqual(await registrations(dd.id), [], 'a refused registration was stored');
  });

  test('who: anonymous 401, API client 403; a member who does not represent it: 403 if they see it, 422 if not', async () => {
    const d = await createDialogue();
    const { org: visible } = await signedOrg(); // verified: everyone sees it
    const { org: hidden } = await signedOrg({ verify: false }); // pending: only its people see it
    const m = await newSession();
    assertUnauthorized(await register(undefined, d.id, visible.id, 1), {}, 'anonymous');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await register(token, d.id, visible.id, 1), 403, 'client');
    assertProblem(await register(m.access, d.id, visible.id, 1), 403, 'a member, a verified organisation they do not represent');
    assertValidation(await register(m.access, d.id, hidden.id, 1), ['/organisation_id'], "a member, another's pending organisation");
    assertValidation(await register(m.access, d.id, crypto.randomUUID(), 1), ['/organisation_id'], 'an organisation that does not exist');
    // A representative of another organisation is no better.
    const { s: other } = await signedOrg();
    assertProblem(await register(other.access, d.id, visible.id, 1), 403, 'the signatory of another organisation');
    assert.deepEqual(await registrations(d.id), []);
    assert.equal((await getDialogue(d.id)).dialogue.seats_taken, 0);
  });

  test('an unknown dialogue → 404', async () => {
    const { s, org } = await signedOrg();
    assertProblem(await register(s.access, crypto.randomUUID(), org.id, 1), 404);
    assertProblem(await register(s.access, 'inte-ett-id', org.id, 1), 404);
    assertProblem(await api('GET', regsUrl(crypto.randomUUID())), 404);
  });

  test('a registration writes an audit row with the request id', async () => {
    const d = await createDialogue();
    const { s, org } = await signedOrg();
    const rid = newRequestId('reg-create');
    const r = await register(s.access, d.id, org.id, 2, {}, { 'x-request-id': rid });
    assert.equal(r.status, 201, r.text);
    const rows = auditRowsWhere({ requestId: rid });
    assert.ok(rows.length >= 1, 'no audit row for the registration');
    assert.ok(rows.some((a) => JSON.stringify(a).includes(org.id)), `the audit rows do not name the organisation: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((a) => JSON.stringify(a).includes(s.id)), 'the audit rows do not name the member');
  });
});

// ------------------------------------------------------------------------------------------

describe('list', () => {
  test('public list: organisation names only; note and registered_by for admin and that organisation\'s representatives', async () => {
    const d = await createDialogue({ capacity: 3 });
    const A = await signedOrg();
    const B = await signedOrg();
    const C = await signedOrg();
    assert.equal((await register(A.s.access, d.id, A.org.id, 2, { note: 'Anteckning A' })).status, 201);
    assert.equal((await register(B.s.access, d.id, B.org.id, 2, { note: 'Anteckning B' })).status, 201); // waitlisted
    assert.equal((await register(C.s.access, d.id, C.org.id, 1, { note: 'Anteckning C' })).status, 201); // fits

    const anon = await registrations(d.id, { token: null });
    assert.deepEqual(anon.map((r) => r.organisation.id), [A.org.id, B.org.id, C.org.id], 'ordered by registered_at');
    for (const r of anon) assertRegistration(r, { privileged: false, what: 'anonymous' });
    assert.deepEqual(anon.map((r) => r.organisation.name), [A.org.name, B.org.name, C.org.name]);
    assert.deepEqual(anon.map((r) => r.status), ['registered', 'waitlisted', 'registered']);
    assert.ok(!anon.some((r) => JSON.stringify(r).includes('Anteckning')), 'a note leaked to anonymous');

    const m = await newSession();
    for (const r of await registrations(d.id, { token: m.access })) assertRegistration(r, { privileged: false, what: 'unrelated member' });

    // A's signatory sees A's note and registering person, not B's or C's.
    const asA = await registrations(d.id, { token: A.s.access });
    for (const r of asA) assertRegistration(r, { privileged: r.organisation.id === A.org.id, what: `as A, ${r.organisation.name}` });
    const a = asA.find((r) => r.organisation.id === A.org.id);
    assert.equal(a.note, 'Anteckning A');
    assert.deepEqual(a.registered_by, { id: A.s.id, name: A.s.user.name });

    const admin = await registrations(d.id);
    for (const r of admin) assertRegistration(r, { privileged: true, what: 'admin' });
    assert.deepEqual(admin.map((r) => r.note), ['Anteckning A', 'Anteckning B', 'Anteckning C']);
    assert.deepEqual(admin.map((r) => r.registered_by.id), [A.s.id, B.s.id, C.s.id]);

    // filter status
    assert.deepEqual((await registrations(d.id, { token: null, query: 'status=waitlisted' })).map((r) => r.organisation.id), [B.org.id]);
    assert.deepEqual((await registrations(d.id, { token: null, query: 'status=registered' })).map((r) => r.organisation.id), [A.org.id, C.org.id]);
    assert.deepEqual(await registrations(d.id, { token: null, query: 'status=cancelled' }), []);
    assertProblem(await api('GET', `${regsUrl(d.id)}?status=sleeping`), 400, 'an unknown status');

    // pages: limit=2 gives two pages, in the same order, and the status filter pages too
    const p1 = await api('GET', `${regsUrl(d.id)}?limit=2`);
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(p1.json.items.map((r) => r.organisation.id), [A.org.id, B.org.id], 'the first page');
    assert.equal(typeof p1.json.next_cursor, 'string', 'a first page of two of three has a next_cursor');
    const p2 = await api('GET', `${regsUrl(d.id)}?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`);
    assert.deepEqual(p2.json.items.map((r) => r.organisation.id), [C.org.id], 'the second page');
    assert.equal(p2.json.next_cursor, null, 'the last page');
    assert.deepEqual((await registrations(d.id, { token: null, query: 'status=registered&limit=1' })).map((r) => r.organisation.id), [A.org.id, C.org.id], 'status=registered, a page of one at a time');
    for (const qs of ['limit=0', 'limit=101', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) assertProblem(await api('GET', `${regsUrl(d.id)}?${qs}`), 400, qs);
    // a cursor of another list: the dialogues list orders by another key
    const dl = await api('GET', '/api/v1/dialogues?limit=1');
    assert.equal(typeof dl.json.next_cursor, 'string', 'the dialogues list has a second page');
    assertProblem(await api('GET', `${regsUrl(d.id)}?cursor=${encodeURIComponent(dl.json.next_cursor)}`), 400, "the dialogues list's cursor");
  });
});

// ------------------------------------------------------------------------------------------

describe('unregister', () => {
  test('DELETE → 204; the registration stays as cancelled, the seats are freed; again → 404', async () => {
    const d = await createDialogue({ capacity: 10 });
    const { s, org } = await signedOrg();
    assert.equal((await register(s.access, d.id, org.id, 4, { note: 'kvar' })).status, 201);
    assert.equal((await getDialogue(d.id)).dialogue.seats_taken, 4);
    const del = await api('DELETE', regUrl(d.id, org.id), { token: s.access });
    assert.equal(del.status, 204, del.text);
    assert.equal(del.text, '');
    const items = await registrations(d.id);
    assert.equal(items.length, 1, 'the registration is kept');
    assert.equal(items[0].status, 'cancelled');
    assert.equal(items[0].attendees, 4);
    assert.equal(items[0].note, 'kvar');
    assert.equal(items[0].waitlist_position, null);
    assert.equal((await getDialogue(d.id)).dialogue.seats_taken, 0);
    assertProblem(await api('DELETE', regUrl(d.id, org.id), { token: s.access }), 404, 'no active registration left');
    const { org: never } = await signedOrg();
    assertProblem(await api('DELETE', regUrl(d.id, never.id), { token: await adminToken() }), 404, 'never registered');
  });

  test('who: anonymous 401, API client 403, another member 403; a representative and admin may', async () => {
    const d = await createDialogue();
    const { s, org } = await signedOrg();
    assert.equal((await register(s.access, d.id, org.id, 1)).status, 201);
    assertUnauthorized(await api('DELETE', regUrl(d.id, org.id)), {}, 'anonymous');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await api('DELETE', regUrl(d.id, org.id), { token }), 403, 'client');
    const m = await newSession();
    assertProblem(await api('DELETE', regUrl(d.id, org.id), { token: m.access }), 403, 'unrelated member');
    assert.equal(activeOf(await registrations(d.id), org.id).status, 'registered', 'a refused DELETE cancelled it');

    const rep = await newSession();
    const add = await api('POST', `${ORGS}/${org.id}/representatives`, { token: s.access, body: { email: rep.email, role: 'representative' } });
    assert.equal(add.status, 201, add.text);
    assert.equal((await api('DELETE', regUrl(d.id, org.id), { token: rep.access })).status, 204, 'a representative unregisters');

    const { org: org2 } = await signedOrg();
    assert.equal((await register(await adminToken(), d.id, org2.id, 1)).status, 201);
    assert.equal((await api('DELETE', regUrl(d.id, org2.id), { token: await adminToken() })).status, 204, 'admin unregisters');
    assert.deepEqual((await registrations(d.id)).map((r) => r.status), ['cancelled', 'cancelled']);
  });
});

// ------------------------------------------------------------------------------------------

describe('attendance', () => {
  test('admin PATCH {attended} → 200 with the registration; null clears; 409 cancelled; 404 none; 422 bad', async () => {
    const d = await createDialogue({ capacity: 10 });
    const A = await signedOrg();
    const B = await signedOrg();
    assert.equal((await register(A.s.access, d.id, A.org.id, 3)).status, 201);
    assert.equal((await register(B.s.access, d.id, B.org.id, 2)).status, 201);
    assert.equal((await api('DELETE', regUrl(d.id, B.org.id), { token: B.s.access })).status, 204);
    await patchDialogue(d.id, { status: 'held' });
    const admin = await adminToken();

    const p = await api('PATCH', regUrl(d.id, A.org.id), { token: admin, body: { attended: true } });
    assert.equal(p.status, 200, p.text);
    assertRegistration(p.json, { privileged: true });
    assert.equal(p.json.organisation.id, A.org.id);
    assert.equal(p.json.attended, true);
    assert.equal(p.json.status, 'registered');
    assert.equal(activeOf(await registrations(d.id, { token: null }), A.org.id).attended, true, 'attendance is public');
    const f = await api('PATCH', regUrl(d.id, A.org.id), { token: admin, body: { attended: false } });
    assert.equal(f.status, 200, f.text);
    assert.equal(f.json.attended, false);
    const n = await api('PATCH', regUrl(d.id, A.org.id), { token: admin, body: { attended: null } });
    assert.equal(n.status, 200, n.text);
    assert.equal(n.json.attended, null);

    assertFieldNamed(await api('PATCH', regUrl(d.id, A.org.id), { token: admin, body: { attended: 'ja' } }), '/attended');
    assertValidation(await api('PATCH', regUrl(d.id, A.org.id), { token: admin, body: { attended: true, attendees: 9 } }), ['/attendees']);
    assertProblem(await api('PATCH', regUrl(d.id, B.org.id), { token: admin, body: { attended: true } }), 409, 'a cancelled registration');
    const { org: none } = await signedOrg();
    assertProblem(await api('PATCH', regUrl(d.id, none.id), { token: admin, body: { attended: true } }), 404, 'no registration');
    assert.equal(activeOf(await registrations(d.id), A.org.id).attended, null);
  });

  test('only admin: anonymous 401, API client 403, the organisation\'s own signatory 403', async () => {
    const d = await createDialogue();
    const { s, org } = await signedOrg();
    assert.equal((await register(s.access, d.id, org.id, 1)).status, 201);
    await patchDialogue(d.id, { status: 'held' });
    const body = { attended: true };
    assertUnauthorized(await api('PATCH', regUrl(d.id, org.id), { body }), {}, 'anonymous');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await api('PATCH', regUrl(d.id, org.id), { token, body }), 403, 'client');
    assertProblem(await api('PATCH', regUrl(d.id, org.id), { token: s.access, body }), 403, 'its own signatory');
    assert.equal(activeOf(await registrations(d.id), org.id).attended, null);
  });
});

// ------------------------------------------------------------------------------------------

describe('waitlist', () => {
  test('registered while the attendees fit, else waitlisted; freed seats go to every waiting one that fits, in order', async () => {
    const d = await createDialogue({ capacity: 5 });
    const [A, B, C, D, E] = await Promise.all([1, 2, 3, 4, 5].map(() => signedOrg({ verify: false })));
    const reg = async (o, n) => {
      const r = await register(o.s.access, d.id, o.org.id, n);
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    assert.equal((await reg(A, 3)).status, 'registered'); // 3 of 5
    const b = await reg(B, 3); // 3 + 3 > 5
    assert.equal(b.status, 'waitlisted');
    assert.equal(b.waitlist_position, 1);
    assert.equal((await reg(C, 2)).status, 'registered', 'C fits (3 + 2 = 5) although B waits');
    const dd = await reg(D, 1);
    assert.equal(dd.status, 'waitlisted');
    assert.equal(dd.waitlist_position, 2);
    const e = await reg(E, 4);
    assert.equal(e.status, 'waitlisted');
    assert.equal(e.waitlist_position, 3);
    let g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 5);
    assert.equal(g.waitlist_length, 3);

    // A leaves (3 seats free; C holds 2): B (3) fits → registered; D (1) and E (4) do not.
    assert.equal((await api('DELETE', regUrl(d.id, A.org.id), { token: A.s.access })).status, 204);
    let items = await registrations(d.id);
    assert.equal(activeOf(items, B.org.id).status, 'registered', 'B promoted in the same request');
    assert.equal(activeOf(items, D.org.id).status, 'waitlisted');
    assert.equal(activeOf(items, D.org.id).waitlist_position, 1, 'D moves up to 1');
    assert.equal(activeOf(items, E.org.id).waitlist_position, 2, 'E moves up to 2');
    assertWaitlistNumbering(items, 'after A left');
    g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 5);
    assert.equal(g.waitlist_length, 2);

    // B leaves (3 free; C holds 2): D (1) fits, then E (4) does not (2 + 1 + 4 > 5).
    assert.equal((await api('DELETE', regUrl(d.id, B.org.id), { token: B.s.access })).status, 204);
    items = await registrations(d.id);
    assert.equal(activeOf(items, D.org.id).status, 'registered');
    assert.equal(activeOf(items, E.org.id).status, 'waitlisted');
    assert.equal(activeOf(items, E.org.id).waitlist_position, 1);
    g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 3);
    assert.equal(g.waitlist_length, 1);

    // A waiting registration may leave too; nothing else moves.
    assert.equal((await api('DELETE', regUrl(d.id, E.org.id), { token: E.s.access })).status, 204);
    g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 3);
    assert.equal(g.waitlist_length, 0);
    const t = tally(await registrations(d.id));
    assert.deepEqual(t, { seats: 3, waiting: 0 });
  });

  test('a walk of the waitlist promotes every one that fits, skipping one that does not', async () => {
    const d = await createDialogue({ capacity: 6 });
    const [A, B, C, D] = await Promise.all([1, 2, 3, 4].map(() => signedOrg({ verify: false })));
    assert.equal((await register(A.s.access, d.id, A.org.id, 6)).json.status, 'registered');
    assert.equal((await register(B.s.access, d.id, B.org.id, 2)).json.status, 'waitlisted');
    assert.equal((await register(C.s.access, d.id, C.org.id, 5)).json.status, 'waitlisted');
    assert.equal((await register(D.s.access, d.id, D.org.id, 3)).json.status, 'waitlisted');
    assert.equal((await api('DELETE', regUrl(d.id, A.org.id), { token: A.s.access })).status, 204);
    // 6 free: B (2) → 2; C (5) → 7 > 6, stays; D (3) → 5 ≤ 6, promoted.
    const items = await registrations(d.id);
    assert.equal(activeOf(items, B.org.id).status, 'registered');
    assert.equal(activeOf(items, C.org.id).status, 'waitlisted');
    assert.equal(activeOf(items, C.org.id).waitlist_position, 1);
    assert.equal(activeOf(items, D.org.id).status, 'registered');
    const g = (await getDialogue(d.id)).dialogue;
    assert.equal(g.seats_taken, 5);
    assert.equal(g.waitlist_length, 1);
  });

  test('a larger capacity promotes from the waitlist; a smaller one drops nobody', async () => {
    const d = await createDialogue({ capacity: 4 });
    const [A, B, C] = await Promise.all([1, 2, 3].map(() => signedOrg({ verify: false })));
    assert.equal((await register(A.s.access, d.id, A.org.id, 4)).json.status, 'registered');
    assert.equal((await register(B.s.access, d.id, B.org.id, 2)).json.status, 'waitlisted');
    assert.equal((await register(C.s.access, d.id, C.org.id, 3)).json.status, 'waitlisted');
    const p = await patchDialogue(d.id, { capacity: 7 });
    assert.equal(p.seats_taken, 6, 'B promoted by the PATCH itself');
    assert.equal(p.waitlist_length, 1);
    let items = await registrations(d.id);
    assert.equal(activeOf(items, B.org.id).status, 'registered');
    assert.equal(activeOf(items, C.org.id).status, 'waitlisted');
    assert.equal(activeOf(items, C.org.id).waitlist_position, 1);

    const small = await patchDialogue(d.id, { capacity: 2 });
    assert.equal(small.capacity, 2);
    assert.equal(small.seats_taken, 6, 'a smaller capacity drops no registration');
    items = await registrations(d.id);
    assert.equal(activeOf(items, A.org.id).status, 'registered');
    assert.equal(activeOf(items, B.org.id).status, 'registered');
    const { s, org } = await signedOrg({ verify: false });
    const late = await register(s.access, d.id, org.id, 1);
    assert.equal(late.status, 201, late.text);
    assert.equal(late.json.status, 'waitlisted', 'over capacity: a new registration waits');
    assert.equal(late.json.waitlist_position, 2);

    // No capacity at all: everyone waiting is promoted.
    const open = await patchDialogue(d.id, { capacity: null });
    assert.equal(open.waitlist_length, 0);
    assert.equal(open.seats_taken, 10);
  });

  test('race: 30 organisations, 10 seats, all at once — never overbooked; an unregistration promotes the first that fit', async () => {
    const capacity = 10;
    const d = await createDialogue({ capacity });
    const people = await newSessions(30);
    const orgs = [];
    for (let i = 0; i < 30; i += 10) {
      orgs.push(...(await Promise.all(people.slice(i, i + 10).map((s) => createOrg(s.access).then((r) => r.org)))));
    }
    const want = new Map(orgs.map((o, i) => [o.id, 1 + (i % 3)]));
    const results = await Promise.all(orgs.map((o, i) => register(people[i].access, d.id, o.id, want.get(o.id))));
    for (const r of results) assert.equal(r.status, 201, `every organisation gets 201: ${r.status} ${r.text}`);
    const answered = new Map(results.map((r) => [r.json.organisation.id, r.json.status]));

    let items = await registrations(d.id);
    assert.equal(items.length, 30);
    for (const r of items) {
      assertRegistration(r, { privileged: true, what: 'race' });
      assert.equal(r.attendees, want.get(r.organisation.id));
      assert.equal(r.status, answered.get(r.organisation.id), 'the status answered is the status stored');
    }
    let t = tally(items);
    let g = (await getDialogue(d.id)).dialogue;
    assert.ok(t.seats <= capacity, `overbooked: ${t.seats} seats of ${capacity}`);
    assert.equal(g.seats_taken, t.seats, 'seats_taken is the sum of the registered attendees');
    assert.equal(g.waitlist_length, t.waiting, 'waitlist_length is the number waitlisted');
    assert.equal(t.waiting + items.filter((r) => r.status === 'registered').length, 30);
    assert.ok(t.waiting > 0, 'with about 60 attendees for 10 seats someone waits');
    // Seats only grew during the race, so no waiting registration would fit even now.
    for (const r of items.filter((x) => x.status === 'waitlisted')) {
      assert.ok(t.seats + r.attendees > capacity, `${r.organisation.name} (${r.attendees}) waits although ${t.seats} of ${capacity} are taken`);
    }
    assertWaitlistNumbering(items, 'after the race');

    // One registered organisation leaves: walk the waitlist in order, promoting every one that fits.
    const waiting = items.filter((r) => r.status === 'waitlisted').sort((a, b) => a.waitlist_position - b.waitlist_position);
    const walk = (leaver) => {
      let n = t.seats - leaver.attendees;
      const up = [];
      for (const w of waiting) {
        if (n + w.attendees <= capacity) {
          n += w.attendees;
          up.push(w.organisation.id);
        }
      }
      return { seats: n, promoted: up };
    };
    // The registered organisation whose leaving promotes the most (the largest one on a tie).
    const candidates = items.filter((r) => r.status === 'registered').sort((a, b) => b.attendees - a.attendees);
    const leaving = candidates.reduce((best, r) => (walk(r).promoted.length > walk(best).promoted.length ? r : best), candidates[0]);
    const { seats, promoted } = walk(leaving);
    const leaverIndex = orgs.findIndex((o) => o.id === leaving.organisation.id);
    const del = await api('DELETE', regUrl(d.id, leaving.organisation.id), { token: people[leaverIndex].access });
    assert.equal(del.status, 204, del.text);

    items = await registrations(d.id);
    assert.equal(ofOrg(items, leaving.organisation.id)[0].status, 'cancelled');
    for (const w of waiting) {
      const now = activeOf(items, w.organisation.id);
      assert.equal(now.status, promoted.includes(w.organisation.id) ? 'registered' : 'waitlisted', `${w.organisation.name} (position ${w.waitlist_position}, ${w.attendees})`);
    }
    const stillWaiting = waiting.filter((w) => !promoted.includes(w.organisation.id)).map((w) => w.organisation.id);
    assert.deepEqual(
      items.filter((r) => r.status === 'waitlisted').sort((a, b) => a.waitlist_position - b.waitlist_position).map((r) => r.organisation.id),
      stillWaiting,
      'the rest keep their order',
    );
    assertWaitlistNumbering(items, 'after the unregistration');
    t = tally(items);
    g = (await getDialogue(d.id)).dialogue;
    assert.equal(t.seats, seats);
    assert.ok(t.seats <= capacity);
    assert.equal(g.seats_taken, t.seats);
    assert.equal(g.waitlist_length, t.waiting);
  });
});
