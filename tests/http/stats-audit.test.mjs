// Statistics and the audit log (section 5 of the contract, "Integration and open data" in
// docs/decisions.md). Stats: the shape, and each figure moving by exactly one when this test
// makes the change that should move it (verified organisations by kind and district, active
// endorsements and endorsements per month, dialogues held and upcoming, participating
// organisations). Audit: admin only, a PATCH's entry with before/after, the actor and the
// request id, newest first, filters, cursor paging and bad parameters.
//
// The stats are global, so these tests assume no other test file writes at the same time
// (tests/run.sh runs the files one at a time).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  api,
  assertProblem,
  assertUnauthorized,
  adminToken,
  adminId,
  newSession,
  uniqueName,
  uniqueWord,
  newRequestId,
  validOrgNumber,
  createOrg,
  verifyOrg,
  clientAccess,
  collectPages,
  isoFromNow,
  RFC3339_Z_RE,
  currentAgreement,
  createAgreement,
  adoptAgreement,
  newVerifiedOrg,
  endorse,
  stockholmDate,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const DLG = '/api/v1/dialogues';
const STATS = '/api/v1/stats';
const AUDIT = '/api/v1/audit';
const DAY = 24 * 3600 * 1000;
const AUDIT_KEYS = ['action', 'actor', 'after', 'before', 'entity_id', 'entity_type', 'id', 'occurred_at', 'request_id'];

let vocab = null;
async function vocabularies() {
  if (!vocab) {
    const r = await api('GET', '/api/v1/vocabularies');
    assert.equal(r.status, 200, r.text);
    // every code (old records may hold a retired one), and the current ones for new records
    const all = (list) => list.map((e) => e.code);
    const cur = (list) => list.filter((e) => !e.retired).map((e) => e.code);
    vocab = { kinds: all(r.json.kinds), districts: all(r.json.districts), currentKinds: cur(r.json.kinds), currentDistricts: cur(r.json.districts) };
  }
  return vocab;
}

const isCount = (n) => Number.isSafeInteger(n) && n >= 0;

/** GET /api/v1/stats anonymously; asserts 200 and the shape; returns the body. */
async function stats() {
  const r = await api('GET', STATS);
  assert.equal(r.status, 200, r.text);
  const s = r.json;
  const { kinds, districts } = await vocabularies();
  assert.deepEqual(Object.keys(s).sort(), ['dialogues', 'endorsements', 'organisations']);
  assert.deepEqual(Object.keys(s.organisations).sort(), ['by_district', 'by_kind', 'total']);
  assert.deepEqual(Object.keys(s.endorsements).sort(), ['active', 'agreement_id', 'by_month']);
  assert.deepEqual(Object.keys(s.dialogues).sort(), ['held', 'participating_organisations', 'upcoming']);
  assert.ok(isCount(s.organisations.total), `total ${s.organisations.total}`);
  for (const [k, n] of Object.entries(s.organisations.by_kind)) {
    assert.ok(kinds.includes(k), `by_kind: ${k} is not a kind`);
    assert.ok(isCount(n), `by_kind.${k} ${n}`);
  }
  for (const [k, n] of Object.entries(s.organisations.by_district)) {
    assert.ok(districts.includes(k), `by_district: ${k} is not a district`);
    assert.ok(isCount(n), `by_district.${k} ${n}`);
  }
  const kindSum = Object.values(s.organisations.by_kind).reduce((a, b) => a + b, 0);
  assert.equal(kindSum, s.organisations.total, 'every verified organisation has one kind: by_kind adds up to total');
  assert.ok(isCount(s.endorsements.active));
  assert.ok(Array.isArray(s.endorsements.by_month));
  let prev = '';
  for (const m of s.endorsements.by_month) {
    assert.deepEqual(Object.keys(m).sort(), ['count', 'month'], JSON.stringify(m));
    assert.match(m.month, /^\d{4}-(0[1-9]|1[0-2])$/, `month ${m.month}`);
    assert.ok(m.month > prev, `by_month oldest first, each month once: ${prev} then ${m.month}`);
    prev = m.month;
    assert.ok(isCount(m.count), `count ${m.count}`);
  }
  // both figures count the active endorsements of the current agreement
  assert.equal(s.endorsements.by_month.reduce((a, m) => a + m.count, 0), s.endorsements.active, 'by_month adds up to active');
  for (const k of ['held', 'upcoming', 'participating_organisations']) assert.ok(isCount(s.dialogues[k]), `dialogues.${k} ${s.dialogues[k]}`);
  return s;
}

const n = (obj, k) => obj[k] ?? 0;
const monthMap = (s) => Object.fromEntries(s.endorsements.by_month.map((m) => [m.month, m.count]));

/** Asserts `after` = `before` with `changes` ({code: delta}) applied (a missing code counts 0). */
function assertCounts(before, after, changes, what) {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) assert.equal(n(after, k), n(before, k) + (changes[k] ?? 0), `${what}.${k}: ${n(before, k)} → ${n(after, k)}`);
}

// ------------------------------------------------------------------------------------------

describe('GET /api/v1/stats', () => {
  test('public; the shape of the contract', async () => {
    const s = await stats();
    const withToken = await api('GET', STATS, { token: await adminToken() });
    assert.equal(withToken.status, 200, withToken.text);
    assert.deepEqual(withToken.json, s, 'the same figures for admin');
  });

  test('organisations: a pending one does not count; verified, it adds one to total, its kind and each of its districts', async () => {
    const { currentKinds: kinds, currentDistricts: districts } = await vocabularies();
    const kind = kinds[Math.floor(Math.random() * kinds.length)];
    const [d1, d2, d3] = [...districts].sort(() => Math.random() - 0.5);
    const m = await newSession();
    const s0 = await stats();
    const { id: a } = await createOrg(m.access, { kind, districts: [d1] });
    const { id: b } = await createOrg(m.access, { kind: 'annan', districts: [d2, d3] });
    const s1 = await stats();
    assert.deepEqual(s1.organisations, s0.organisations, 'pending organisations counted');
    await verifyOrg(a);
    const s2 = await stats();
    assert.equal(s2.organisations.total, s0.organisations.total + 1);
    assertCounts(s0.organisations.by_kind, s2.organisations.by_kind, { [kind]: 1 }, 'by_kind');
    assertCounts(s0.organisations.by_district, s2.organisations.by_district, { [d1]: 1 }, 'by_district');
    await verifyOrg(b);
    const s3 = await stats();
    assert.equal(s3.organisations.total, s0.organisations.total + 2);
    assertCounts(s2.organisations.by_kind, s3.organisations.by_kind, { annan: 1 }, 'by_kind');
    assertCounts(s2.organisations.by_district, s3.organisations.by_district, { [d2]: 1, [d3]: 1 }, 'by_district (one organisation in two districts)');
    // Deactivated: no longer counted.
    const g = await api('GET', `${ORGS}/${b}`, { token: await adminToken() });
    const p = await api('PATCH', `${ORGS}/${b}`, { token: await adminToken(), body: { status: 'inactive', status_reason: 'Upplöst' }, headers: { 'if-match': g.headers.etag } });
    assert.equal(p.status, 200, p.text);
    const s4 = await stats();
    assert.deepEqual(s4.organisations, s2.organisations, 'an inactive organisation is still counted');
  });

  test('endorsements: active and by_month move by one on endorsing and on withdrawing', async () => {
    const agreement = await currentAgreement();
    const { member, id } = await newVerifiedOrg();
    const s0 = await stats();
    const e = await endorse(agreement.id, id, member.access);
    const s1 = await stats();
    assert.equal(s1.endorsements.agreement_id, agreement.id, 'the figures name the current agreement');
    assert.equal(s1.endorsements.active, s0.endorsements.active + 1, 'active');
    const before = monthMap(s0);
    const after = monthMap(s1);
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => n(after, k) !== n(before, k));
    assert.equal(changed.length, 1, `exactly one month changes: ${JSON.stringify(changed)}`);
    const months = [e.endorsed_at.slice(0, 7), stockholmDate(e.endorsed_at).slice(0, 7)];
    assert.ok(months.includes(changed[0]), `the month that changed (${changed[0]}) is the endorsement's (${months.join(' or ')})`);
    assert.equal(n(after, changed[0]), n(before, changed[0]) + 1);

    const w = await api('POST', `/api/v1/agreements/${agreement.id}/endorsements/${e.id}/withdraw`, { token: member.access, body: { reason: 'Testet drar tillbaka.' } });
    assert.equal(w.status, 200, w.text);
    const s2 = await stats();
    assert.equal(s2.endorsements.active, s0.endorsements.active, 'a withdrawn endorsement is not active');
    assert.deepEqual(s2.endorsements.by_month, s0.endorsements.by_month, 'by_month counts the active endorsements: a withdrawn one leaves it');
  });

  test('endorsements: after a new agreement is adopted both figures count it, and agree (0 beside 0, not beside a bar)', async () => {
    const old = await currentAgreement();
    const { member, id } = await newVerifiedOrg();
    await endorse(old.id, id, member.access);
    const s0 = await stats();
    assert.ok(s0.endorsements.active >= 1);
    const next = await createAgreement();
    await adoptAgreement(next.id);
    const s1 = await stats();
    assert.equal(s1.endorsements.agreement_id, next.id, 'the figures follow the newly adopted agreement');
    assert.equal(s1.endorsements.active, 0, 'nobody endorsed the new agreement yet');
    assert.deepEqual(s1.endorsements.by_month, [], 'by_month still counted the superseded agreement');
    await endorse(next.id, id, member.access);
    const s2 = await stats();
    assert.equal(s2.endorsements.active, 1);
    assert.equal(s2.endorsements.by_month.reduce((a, m) => a + m.count, 0), 1);
  });

  test('dialogues: upcoming, held and participating organisations', async () => {
    const admin = await adminToken();
    const s0 = await stats();
    const future = await api('POST', DLG, {
      token: admin,
      body: { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: isoFromNow(20 * DAY), ends_at: isoFromNow(20 * DAY + 7200000), capacity: 50 },
    });
    assert.equal(future.status, 201, future.text);
    const s1 = await stats();
    assert.equal(s1.dialogues.upcoming, s0.dialogues.upcoming + 1, 'a scheduled dialogue after now is upcoming');
    assert.equal(s1.dialogues.held, s0.dialogues.held);

    const past = await api('POST', DLG, {
      token: admin,
      body: { title: `Dialogmöte ${uniqueWord()}`, kind: 'radsmote', starts_at: isoFromNow(-3 * DAY), ends_at: isoFromNow(-3 * DAY + 7200000) },
    });
    assert.equal(past.status, 201, past.text);
    const s2 = await stats();
    assert.equal(s2.dialogues.upcoming, s1.dialogues.upcoming, 'a dialogue in the past is not upcoming');
    const held = await api('PATCH', `${DLG}/${past.json.id}`, { token: admin, body: { status: 'held' }, headers: { 'if-match': past.headers.etag } });
    assert.equal(held.status, 200, held.text);
    const s3 = await stats();
    assert.equal(s3.dialogues.held, s0.dialogues.held + 1, 'held');

    const m = await newSession();
    const { id: orgId } = await createOrg(m.access);
    const reg = await api('POST', `${DLG}/${future.json.id}/registrations`, { token: m.access, body: { organisation_id: orgId, attendees: 2 } });
    assert.equal(reg.status, 201, reg.text);
    const s4 = await stats();
    assert.equal(s4.dialogues.participating_organisations, s0.dialogues.participating_organisations + 1, 'a registered organisation participates');
    const del = await api('DELETE', `${DLG}/${future.json.id}/registrations/${orgId}`, { token: m.access });
    assert.equal(del.status, 204, del.text);
    const s5 = await stats();
    assert.equal(s5.dialogues.participating_organisations, s0.dialogues.participating_organisations, 'a cancelled registration does not count');

    const x = await api('POST', `${DLG}/${future.json.id}/cancel`, { token: admin });
    assert.equal(x.status, 200, x.text);
    const s6 = await stats();
    assert.equal(s6.dialogues.upcoming, s0.dialogues.upcoming, 'a cancelled dialogue is not upcoming');
  });
});

// ------------------------------------------------------------------------------------------

/** Admin GET of the audit log with a query; asserts 200 and the entry shape; returns the body. */
async function audit(query) {
  const r = await api('GET', `${AUDIT}?${query}`, { token: await adminToken() });
  assert.equal(r.status, 200, `GET ${AUDIT}?${query}: ${r.status} ${r.text}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next_cursor']);
  for (const a of r.json.items) assertEntry(a);
  assertNewestFirst(r.json.items);
  return r.json;
}

function assertEntry(a) {
  assert.deepEqual(Object.keys(a).sort(), AUDIT_KEYS, `audit entry keys: ${JSON.stringify(a).slice(0, 300)}`);
  assert.match(a.occurred_at, RFC3339_Z_RE);
  assert.deepEqual(Object.keys(a.actor).sort(), ['id', 'name', 'type']);
  assert.ok(['user', 'client', 'system'].includes(a.actor.type), `actor.type ${a.actor.type}`);
  assert.equal(typeof a.action, 'string');
  assert.equal(typeof a.entity_type, 'string');
}

function assertNewestFirst(items) {
  for (let i = 1; i < items.length; i++) {
    assert.ok(Date.parse(items[i - 1].occurred_at) >= Date.parse(items[i].occurred_at), `not newest first at ${i}: ${items[i - 1].occurred_at} then ${items[i].occurred_at}`);
  }
  assert.equal(new Set(items.map((a) => JSON.stringify(a.id))).size, items.length, 'an entry repeated');
}

async function adminName() {
  const r = await api('GET', '/api/v1/me', { token: await adminToken() });
  assert.equal(r.status, 200, r.text);
  return r.json.name;
}

describe('GET /api/v1/audit', () => {
  test('admin only: anonymous 401, member 403, an API client with every scope 403', async () => {
    assertUnauthorized(await api('GET', AUDIT), {}, 'anonymous');
    const m = await newSession();
    assertProblem(await api('GET', AUDIT, { token: m.access }), 403, 'member');
    const { token } = await clientAccess(['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage']);
    assertProblem(await api('GET', AUDIT, { token }), 403, 'client');
  });

  test('a PATCH of an organisation: newest first, before/after with the old and new value, the actor, the request id', async () => {
    const m = await newSession();
    const rid1 = newRequestId('audit-create');
    const { id, org, etag } = await createOrg(m.access, { description: 'före' }, { headers: { 'x-request-id': rid1 } });
    const p = await api('PATCH', `${ORGS}/${id}`, { token: m.access, body: { description: 'efter' }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    const rid2 = p.headers['x-request-id'];
    assert.ok(rid2, 'the PATCH answer has no X-Request-Id');
    const rid3 = newRequestId('audit-verify');
    const v = await api('POST', `${ORGS}/${id}/verify`, { token: await adminToken(), headers: { 'x-request-id': rid3 } });
    assert.equal(v.status, 200, v.text);

    const { items } = await audit(`entity_type=organisation&entity_id=${id}`);
    assert.deepEqual(items.map((a) => a.request_id), [rid3, rid2, rid1], 'three entries, newest first');
    const [ver, upd, cre] = items;
    for (const a of items) {
      assert.equal(a.entity_type, 'organisation');
      assert.equal(a.entity_id, id);
    }
    assert.equal(upd.action, 'update');
    assert.equal(upd.before.description, 'före');
    assert.equal(upd.after.description, 'efter');
    assert.deepEqual(upd.actor, { type: 'user', id: m.id, name: m.user.name });
    assert.equal(cre.before, null);
    assert.equal(cre.after.name, org.name);
    assert.deepEqual(cre.actor, { type: 'user', id: m.id, name: m.user.name });
    assert.equal(ver.before.status, 'pending');
    assert.equal(ver.after.status, 'verified');
    assert.deepEqual(ver.actor, { type: 'user', id: await adminId(), name: await adminName() });
  });

  test('an API client as the actor (upsert by organisation number)', async () => {
    const { token, client } = await clientAccess(['organisations:write']);
    const rid = newRequestId('audit-upsert');
    const r = await api('PUT', `${ORGS}/by-org-number/${validOrgNumber()}`, { token, body: { name: uniqueName('Registerförening'), kind: 'ideell_forening' }, headers: { 'x-request-id': rid } });
    assert.equal(r.status, 201, r.text);
    const { items } = await audit(`entity_type=organisation&entity_id=${r.json.id}`);
    assert.equal(items.length, 1, JSON.stringify(items));
    assert.deepEqual(items[0].actor, { type: 'client', id: client.id, name: client.name });
    assert.equal(items[0].request_id, rid);
  });

  test('filters: actor, action, entity_type', async () => {
    const m = await newSession();
    const { id, etag } = await createOrg(m.access, { description: 'ett' });
    const p = await api('PATCH', `${ORGS}/${id}`, { token: m.access, body: { description: 'två' }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    const { id: other } = await createOrg(m.access);

    const byActor = await collectPages(`${AUDIT}?actor=${m.id}`, await adminToken(), { key: (a) => JSON.stringify(a.id) });
    assert.ok(byActor.length >= 3, `the member's entries: ${byActor.length}`);
    assert.ok(byActor.every((a) => a.actor.id === m.id), 'actor= returned another actor\'s entries');
    assert.ok(byActor.some((a) => a.entity_id === id && a.action === 'update') && byActor.some((a) => a.entity_id === other), 'the member\'s own entries are missing');

    const updates = (await audit(`entity_type=organisation&entity_id=${id}&action=update`)).items;
    assert.deepEqual(updates.map((a) => [a.action, a.after.description]), [['update', 'två']]);

    const orgsOnly = (await audit('entity_type=organisation&limit=20')).items;
    assert.ok(orgsOnly.length > 0 && orgsOnly.every((a) => a.entity_type === 'organisation'), 'entity_type= returned other types');
    const mixed = (await audit(`actor=${m.id}&entity_type=organisation&entity_id=${other}`)).items;
    assert.deepEqual(mixed.map((a) => a.entity_id), [other], 'filters combine');
  });

  test('paging with the cursor; a bad cursor, limit, entity_id or actor → 400', async () => {
    const m = await newSession();
    const rids = [newRequestId('page-0')];
    const created = await createOrg(m.access, { description: 'v0' }, { headers: { 'x-request-id': rids[0] } });
    let etag = created.etag;
    for (let i = 1; i <= 5; i++) {
      rids.push(newRequestId(`page-${i}`));
      const p = await api('PATCH', `${ORGS}/${created.id}`, { token: m.access, body: { description: `v${i}` }, headers: { 'if-match': etag, 'x-request-id': rids[i] } });
      assert.equal(p.status, 200, p.text);
      etag = p.headers.etag;
    }
    const q = `${AUDIT}?entity_type=organisation&entity_id=${created.id}`;
    const first = await audit(`entity_type=organisation&entity_id=${created.id}&limit=2`);
    assert.equal(first.items.length, 2);
    assert.equal(typeof first.next_cursor, 'string', 'a first page of 2 of 6 has a next cursor');
    const paged = await collectPages(q, await adminToken(), { limit: 2, key: (a) => JSON.stringify(a.id) });
    assertNewestFirst(paged);
    assert.deepEqual(paged.map((a) => a.request_id), [...rids].reverse(), 'the pages hold every entry once, newest first');
    const one = await audit(`entity_type=organisation&entity_id=${created.id}&limit=100`);
    assert.deepEqual(paged, one.items, 'pages of 2 = one page of 100');
    assert.equal(one.next_cursor, null);

    const admin = await adminToken();
    for (const bad of ['cursor=not-a-cursor', 'cursor=%7B%7D', 'cursor=AAAA', 'limit=0', 'limit=101', 'limit=abc', 'entity_id=not-a-uuid', 'actor=12345']) {
      assertProblem(await api('GET', `${AUDIT}?${bad}`, { token: admin }), 400, bad);
    }
  });
});
