// Section 4 of the contract and "Agreements and endorsements" in docs/decisions.md, the
// endorsements: who may endorse (a signatory of a verified organisation, or admin on its
// behalf), the 409 cases, the 422 cases, twenty parallel endorsements of one organisation
// (exactly one 201), withdrawal and endorsing again, who sees signatory names and mandates, the
// public register with its filters and `as_of`, the organisation's history, the organisation's
// `endorsement` field and `endorsed` filter, the agreement's `endorsement_count`, and the audit
// rows. The CSV is in endorsements-csv.test.mjs.
//
// At most one agreement is adopted at a time in the whole database, so the tests of this file
// run one after another, and each creates and adopts its own agreement first (which supersedes
// whatever was adopted before).

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
  clientAccess,
  createOrg,
  verifyOrg,
  getOrgAsAdmin,
  uniqueWord,
  newRequestId,
  auditRowsWhere,
  collectPages,
  etagVersion,
  stockholmDate,
  sleep,
  UUID_RE,
  RFC3339_Z_RE,
} from './support.mjs';

const AGR = '/api/v1/agreements';
const ORGS = '/api/v1/organisations';
const ALL_SCOPES = ['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage'];
const PUBLIC_KEYS = ['agreement_id', 'endorsed_at', 'id', 'organisation', 'renewal_needed_at', 'statement', 'status', 'withdrawal_reason', 'withdrawn_at'];
const PRIVATE_KEYS = ['endorsed_by', 'mandate', 'signatory_name', 'signatory_title'];
const enc = encodeURIComponent;

const SIGNATORY = Object.freeze({ signatory_name: 'Anna Andersson', signatory_title: 'Ordförande', mandate: 'Styrelsebeslut 2024-03-12 §7' });

async function freshAdopted() {
  const admin = await adminToken();
  const w = uniqueWord();
  const c = await api('POST', AGR, { token: admin, body: { slug: `stod-${w}`, title: `Överenskommelsen ${w}`, goals: ['Samverkan.'] } });
  assert.equal(c.status, 201, `create agreement: ${c.status} ${c.text}`);
  const r = await api('POST', `${AGR}/${c.json.id}/adopt`, { token: admin, body: { decision: { body: 'Kommunfullmäktige', date: '2012-05-24', reference: 'Dnr 0169/12', summary: 'Antagen.' } } });
  assert.equal(r.status, 200, `adopt: ${r.status} ${r.text}`);
  assert.equal(r.json.status, 'adopted');
  return r.json;
}

async function getAgreement(id) {
  const r = await api('GET', `${AGR}/${id}`);
  assert.equal(r.status, 200, `GET agreement: ${r.status} ${r.text}`);
  return r.json;
}

/** A member who is the signatory of a new organisation (verified unless verify is false). */
async function signedOrg({ verify = true, fields = {} } = {}) {
  const s = await newSession();
  const { org } = await createOrg(s.access, fields);
  if (verify) await verifyOrg(org.id);
  return { s, org };
}

async function addRepresentative(signatory, orgId, role = 'representative') {
  const p = await newSession();
  const r = await api('POST', `${ORGS}/${orgId}/representatives`, { token: signatory.access, body: { email: p.email, role } });
  assert.equal(r.status, 201, `add representative: ${r.status} ${r.text}`);
  return p;
}

function endorse(token, agreementId, orgId, extra = {}, headers) {
  const body = { organisation_id: orgId, ...SIGNATORY, statement: 'Vi står bakom överenskommelsen.', ...extra };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return api('POST', `${AGR}/${agreementId}/endorsements`, { token, body, headers });
}

// NO_REASON sends a body without `reason` (a default parameter would swallow `undefined`).
const NO_REASON = Symbol('no reason');
function withdraw(token, agreementId, endorsementId, reason = 'Årsmötet beslutade att dra tillbaka stödet.', headers) {
  return api('POST', `${AGR}/${agreementId}/endorsements/${endorsementId}/withdraw`, { token, body: reason === NO_REASON ? {} : { reason }, headers });
}

/** The register of `agreementId` (every page) as `token` (admin unless given; null = anonymous). */
async function register(agreementId, { query = '', token } = {}) {
  const tok = token === undefined ? await adminToken() : token ?? undefined;
  return collectPages(`${AGR}/${agreementId}/endorsements${query ? `?${query}` : ''}`, tok);
}

async function history(orgId, token) {
  const r = await api('GET', `${ORGS}/${orgId}/endorsements`, { token });
  assert.equal(r.status, 200, `GET history: ${r.status} ${r.text}`);
  assert.ok(Array.isArray(r.json.items), 'items');
  return r.json.items;
}

/** The endorsement's shape; the private keys present exactly when `privileged`. */
function assertEndorsement(e, { privileged, what = 'endorsement' } = {}) {
  const keys = privileged ? [...PUBLIC_KEYS, ...PRIVATE_KEYS] : PUBLIC_KEYS;
  assert.deepEqual(Object.keys(e).sort(), [...keys].sort(), `${what}: keys (privileged=${privileged})`);
  assert.match(e.id, UUID_RE);
  assert.match(e.agreement_id, UUID_RE);
  assert.deepEqual(Object.keys(e.organisation).sort(), ['id', 'kind', 'name', 'org_number'], `${what}.organisation keys`);
  assert.ok(['active', 'withdrawn', 'renewal_needed'].includes(e.status), `${what}.status ${e.status}`);
  assert.match(e.endorsed_at, RFC3339_Z_RE, `${what}.endorsed_at`);
  if (e.status === 'withdrawn') {
    assert.match(e.withdrawn_at || '', RFC3339_Z_RE, `${what}.withdrawn_at`);
    assert.equal(typeof e.withdrawal_reason, 'string', `${what}.withdrawal_reason`);
  }
  if (privileged) {
    assert.deepEqual(Object.keys(e.endorsed_by || {}).sort(), ['id', 'name'], `${what}.endorsed_by`);
    assert.equal(typeof e.mandate, 'string');
    assert.equal(typeof e.signatory_name, 'string');
  }
}

const idsOf = (items) => items.map((e) => e.id);

/** RFC 3339 with a +02:00 offset for an instant (ms). */
function withOffset(ms) {
  return `${new Date(ms + 2 * 3600 * 1000).toISOString().slice(0, 19)}+02:00`;
}

/** The day before a YYYY-MM-DD date. */
function dayBefore(date) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

// ------------------------------------------------------------------------------------------

describe('endorsements', { concurrency: 1 }, () => {
  test('a signatory of a verified organisation endorses: 201; organisation.endorsement, its ETag, endorsement_count and endorsed=true follow', async () => {
    const a = await freshAdopted();
    const w = uniqueWord();
    const { s, org } = await signedOrg({ fields: { name: `Föreningen Stöd ${w}`, kind: 'stiftelse' } });
    const { etag: orgEtag } = await getOrgAsAdmin(org.id);
    const rid = newRequestId('end-create');
    const r = await endorse(s.access, a.id, org.id, { statement: 'Vi vill samverka.' }, { 'x-request-id': rid });
    assert.equal(r.status, 201, r.text);
    const e = r.json;
    assertEndorsement(e, { privileged: true });
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, `${AGR}/${a.id}/endorsements/${e.id}`, `Location: ${r.headers.location}`);
    assert.equal(e.agreement_id, a.id);
    assert.deepEqual(e.organisation, { id: org.id, name: org.name, org_number: org.org_number, kind: 'stiftelse' });
    assert.equal(e.status, 'active');
    assert.equal(e.statement, 'Vi vill samverka.');
    assert.equal(e.signatory_name, SIGNATORY.signatory_name);
    assert.equal(e.signatory_title, SIGNATORY.signatory_title);
    assert.equal(e.mandate, SIGNATORY.mandate);
    assert.deepEqual(e.endorsed_by, { id: s.id, name: s.user.name });
    for (const k of ['withdrawn_at', 'withdrawal_reason', 'renewal_needed_at']) assert.equal(e[k], null, k);

    const after = await getOrgAsAdmin(org.id);
    assert.deepEqual(after.org.endorsement, { id: e.id, agreement_id: a.id, endorsed_at: e.endorsed_at });
    assert.equal(etagVersion(after.etag), etagVersion(orgEtag) + 1, "endorsing changes the organisation's ETag");
    const pub = await api('GET', `${ORGS}/${org.id}`);
    assert.deepEqual(pub.json.endorsement, after.org.endorsement, 'the endorsement is public');
    assert.equal((await getAgreement(a.id)).endorsement_count, 1);

    const listed = async (endorsed) => {
      const l = await api('GET', `${ORGS}?q=${w}&endorsed=${endorsed}&limit=100`);
      assert.equal(l.status, 200, l.text);
      return l.json.items.map((o) => o.id);
    };
    assert.deepEqual(await listed(true), [org.id], 'endorsed=true finds it');
    assert.deepEqual(await listed(false), [], 'endorsed=false does not');

    const reg = await register(a.id, { token: null });
    assert.deepEqual(idsOf(reg), [e.id]);

    const rows = auditRowsWhere({ requestId: rid });
    assert.ok(rows.some((x) => x.entity_id === e.id), `no audit row for the endorsement: ${JSON.stringify(rows).slice(0, 500)}`);
    assert.ok(rows.some((x) => JSON.stringify(x).includes(s.id)), 'the audit rows do not name the signatory');
  });

  test('admin endorses on behalf of an organisation: 201, endorsed_by the admin, and the audit row shows it', async () => {
    const a = await freshAdopted();
    const { org } = await signedOrg();
    const rid = newRequestId('end-admin');
    const r = await endorse(await adminToken(), a.id, org.id, {}, { 'x-request-id': rid });
    assert.equal(r.status, 201, r.text);
    assertEndorsement(r.json, { privileged: true });
    assert.equal(r.json.endorsed_by.id, await adminId());
    const rows = auditRowsWhere({ requestId: rid });
    assert.ok(rows.some((x) => x.entity_id === r.json.id), 'no audit row for the endorsement');
    assert.ok(rows.some((x) => JSON.stringify(x).includes(r.json.endorsed_by.id)), 'the audit rows do not name the admin');
  });

  test('409: a pending or rejected organisation; an agreement in draft or consultation; 404: an unknown agreement', async () => {
    const admin = await adminToken();
    const a = await freshAdopted();
    const pending = await signedOrg({ verify: false });
    assertProblem(await endorse(pending.s.access, a.id, pending.org.id), 409, 'pending organisation');
    assertProblem(await endorse(admin, a.id, pending.org.id), 409, 'admin, pending organisation');
    const rejected = await signedOrg({ verify: false });
    const rj = await api('POST', `${ORGS}/${rejected.org.id}/reject`, { token: admin, body: { reason: 'Inte idéburen' } });
    assert.equal(rj.status, 200, rj.text);
    assertProblem(await endorse(rejected.s.access, a.id, rejected.org.id), 409, 'rejected organisation');

    const { s, org } = await signedOrg();
    const w = uniqueWord();
    const draft = await api('POST', AGR, { token: admin, body: { slug: `utkast-${w}`, title: `Utkast ${w}` } });
    assert.equal(draft.status, 201, draft.text);
    // A draft is hidden from everyone but admin (404 for them); admin gets 409.
    assertProblem(await endorse(s.access, draft.json.id, org.id), 404, 'draft agreement, its signatory');
    assertProblem(await endorse(admin, draft.json.id, org.id), 409, 'draft agreement, admin');
    const cons = await api('POST', AGR, { token: admin, body: { slug: `remiss-${w}`, title: `Remiss ${w}`, status: 'consultation' } });
    assert.equal(cons.status, 201, cons.text);
    assertProblem(await endorse(s.access, cons.json.id, org.id), 409, 'agreement in consultation');
    assertProblem(await endorse(admin, cons.json.id, org.id), 409, 'agreement in consultation, admin');
    assertProblem(await endorse(s.access, crypto.randomUUID(), org.id), 404, 'unknown agreement');
    assertProblem(await endorse(s.access, 'inte-ett-id', org.id), 404, 'non-UUID agreement');
    assert.deepEqual(await register(a.id), [], 'a refused endorsement was stored');
    assert.equal((await getOrgAsAdmin(org.id)).org.endorsement, null);
  });

  test('who: anonymous 401, API client 403, a representative 403, another member 403 (visible) or 422 /organisation_id (hidden)', async () => {
    const a = await freshAdopted();
    const { s, org } = await signedOrg();
    const rep = await addRepresentative(s, org.id, 'representative');
    assertUnauthorized(await endorse(undefined, a.id, org.id), {}, 'anonymous');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await endorse(token, a.id, org.id), 403, 'client');
    assertProblem(await endorse(rep.access, a.id, org.id), 403, 'a representative who is not a signatory');
    const m = await newSession();
    assertProblem(await endorse(m.access, a.id, org.id), 403, 'an unrelated member, a verified organisation');
    const hidden = await signedOrg({ verify: false });
    assertValidation(await endorse(m.access, a.id, hidden.org.id), ['/organisation_id'], "an unrelated member, another's pending organisation");
    assertValidation(await endorse(m.access, a.id, crypto.randomUUID()), ['/organisation_id'], 'an organisation that does not exist');
    const other = await signedOrg();
    assertProblem(await endorse(other.s.access, a.id, org.id), 403, 'the signatory of another organisation');
    assert.deepEqual(await register(a.id), [], 'a refused endorsement was stored');
    // A representative promoted to signatory may.
    const up = await api('POST', `${ORGS}/${org.id}/representatives`, { token: s.access, body: { email: rep.email, role: 'signatory' } });
    assert.ok([200, 201].includes(up.status), up.text);
    const ok = await endorse(rep.access, a.id, org.id);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.endorsed_by.id, rep.id);
  });

  test('validation: mandate required (1..500), signatory_name 1..200, signatory_title ≤ 200, statement ≤ 2000; unknown fields', async () => {
    const a = await freshAdopted();
    const { s, org } = await signedOrg();
    const cases = [
      ['/mandate', { mandate: undefined }],
      ['/mandate', { mandate: '' }],
      ['/mandate', { mandate: null }],
      ['/mandate', { mandate: 'x'.repeat(501) }],
      ['/signatory_name', { signatory_name: undefined }],
      ['/signatory_name', { signatory_name: '' }],
      ['/signatory_name', { signatory_name: 'x'.repeat(201) }],
      ['/signatory_title', { signatory_title: 'x'.repeat(201) }],
      ['/statement', { statement: 'x'.repeat(2001) }],
      ['/organisation_id', { organisation_id: 'inte-ett-id' }],
      ['/organisation_id', { organisation_id: undefined }],
      ['/status', { status: 'active' }],
      ['/endorsed_at', { endorsed_at: '2012-09-04T10:00:00Z' }],
      ['/foo', { foo: 1 }],
    ];
    for (const [field, extra] of cases) {
      assertFieldNamed(await endorse(s.access, a.id, org.id, extra), field, `${field} ${JSON.stringify(extra).slice(0, 60)}`);
    }
    assertValidation(await endorse(s.access, a.id, org.id, { mandate: undefined, signatory_name: undefined }), ['/mandate', '/signatory_name'], 'both missing');
    assert.deepEqual(await register(a.id), [], 'a refused endorsement was stored');
    // Optional fields may be left out; the limits are accepted.
    const r = await endorse(s.access, a.id, org.id, { signatory_title: undefined, statement: undefined, mandate: 'å'.repeat(500), signatory_name: 'Ö'.repeat(200) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.signatory_title, null);
    assert.equal(r.json.statement, null);
    assert.equal(r.json.mandate, 'å'.repeat(500));
  });

  test('twenty parallel endorsements of one organisation: exactly one 201 and nineteen 409', async () => {
    const a = await freshAdopted();
    const { s, org } = await signedOrg();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => endorse(s.access, a.id, org.id, { statement: `Försök ${i}` })));
    const statuses = results.map((r) => r.status);
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1, `exactly one 201: ${JSON.stringify(statuses)}`);
    const conflicts = results.filter((r) => r.status === 409);
    assert.equal(conflicts.length, 19, `nineteen 409: ${JSON.stringify(statuses)}`);
    for (const c of conflicts) assertProblem(c, 409);
    const reg = await register(a.id);
    assert.deepEqual(idsOf(reg), [created[0].json.id], 'one endorsement in the register');
    assert.equal(reg[0].status, 'active');
    assert.equal((await getAgreement(a.id)).endorsement_count, 1);
    assert.equal((await getOrgAsAdmin(org.id)).org.endorsement?.id, created[0].json.id);
    assert.equal((await history(org.id)).length, 1);
    // Sequentially, too: a second endorsement while one is active is 409.
    assertProblem(await endorse(s.access, a.id, org.id), 409, 'endorse again while active');
    assertProblem(await endorse(await adminToken(), a.id, org.id), 409, 'admin endorses again while active');
  });

  test('withdraw with a reason → withdrawn; again → 409; endorsing again is a new endorsement; the history lists both', async () => {
    const a = await freshAdopted();
    const w = uniqueWord();
    const { s, org } = await signedOrg({ fields: { name: `Föreningen Återtag ${w}` } });
    const e1 = (await endorse(s.access, a.id, org.id)).json;
    assert.equal(e1.status, 'active');
    const { etag: orgEtag } = await getOrgAsAdmin(org.id);

    assertFieldNamed(await withdraw(s.access, a.id, e1.id, NO_REASON), '/reason', 'no reason');
    assertFieldNamed(await withdraw(s.access, a.id, e1.id, ''), '/reason', 'empty reason');
    assertFieldNamed(await withdraw(s.access, a.id, e1.id, 'x'.repeat(1001)), '/reason', 'reason 1001');

    const rid = newRequestId('end-withdraw');
    const t0 = Date.now();
    const r = await withdraw(s.access, a.id, e1.id, 'Årsmötet 2025 beslutade så.', { 'x-request-id': rid });
    assert.equal(r.status, 200, r.text);
    assertEndorsement(r.json, { privileged: true });
    assert.equal(r.json.id, e1.id);
    assert.equal(r.json.status, 'withdrawn');
    assert.equal(r.json.withdrawal_reason, 'Årsmötet 2025 beslutade så.');
    assert.ok(Math.abs(Date.parse(r.json.withdrawn_at) - t0) < 60000, `withdrawn_at ${r.json.withdrawn_at}`);
    assert.equal(r.json.endorsed_at, e1.endorsed_at, 'endorsed_at is kept');
    assert.ok(r.headers.etag, 'withdraw answers an ETag');
    const rows = auditRowsWhere({ requestId: rid });
    assert.ok(rows.some((x) => x.entity_id === e1.id), `no audit row for the withdrawal: ${JSON.stringify(rows).slice(0, 500)}`);
    assert.ok(rows.some((x) => JSON.stringify(x.after ?? {}).includes('withdrawn')), 'the audit row does not show the withdrawal');

    const after = await getOrgAsAdmin(org.id);
    assert.equal(after.org.endorsement, null);
    assert.equal(etagVersion(after.etag), etagVersion(orgEtag) + 1, "withdrawing changes the organisation's ETag");
    assert.equal((await getAgreement(a.id)).endorsement_count, 0);
    const l = await api('GET', `${ORGS}?q=${w}&endorsed=true`);
    assert.deepEqual(l.json.items, [], 'endorsed=true after the withdrawal');
    const kept = await register(a.id, { token: null });
    assert.deepEqual(idsOf(kept), [e1.id], 'the register keeps the withdrawn endorsement');
    assert.equal(kept[0].status, 'withdrawn');
    assert.equal(kept[0].withdrawal_reason, 'Årsmötet 2025 beslutade så.');

    assertProblem(await withdraw(s.access, a.id, e1.id), 409, 'withdraw again');
    assertProblem(await withdraw(await adminToken(), a.id, e1.id), 409, 'admin withdraws again');
    assertProblem(await withdraw(s.access, a.id, crypto.randomUUID()), 404, 'unknown endorsement');

    const e2 = await endorse(s.access, a.id, org.id, { statement: 'Vi är tillbaka.' });
    assert.equal(e2.status, 201, e2.text);
    assert.notEqual(e2.json.id, e1.id, 'a new endorsement');
    assert.equal(e2.json.status, 'active');
    assert.equal((await getAgreement(a.id)).endorsement_count, 1);
    assert.equal((await getOrgAsAdmin(org.id)).org.endorsement?.id, e2.json.id);
    const h = await history(org.id);
    assert.deepEqual(h.map((e) => [e.id, e.status]), [[e2.json.id, 'active'], [e1.id, 'withdrawn']], 'history, newest first');
    for (const e of h) assertEndorsement(e, { privileged: false, what: 'anonymous history' });
    assert.deepEqual(idsOf(await register(a.id)), [e1.id, e2.json.id], 'register by endorsed_at');
  });

  test('withdraw — who: anonymous 401, API client 403, a representative 403, another member 403; admin may', async () => {
    const a = await freshAdopted();
    const { s, org } = await signedOrg();
    const e = (await endorse(s.access, a.id, org.id)).json;
    const rep = await addRepresentative(s, org.id);
    assertUnauthorized(await withdraw(undefined, a.id, e.id), {}, 'anonymous');
    const { token } = await clientAccess(ALL_SCOPES);
    assertProblem(await withdraw(token, a.id, e.id), 403, 'client');
    assertProblem(await withdraw(rep.access, a.id, e.id), 403, 'representative');
    const m = await newSession();
    assertProblem(await withdraw(m.access, a.id, e.id), 403, 'unrelated member');
    const other = await signedOrg();
    assertProblem(await withdraw(other.s.access, a.id, e.id), 403, 'signatory of another organisation');
    assert.equal((await register(a.id))[0].status, 'active', 'a refused withdrawal withdrew');
    const r = await withdraw(await adminToken(), a.id, e.id, 'På organisationens begäran.');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'withdrawn');
  });

  test('signatory_name, signatory_title, mandate and endorsed_by: only admin and the organisation\'s representatives get the keys', async () => {
    const a = await freshAdopted();
    const A = await signedOrg();
    const B = await signedOrg();
    const repA = await addRepresentative(A.s, A.org.id);
    const ea = (await endorse(A.s.access, a.id, A.org.id, { mandate: 'Styrelsebeslut A §1' })).json;
    const eb = (await endorse(B.s.access, a.id, B.org.id, { mandate: 'Styrelsebeslut B §2' })).json;
    const m = await newSession();
    const { token: client } = await clientAccess(['organisations:read']);

    const check = async (token, privilegedFor, who) => {
      const items = await register(a.id, { token });
      assert.deepEqual(idsOf(items).sort(), [ea.id, eb.id].sort(), `${who}: register`);
      for (const e of items) {
        const priv = privilegedFor.includes(e.organisation.id);
        assertEndorsement(e, { privileged: priv, what: `${who}: ${e.organisation.name}` });
        if (!priv) assert.ok(!JSON.stringify(e).includes('Styrelsebeslut'), `${who}: a mandate leaked`);
      }
      for (const org of [A.org, B.org]) {
        const h = await api('GET', `${ORGS}/${org.id}/endorsements`, { token });
        assert.equal(h.status, 200, h.text);
        for (const e of h.json.items) assertEndorsement(e, { privileged: privilegedFor.includes(org.id), what: `${who}: history of ${org.name}` });
      }
    };
    await check(null, [], 'anonymous');
    await check(m.access, [], 'another member');
    await check(client, [], 'API client');
    await check(A.s.access, [A.org.id], "A's signatory");
    await check(repA.access, [A.org.id], "A's representative");
    await check(B.s.access, [B.org.id], "B's signatory");
    await check(await adminToken(), [A.org.id, B.org.id], 'admin');
    const asAdmin = (await register(a.id)).find((e) => e.id === ea.id);
    assert.equal(asAdmin.mandate, 'Styrelsebeslut A §1');
    assert.equal(asAdmin.signatory_name, SIGNATORY.signatory_name);
    assert.deepEqual(asAdmin.endorsed_by, { id: A.s.id, name: A.s.user.name });
  });

  test('as_of: the register as it stood — before the endorsement absent, between it and the withdrawal active, dates', async () => {
    const a = await freshAdopted();
    const { s, org } = await signedOrg();
    const e1 = (await endorse(s.access, a.id, org.id)).json;
    await sleep(2500);
    const w1 = (await withdraw(s.access, a.id, e1.id)).json;
    assert.equal(w1.status, 'withdrawn');
    await sleep(2500);
    const e2r = await endorse(s.access, a.id, org.id);
    assert.equal(e2r.status, 201, e2r.text);
    const e2 = e2r.json;
    const E1 = Date.parse(e1.endorsed_at);
    const W1 = Date.parse(w1.withdrawn_at);
    const E2 = Date.parse(e2.endorsed_at);
    assert.ok(W1 - E1 >= 2000 && E2 - W1 >= 2000, `timestamps ${e1.endorsed_at} ${w1.withdrawn_at} ${e2.endorsed_at}`);
    const asOf = async (value, extra = '') => register(a.id, { token: null, query: `as_of=${enc(value)}${extra}` });
    const iso = (ms) => new Date(ms).toISOString();

    assert.deepEqual(await asOf(iso(E1 - 1000)), [], 'before the first endorsement: empty');
    const mid1 = await asOf(iso((E1 + W1) / 2));
    assert.deepEqual(idsOf(mid1), [e1.id], 'between the endorsement and the withdrawal');
    assert.equal(mid1[0].status, 'active', 'withdrawn later: active as of then');
    assert.deepEqual(idsOf(await asOf(withOffset((E1 + W1) / 2))), [e1.id], 'the same moment with a +02:00 offset');
    assert.equal((await asOf(withOffset((E1 + W1) / 2)))[0].status, 'active');
    const mid2 = await asOf(iso((W1 + E2) / 2));
    assert.deepEqual(mid2.map((e) => [e.id, e.status]), [[e1.id, 'withdrawn']], 'between the withdrawal and the new endorsement');
    const now = await asOf(iso(E2 + 60000));
    assert.deepEqual(now.map((e) => [e.id, e.status]), [[e1.id, 'withdrawn'], [e2.id, 'active']], 'after both');
    // Filters apply to the register as it stood.
    assert.deepEqual(idsOf(await asOf(iso((E1 + W1) / 2), '&status=active')), [e1.id], 'as_of + status=active');
    assert.deepEqual(await asOf(iso((E1 + W1) / 2), '&status=withdrawn'), [], 'as_of + status=withdrawn');

    // A date is the end of that day in Europe/Stockholm.
    const day = stockholmDate(E1);
    const byDay = await asOf(day);
    const expected = [[e1.id, stockholmDate(W1) <= day ? 'withdrawn' : 'active']];
    if (stockholmDate(E2) <= day) expected.push([e2.id, 'active']);
    assert.deepEqual(byDay.map((e) => [e.id, e.status]), expected, `as_of=${day}`);
    assert.deepEqual(await asOf(dayBefore(day)), [], `as_of=${dayBefore(day)} (the day before)`);
    // Without as_of: the register as it stands.
    assert.deepEqual((await register(a.id, { token: null })).map((e) => [e.id, e.status]), [[e1.id, 'withdrawn'], [e2.id, 'active']]);
  });

  test('register: filters status, kind, area; ordered by endorsed_at; paging', async () => {
    const a = await freshAdopted();
    const A = await signedOrg({ fields: { kind: 'stiftelse', areas: ['kultur'] } });
    const B = await signedOrg({ fields: { kind: 'ideell_forening', areas: ['idrott'] } });
    const C = await signedOrg({ fields: { kind: 'natverk', areas: ['idrott', 'kultur'] } });
    const ea = (await endorse(A.s.access, a.id, A.org.id)).json;
    const eb = (await endorse(B.s.access, a.id, B.org.id)).json;
    const ec = (await endorse(C.s.access, a.id, C.org.id)).json;
    assert.equal((await withdraw(B.s.access, a.id, eb.id)).status, 200);
    const cases = [
      ['', [ea, eb, ec]],
      ['status=active', [ea, ec]],
      ['status=withdrawn', [eb]],
      ['status=renewal_needed', []],
      ['kind=stiftelse', [ea]],
      ['kind=natverk&status=active', [ec]],
      ['kind=trossamfund', []],
      ['area=kultur', [ea, ec]],
      ['area=idrott', [eb, ec]],
      ['area=idrott&status=active', [ec]],
      ['area=miljo', []],
    ];
    for (const [q, expected] of cases) {
      assert.deepEqual(idsOf(await register(a.id, { token: null, query: q })), expected.map((e) => e.id), `register ${q || '(no filter)'}`);
    }
    const paged = await collectPages(`${AGR}/${a.id}/endorsements`, undefined, { limit: 1 });
    assert.deepEqual(idsOf(paged), [ea.id, eb.id, ec.id], 'limit=1 pages');
    const first = await api('GET', `${AGR}/${a.id}/endorsements?limit=1`);
    assert.equal(typeof first.json.next_cursor, 'string');
    for (const qs of ['limit=0', 'limit=101', 'cursor=%%%']) assertProblem(await api('GET', `${AGR}/${a.id}/endorsements?${qs}`), 400, qs);
    assert.equal((await getAgreement(a.id)).endorsement_count, 2);
  });

  test("the organisation's history: every agreement, newest first; 404 when the organisation is hidden", async () => {
    const { s, org } = await signedOrg();
    const a1 = await freshAdopted();
    const e1 = (await endorse(s.access, a1.id, org.id)).json;
    const a2 = await freshAdopted(); // e1 → renewal_needed
    const e2 = (await endorse(s.access, a2.id, org.id)).json;
    const h = await history(org.id);
    assert.deepEqual(h.map((e) => [e.id, e.agreement_id, e.status]), [[e2.id, a2.id, 'active'], [e1.id, a1.id, 'renewal_needed']]);
    // two pages of one, newest first; next_cursor null on the last
    const p1 = await api('GET', `${ORGS}/${org.id}/endorsements?limit=1`);
    assert.deepEqual(p1.json.items.map((e) => e.id), [e2.id], 'the first page: the newest');
    assert.equal(typeof p1.json.next_cursor, 'string', 'a first page of one of two has a next_cursor');
    const p2 = await api('GET', `${ORGS}/${org.id}/endorsements?limit=1&cursor=${encodeURIComponent(p1.json.next_cursor)}`);
    assert.deepEqual(p2.json.items.map((e) => e.id), [e1.id], 'the second page');
    assert.equal(p2.json.next_cursor, null, 'the last page');
    for (const qs of ['limit=0', 'limit=101', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) assertProblem(await api('GET', `${ORGS}/${org.id}/endorsements?${qs}`), 400, qs);
    // the history's cursor is not one of the register (another list and order), nor the other way round
    assertProblem(await api('GET', `${AGR}/${a1.id}/endorsements?cursor=${encodeURIComponent(p1.json.next_cursor)}`), 400, "the history's cursor on the register");
    assert.match(h[1].renewal_needed_at || '', RFC3339_Z_RE);
    const hidden = await signedOrg({ verify: false });
    assertProblem(await api('GET', `${ORGS}/${hidden.org.id}/endorsements`), 404, 'a pending organisation, anonymous');
    const own = await history(hidden.org.id, hidden.s.access);
    assert.deepEqual(own, [], 'its own signatory sees its (empty) history');
    assertProblem(await api('GET', `${ORGS}/${crypto.randomUUID()}/endorsements`), 404, 'unknown organisation');
    // The register of an unknown or draft agreement is 404 for the public.
    assertProblem(await api('GET', `${AGR}/${crypto.randomUUID()}/endorsements`), 404, 'unknown agreement');
    const w = uniqueWord();
    const draft = await api('POST', AGR, { token: await adminToken(), body: { slug: `utkast-${w}`, title: `Utkast ${w}` } });
    assert.equal(draft.status, 201, draft.text);
    assertProblem(await api('GET', `${AGR}/${draft.json.id}/endorsements`), 404, 'the register of a draft, anonymous');
  });
});
