// Who sees and who changes an organisation (section 2 of the contract, "Organisations" in
// docs/decisions.md): the visibility matrix (anonymous, a member of A, a member of B, admin,
// an API client × pending, verified, rejected, inactive) for a single read, the list and the
// members of an umbrella; the admin actions verify, reject and deactivate; only admin changes
// status; once verified only admin changes the organisation number; a member who guesses
// another organisation's id learns nothing.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  adminToken,
  newSession,
  uniqueName,
  psql,
  sqlLit,
  validOrgNumber,
  createOrg,
  verifyOrg,
  getOrgAsAdmin,
  patchOrg,
  clientAccess,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const STRONG_ETAG = /^"\d+"$/;

function etagNumber(etag) {
  assert.match(etag || '', STRONG_ETAG, `ETag ${etag} is not a strong "<version>"`);
  return Number(etag.slice(1, -1));
}

const sortedIds = (res) => res.json.items.map((o) => o.id).sort();
const idsOf = (...orgs) => orgs.map((o) => o.id).sort();

async function reject(id, reason = 'Uppfyller inte kraven') {
  const r = await api('POST', `${ORGS}/${id}/reject`, { token: await adminToken(), body: { reason } });
  assert.equal(r.status, 200, `reject ${id}: ${r.status} ${r.text}`);
  return r;
}

/**
 * A verified umbrella U (created by admin) and, under it, four organisations of member A in
 * each status; member B represents nothing here.
 */
async function world() {
  const admin = await adminToken();
  const [a, b] = await Promise.all([newSession(), newSession()]);
  const { org: U } = await createOrg(admin, { kind: 'paraplyorganisation', name: uniqueName('Matrisparaply') });
  await verifyOrg(U.id);
  const make = async (tag) => (await createOrg(a.access, { umbrella_id: U.id, name: uniqueName(`Matris ${tag}`) })).org;
  const pending = await make('pending');
  const verified = await make('verified');
  const rejected = await make('rejected');
  const inactive = await make('inactive');
  await verifyOrg(verified.id);
  await reject(rejected.id);
  await verifyOrg(inactive.id);
  const d = await patchOrg(inactive.id, admin, { status: 'inactive', status_reason: 'Föreningen är upplöst' });
  assert.equal(d.status, 200, d.text);
  const { token: client } = await clientAccess(['organisations:read']);
  return { admin, a, b, client, U, orgs: { pending, verified, rejected, inactive } };
}

// ------------------------------------------------------------------------------------------

describe('visibility matrix', () => {
  test('GET by id: anonymous and an unrelated member see verified only; the representative, admin and a reading client see all', async () => {
    const w = await world();
    const callers = { anonymous: undefined, 'member of A': w.a.access, 'member of B': w.b.access, admin: w.admin, 'client organisations:read': w.client };
    const sees = {
      anonymous: ['verified'],
      'member of A': ['pending', 'verified', 'rejected', 'inactive'],
      'member of B': ['verified'],
      admin: ['pending', 'verified', 'rejected', 'inactive'],
      'client organisations:read': ['pending', 'verified', 'rejected', 'inactive'],
    };
    for (const [who, token] of Object.entries(callers)) {
      for (const [status, org] of Object.entries(w.orgs)) {
        const r = await api('GET', `${ORGS}/${org.id}`, { token });
        if (sees[who].includes(status)) {
          assert.equal(r.status, 200, `${who} GET ${status}: ${r.status} ${r.text}`);
          assert.equal(r.json.id, org.id);
          assert.equal(r.json.status, status);
          etagNumber(r.headers.etag);
        } else {
          assertProblem(r, 404, `${who} GET ${status}`);
        }
      }
    }
  });

  test('the list (filtered by umbrella) and GET .../members show each caller what they may see', async () => {
    const w = await world();
    const { pending, verified, rejected, inactive } = w.orgs;
    const all = idsOf(pending, verified, rejected, inactive);
    const expected = [
      ['anonymous', undefined, idsOf(verified)],
      ['member of A', w.a.access, all],
      ['member of B', w.b.access, idsOf(verified)],
      ['admin', w.admin, all],
      ['client organisations:read', w.client, all],
    ];
    for (const [who, token, ids] of expected) {
      const l = await api('GET', `${ORGS}?umbrella_id=${w.U.id}&limit=100`, { token });
      assert.equal(l.status, 200, `${who} list: ${l.text}`);
      assert.deepEqual(sortedIds(l), ids, `${who}: list`);
      const m = await api('GET', `${ORGS}/${w.U.id}/members?limit=100`, { token });
      assert.equal(m.status, 200, `${who} members: ${m.text}`);
      assert.deepEqual(sortedIds(m), ids, `${who}: members`);
    }
  });

  test('the members of an umbrella the caller may not see → 404', async () => {
    const a = await newSession();
    const b = await newSession();
    const { org: hiddenUmbrella } = await createOrg(a.access, { kind: 'paraplyorganisation' });
    const { org: child } = await createOrg(a.access, { umbrella_id: hiddenUmbrella.id });
    assertProblem(await api('GET', `${ORGS}/${hiddenUmbrella.id}/members`), 404, 'anonymous');
    assertProblem(await api('GET', `${ORGS}/${hiddenUmbrella.id}/members`, { token: b.access }), 404, 'member of B');
    assertProblem(await api('GET', `${ORGS}/${crypto.randomUUID()}/members`), 404, 'unknown id');
    const mine = await api('GET', `${ORGS}/${hiddenUmbrella.id}/members`, { token: a.access });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(sortedIds(mine), [child.id]);
  });

  test('status filter: other than verified is 403 for anonymous callers and members; admin and clients get only that status', async () => {
    const w = await world();
    const base = `${ORGS}?umbrella_id=${w.U.id}&limit=100`;
    for (const status of ['pending', 'rejected', 'inactive']) {
      assertProblem(await api('GET', `${base}&status=${status}`, { token: w.a.access }), 403, `member status=${status}`);
      assertProblem(await api('GET', `${base}&status=${status}`, { token: w.b.access }), 403, `member B status=${status}`);
      const anon = await api('GET', `${base}&status=${status}`);
      // decisions.md: "not verified → 403 unless admin/client"; an anonymous caller may
      // instead be asked to authenticate (401). Either way it sees nothing.
      assert.ok([401, 403].includes(anon.status), `anonymous status=${status}: ${anon.status} ${anon.text}`);
      assertProblem(anon, anon.status);
      for (const [who, token] of [['admin', w.admin], ['client', w.client]]) {
        const r = await api('GET', `${base}&status=${status}`, { token });
        assert.equal(r.status, 200, `${who} status=${status}: ${r.text}`);
        assert.deepEqual(sortedIds(r), [w.orgs[status].id], `${who} status=${status}`);
        for (const o of r.json.items) assert.equal(o.status, status);
      }
    }
    for (const token of [undefined, w.a.access, w.b.access, w.admin]) {
      const r = await api('GET', `${base}&status=verified`, { token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(sortedIds(r), [w.orgs.verified.id]);
    }
    assertProblem(await api('GET', `${ORGS}?status=bogus`, { token: w.admin }), 400, 'admin status=bogus');
  });

  test('a member who guesses another organisation\'s id learns nothing: 404 for what they may not see, 403 for what they may', async () => {
    const w = await world();
    const { pending, verified } = w.orgs;
    const stranger = w.b.access;
    const unknown = crypto.randomUUID();
    const hidden = await api('GET', `${ORGS}/${pending.id}`, { token: stranger });
    const missing = await api('GET', `${ORGS}/${unknown}`, { token: stranger });
    assertProblem(hidden, 404);
    assertProblem(missing, 404);
    // The two answers are the same document (apart from the id and the request id).
    const strip = (res, id) => ({ ...res.json, request_id: undefined, detail: res.json.detail.split(id).join('<id>'), instance: undefined });
    assert.deepEqual(strip(hidden, pending.id), strip(missing, unknown), 'a hidden organisation answers differently from an unknown id');

    const { etag: pEtag } = await getOrgAsAdmin(pending.id);
    const { etag: vEtag } = await getOrgAsAdmin(verified.id);
    assertProblem(await api('PATCH', `${ORGS}/${pending.id}`, { token: stranger, body: { description: 'kapat' }, headers: { 'if-match': pEtag } }), 404, 'PATCH a hidden pending organisation');
    assertProblem(await api('PATCH', `${ORGS}/${verified.id}`, { token: stranger, body: { description: 'kapat' }, headers: { 'if-match': vEtag } }), 403, 'PATCH a visible organisation');
    assertProblem(await api('POST', `${ORGS}/${pending.id}/verify`, { token: stranger }), 404, 'verify a hidden organisation');
    assertProblem(await api('POST', `${ORGS}/${pending.id}/reject`, { token: stranger, body: { reason: 'x' } }), 404, 'reject a hidden organisation');
    assert.equal((await getOrgAsAdmin(pending.id)).etag, pEtag);
    assert.equal((await getOrgAsAdmin(verified.id)).etag, vEtag);
    assert.equal((await getOrgAsAdmin(verified.id)).org.description, null);
  });

  test('API clients do not change organisations by PATCH (403), whatever their scopes', async () => {
    const m = await newSession();
    const { org, etag } = await createOrg(m.access);
    for (const scopes of [['organisations:read'], ['organisations:write'], ['organisations:read', 'organisations:write']]) {
      const { token } = await clientAccess(scopes);
      assertProblem(await api('PATCH', `${ORGS}/${org.id}`, { token, body: { description: 'klient' }, headers: { 'if-match': etag } }), 403, `client ${scopes}`);
      assertProblem(await api('POST', `${ORGS}/${org.id}/verify`, { token }), 403, `client ${scopes} verify`);
    }
    assert.equal((await getOrgAsAdmin(org.id)).etag, etag);
  });
});

// ------------------------------------------------------------------------------------------

describe('verify, reject, deactivate', () => {
  test('verify: admin only, pending → verified with a new ETag; again → 409', async () => {
    const m = await newSession();
    const { org, etag } = await createOrg(m.access);
    const url = `${ORGS}/${org.id}/verify`;
    assertUnauthorized(await api('POST', url), {}, 'anonymous verify');
    assertProblem(await api('POST', url, { token: m.access }), 403, 'its own signatory verifies');
    const r = await api('POST', url, { token: await adminToken() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, org.id);
    assert.equal(r.json.status, 'verified');
    assert.equal(etagNumber(r.headers.etag), etagNumber(etag) + 1);
    const g = await api('GET', `${ORGS}/${org.id}`);
    assert.equal(g.status, 200, 'a verified organisation is public');
    assert.equal(g.headers.etag, r.headers.etag);
    assert.equal(g.json.status, 'verified');
    assertProblem(await api('POST', url, { token: await adminToken() }), 409, 'verify twice');
    assertProblem(await api('POST', `${ORGS}/${org.id}/reject`, { token: await adminToken(), body: { reason: 'sent' } }), 409, 'reject a verified organisation');
    assertProblem(await api('POST', `${ORGS}/${crypto.randomUUID()}/verify`, { token: await adminToken() }), 404, 'verify an unknown id');
    assertProblem(await api('POST', `${ORGS}/inte-ett-id/verify`, { token: await adminToken() }), 404, 'verify a non-UUID');
    assert.equal((await getOrgAsAdmin(org.id)).etag, r.headers.etag, 'a refused action changed the version');
  });

  test('reject: a reason of 1..1000 characters is required; pending → rejected with status_reason; again → 409', async () => {
    const m = await newSession();
    const admin = await adminToken();
    const { org, etag } = await createOrg(m.access);
    const url = `${ORGS}/${org.id}/reject`;
    assertValidation(await api('POST', url, { token: admin, body: {} }), ['/reason'], 'no reason');
    assertValidation(await api('POST', url, { token: admin, body: { reason: '' } }), ['/reason'], 'empty reason');
    assertValidation(await api('POST', url, { token: admin, body: { reason: null } }), ['/reason'], 'null reason');
    assertValidation(await api('POST', url, { token: admin, body: { reason: 'x'.repeat(1001) } }), ['/reason'], '1001 characters');
    assertValidation(await api('POST', url, { token: admin, body: { reason: 'ok', status: 'verified' } }), ['/status'], 'an extra field');
    assertProblem(await api('POST', url, { token: m.access, body: { reason: 'själv' } }), 403, 'its own signatory rejects');
    assert.equal((await getOrgAsAdmin(org.id)).etag, etag, 'a refused reject changed the version');
    const reason = `Ingen idéburen verksamhet; "läs" -- ${'å'.repeat(900)}`;
    const r = await api('POST', url, { token: admin, body: { reason } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'rejected');
    assert.equal(r.json.status_reason, reason);
    assert.equal(etagNumber(r.headers.etag), etagNumber(etag) + 1);
    // Its representative still sees it, with the reason; the public does not.
    const mine = await api('GET', `${ORGS}/${org.id}`, { token: m.access });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.status_reason, reason);
    assertProblem(await api('GET', `${ORGS}/${org.id}`), 404);
    assertProblem(await api('POST', url, { token: admin, body: { reason: 'igen' } }), 409, 'reject twice');
    assertProblem(await api('POST', `${ORGS}/${org.id}/verify`, { token: admin }), 409, 'verify a rejected organisation');
  });

  test('deactivate: admin PATCH {status: inactive, status_reason}; the row is kept; the public no longer sees it', async () => {
    const m = await newSession();
    const admin = await adminToken();
    const { org } = await createOrg(m.access);
    await verifyOrg(org.id);
    assert.equal((await api('GET', `${ORGS}/${org.id}`)).status, 200);
    assertValidation(await patchOrg(org.id, admin, { status: 'bogus' }), ['/status'], 'unknown status');
    assertValidation(await patchOrg(org.id, admin, { status: 'inactive', status_reason: 'x'.repeat(1001) }), ['/status_reason'], 'reason too long');
    const d = await patchOrg(org.id, admin, { status: 'inactive', status_reason: 'Föreningen har upphört' });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.status, 'inactive');
    assert.equal(d.json.status_reason, 'Föreningen har upphört');
    assertProblem(await api('GET', `${ORGS}/${org.id}`), 404, 'anonymous GET of an inactive organisation');
    const mine = await api('GET', `${ORGS}/${org.id}`, { token: m.access });
    assert.equal(mine.status, 200);
    assert.equal(mine.json.status, 'inactive');
    assert.equal(psql(`select status from organisation where id = ${sqlLit(org.id)}`), 'inactive', 'nothing is deleted');
    assertProblem(await api('POST', `${ORGS}/${org.id}/verify`, { token: admin }), 409, 'verify an inactive organisation');
  });

  test('only admin changes status: a representative naming status or status_reason → 422', async () => {
    const m = await newSession();
    const { org: pending } = await createOrg(m.access);
    const { org: verified } = await createOrg(m.access);
    await verifyOrg(verified.id);
    for (const org of [pending, verified]) {
      const { etag } = await getOrgAsAdmin(org.id);
      for (const status of ['verified', 'inactive', 'pending', 'rejected']) {
        assertValidation(await patchOrg(org.id, m.access, { status }), ['/status'], `representative status=${status} on ${org.status}`);
      }
      assertValidation(await patchOrg(org.id, m.access, { status_reason: 'själv' }), ['/status_reason']);
      assertValidation(await patchOrg(org.id, m.access, { description: 'ok', status: 'verified' }), ['/status']);
      const after = await getOrgAsAdmin(org.id);
      assert.equal(after.etag, etag, 'a refused PATCH changed the version');
      assert.equal(after.org.status, org.id === pending.id ? 'pending' : 'verified');
    }
    // A representative's ordinary PATCH of a verified organisation leaves its status alone.
    const p = await patchOrg(verified.id, m.access, { description: 'Uppdaterad av företrädaren' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'verified');
    assert.equal(p.json.description, 'Uppdaterad av företrädaren');
  });

  test('once verified, only admin changes the organisation number', async () => {
    const m = await newSession();
    const admin = await adminToken();
    const n = validOrgNumber();
    const { org } = await createOrg(m.access, { org_number: n });
    // While pending the representative may change it.
    const n2 = validOrgNumber();
    const p1 = await patchOrg(org.id, m.access, { org_number: n2 });
    assert.equal(p1.status, 200, p1.text);
    assert.equal(p1.json.org_number, n2);
    await verifyOrg(org.id);
    const { etag } = await getOrgAsAdmin(org.id);
    assertValidation(await patchOrg(org.id, m.access, { org_number: validOrgNumber() }), ['/org_number'], 'representative changes the number');
    assertValidation(await patchOrg(org.id, m.access, { org_number: null }), ['/org_number'], 'representative clears the number');
    assert.equal((await getOrgAsAdmin(org.id)).etag, etag);
    // Sending the number it already has is not a change.
    const same = await patchOrg(org.id, m.access, { org_number: n2, description: 'samma nummer' });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.json.org_number, n2);
    // Admin may.
    const n3 = validOrgNumber({ first: 7 });
    const a = await patchOrg(org.id, admin, { org_number: n3 });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.org_number, n3);
    assert.equal(a.json.legal_form, 'ekonomisk_forening');
    assert.equal(a.json.status, 'verified');
  });
});
