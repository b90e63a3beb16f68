// Representatives of an organisation (section 2 of the contract, "Organisations" in
// docs/decisions.md): GET/POST /api/v1/organisations/{id}/representatives and DELETE
// .../representatives/{user_id}; who may (admin and the organisation's signatories), what others
// get (403 for a visible organisation, 404 for a hidden one), the last signatory of a
// verified organisation, and the audit rows.

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
  uniqueEmail,
  UUID_RE,
  createOrg,
  verifyOrg,
  clientAccess,
  newRequestId,
  auditRowsWhere,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const repsUrl = (orgId) => `${ORGS}/${orgId}/representatives`;
const addRep = (token, orgId, email, role, headers) => api('POST', repsUrl(orgId), { token, body: { email, role }, headers });
const removeRep = (token, orgId, userId, headers) => api('DELETE', `${repsUrl(orgId)}/${userId}`, { token, headers });

/** Every representative, walking the pages of limit per page through next_cursor. */
async function reps(token, orgId, limit = 20) {
  const items = [];
  let cursor = null;
  do {
    const r = await api('GET', `${repsUrl(orgId)}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    assert.equal(r.status, 200, `GET representatives: ${r.status} ${r.text}`);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next_cursor'], 'the representatives list is a page');
    assert.ok(r.json.items.length <= limit, 'a page holds at most limit items');
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor !== null);
  return items;
}

const roleMap = (items) => Object.fromEntries(items.map((i) => [i.user_id, i.role]));

async function meOrgs(session) {
  const r = await api('GET', '/api/v1/me', { token: session.access });
  assert.equal(r.status, 200, r.text);
  return r.json.organisations;
}

function assertRep(rep, session, role) {
  assert.deepEqual(Object.keys(rep).sort(), ['email', 'name', 'role', 'since', 'user_id']);
  assert.equal(rep.user_id, session.id);
  assert.match(rep.user_id, UUID_RE);
  assert.equal(rep.email.toLowerCase(), session.email.toLowerCase());
  assert.equal(rep.name, session.user.name);
  assert.equal(rep.role, role);
  assert.match(rep.since, RFC3339_Z);
}

/** Audit rows written by request `rid` about the representatives of `orgId` (or the person). */
function repAuditRows(rid, orgId, userId) {
  return auditRowsWhere({ requestId: rid }).filter(
    (a) => ['organisation', 'representative'].includes(a.entity_type) && [orgId, userId].includes(a.entity_id),
  );
}

// ------------------------------------------------------------------------------------------

describe('representatives', () => {
  test('a signatory adds a representative by e-mail (201), updates the role (200), and removes them (204)', async () => {
    const s = await newSession();
    const p = await newSession();
    const { org } = await createOrg(s.access);
    assertProblem(await api('GET', `${ORGS}/${org.id}`, { token: p.access }), 404, 'before: the pending organisation is hidden from p');

    const add = await addRep(s.access, org.id, p.email, 'representative');
    assert.equal(add.status, 201, add.text);
    assertRep(add.json, p, 'representative');
    assert.deepEqual(roleMap(await reps(s.access, org.id)), { [s.id]: 'signatory', [p.id]: 'representative' });
    assert.deepEqual(await meOrgs(p), [{ id: org.id, name: org.name, role: 'representative' }]);
    const seen = await api('GET', `${ORGS}/${org.id}`, { token: p.access });
    assert.equal(seen.status, 200, 'a representative sees the pending organisation');

    // The same person again with another role: 200, role updated (e-mail in any case).
    const up = await addRep(s.access, org.id, p.email.toUpperCase(), 'signatory');
    assert.equal(up.status, 200, up.text);
    assertRep(up.json, p, 'signatory');
    assert.equal(up.json.since, add.json.since, 'a role change keeps since');
    assert.deepEqual(roleMap(await reps(s.access, org.id)), { [s.id]: 'signatory', [p.id]: 'signatory' });
    assert.deepEqual(await meOrgs(p), [{ id: org.id, name: org.name, role: 'signatory' }]);
    // Now a signatory, p may manage representatives too.
    assert.equal((await reps(p.access, org.id)).length, 2);
    // A page of one at a time: two pages, in the order they got their role.
    assert.deepEqual((await reps(p.access, org.id, 1)).map((i) => i.user_id), [s.id, p.id], 'two pages of one');
    const first = await api('GET', `${repsUrl(org.id)}?limit=1`, { token: s.access });
    assert.equal(typeof first.json.next_cursor, 'string', 'a first page of one of two has a next_cursor');
    for (const qs of ['limit=0', 'limit=101', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) assertProblem(await api('GET', `${repsUrl(org.id)}?${qs}`, { token: s.access }), 400, qs);
    assertProblem(await api('GET', `/api/v1/organisations/${org.id}/endorsements?cursor=${encodeURIComponent(first.json.next_cursor)}`, { token: s.access }), 400, "the representatives list's cursor on the endorsements list");

    const del = await removeRep(s.access, org.id, p.id);
    assert.equal(del.status, 204, del.text);
    assert.equal(del.text, '');
    assert.deepEqual(roleMap(await reps(s.access, org.id)), { [s.id]: 'signatory' });
    assert.deepEqual(await meOrgs(p), []);
    assertProblem(await api('GET', `${ORGS}/${org.id}`, { token: p.access }), 404, 'after: hidden again');
    assertProblem(await removeRep(s.access, org.id, p.id), 404, 'remove again');
  });

  test('validation: an e-mail without an account → 422 /email; a bad role → 422 /role; unknown fields → 422', async () => {
    const s = await newSession();
    const p = await newSession();
    const { org } = await createOrg(s.access);
    assertValidation(await addRep(s.access, org.id, uniqueEmail('finns-inte'), 'representative'), ['/email'], 'no such account');
    assertValidation(await addRep(s.access, org.id, 'inte-en-adress', 'representative'), ['/email'], 'not an address');
    assertValidation(await api('POST', repsUrl(org.id), { token: s.access, body: { role: 'representative' } }), ['/email'], 'no e-mail');
    assertValidation(await addRep(s.access, org.id, p.email, 'ordforande'), ['/role'], 'unknown role');
    assertValidation(await addRep(s.access, org.id, p.email, 'admin'), ['/role'], 'role admin');
    assertValidation(await api('POST', repsUrl(org.id), { token: s.access, body: { email: p.email, role: 'representative', user_id: p.id } }), ['/user_id'], 'extra field');
    assert.deepEqual(roleMap(await reps(s.access, org.id)), { [s.id]: 'signatory' }, 'a refused add changed the list');
  });

  test('a representative who is not a signatory may not manage representatives (403)', async () => {
    const s = await newSession();
    const r = await newSession();
    const other = await newSession();
    const { org } = await createOrg(s.access);
    assert.equal((await addRep(s.access, org.id, r.email, 'representative')).status, 201);
    assertProblem(await addRep(r.access, org.id, other.email, 'representative'), 403, 'representative adds');
    assertProblem(await addRep(r.access, org.id, r.email, 'signatory'), 403, 'representative promotes self');
    assertProblem(await removeRep(r.access, org.id, s.id), 403, 'representative removes the signatory');
    assert.deepEqual(roleMap(await reps(s.access, org.id)), { [s.id]: 'signatory', [r.id]: 'representative' });
  });

  test('others: 404 for a pending organisation they may not see, 403 for a verified one; anonymous 401; API clients 403', async () => {
    const s = await newSession();
    const stranger = await newSession();
    const { org: pending } = await createOrg(s.access);
    const { org: verified } = await createOrg(s.access);
    await verifyOrg(verified.id);
    assertProblem(await api('GET', repsUrl(pending.id), { token: stranger.access }), 404, 'GET, pending');
    assertProblem(await addRep(stranger.access, pending.id, stranger.email, 'signatory'), 404, 'POST, pending');
    assertProblem(await removeRep(stranger.access, pending.id, s.id), 404, 'DELETE, pending');
    assertProblem(await api('GET', repsUrl(verified.id), { token: stranger.access }), 403, 'GET, verified');
    assertProblem(await addRep(stranger.access, verified.id, stranger.email, 'signatory'), 403, 'POST, verified');
    assertProblem(await removeRep(stranger.access, verified.id, s.id), 403, 'DELETE, verified');
    assertUnauthorized(await api('GET', repsUrl(verified.id)), {}, 'anonymous GET');
    assertUnauthorized(await addRep(undefined, verified.id, stranger.email, 'signatory'), {}, 'anonymous POST');
    assertUnauthorized(await removeRep(undefined, verified.id, s.id), {}, 'anonymous DELETE');
    const { token: client } = await clientAccess(['organisations:read', 'organisations:write']);
    assertProblem(await addRep(client, verified.id, stranger.email, 'signatory'), 403, 'client POST');
    assertProblem(await removeRep(client, verified.id, s.id), 403, 'client DELETE');
    assertProblem(await api('GET', repsUrl(crypto.randomUUID()), { token: await adminToken() }), 404, 'unknown organisation');
    assertProblem(await api('GET', `${ORGS}/inte-ett-id/representatives`, { token: await adminToken() }), 404, 'non-UUID organisation');
    assertProblem(await removeRep(await adminToken(), verified.id, 'inte-ett-id'), 404, 'non-UUID user');
    assertProblem(await removeRep(await adminToken(), verified.id, stranger.id), 404, 'a user who is not a representative');
    assert.deepEqual(roleMap(await reps(s.access, verified.id)), { [s.id]: 'signatory' });
    assert.deepEqual(roleMap(await reps(s.access, pending.id)), { [s.id]: 'signatory' });
  });

  test('admin manages the representatives of any organisation', async () => {
    const admin = await adminToken();
    const s = await newSession();
    const p = await newSession();
    const { org } = await createOrg(s.access);
    assert.equal((await reps(admin, org.id)).length, 1);
    const add = await addRep(admin, org.id, p.email, 'signatory');
    assert.equal(add.status, 201, add.text);
    assertRep(add.json, p, 'signatory');
    const del = await removeRep(admin, org.id, s.id);
    assert.equal(del.status, 204, del.text);
    assert.deepEqual(roleMap(await reps(admin, org.id)), { [p.id]: 'signatory' });
  });

  test('the last signatory of a verified organisation cannot be removed or demoted (409); of a pending one it can (204)', async () => {
    const s = await newSession();
    const r = await newSession();
    const admin = await adminToken();
    const { org } = await createOrg(s.access);
    assert.equal((await addRep(s.access, org.id, r.email, 'representative')).status, 201);
    await verifyOrg(org.id);
    assertProblem(await removeRep(s.access, org.id, s.id), 409, 'signatory removes self, the last one');
    assertProblem(await removeRep(admin, org.id, s.id), 409, 'admin removes the last signatory');
    assertProblem(await addRep(s.access, org.id, s.email, 'representative'), 409, 'the last signatory demoted');
    assertProblem(await addRep(admin, org.id, s.email, 'representative'), 409, 'admin demotes the last signatory');
    assert.deepEqual(roleMap(await reps(s.access, org.id)), { [s.id]: 'signatory', [r.id]: 'representative' });
    // With a second signatory the first may go.
    assert.equal((await addRep(s.access, org.id, r.email, 'signatory')).status, 200);
    const del = await removeRep(s.access, org.id, s.id);
    assert.equal(del.status, 204, del.text);
    assert.deepEqual(roleMap(await reps(admin, org.id)), { [r.id]: 'signatory' });
    // A representative (not signatory) of a verified organisation may always be removed.
    const q = await newSession();
    assert.equal((await addRep(r.access, org.id, q.email, 'representative')).status, 201);
    assert.equal((await removeRep(r.access, org.id, q.id)).status, 204);

    // Pending: the only signatory may leave.
    const s2 = await newSession();
    const { org: pending } = await createOrg(s2.access);
    const gone = await removeRep(s2.access, pending.id, s2.id);
    assert.equal(gone.status, 204, gone.text);
    assert.deepEqual(await reps(admin, pending.id), []);
    assert.deepEqual(await meOrgs(s2), []);
  });

  test('every change is audited with the request id', async () => {
    const s = await newSession();
    const p = await newSession();
    const { org } = await createOrg(s.access);

    const rid1 = newRequestId('rep-add');
    const add = await addRep(s.access, org.id, p.email, 'representative', { 'x-request-id': rid1 });
    assert.equal(add.status, 201, add.text);
    assert.equal(add.headers['x-request-id'], rid1);
    const rows1 = repAuditRows(rid1, org.id, p.id);
    assert.ok(rows1.length >= 1, `no audit row for adding a representative: ${JSON.stringify(auditRowsWhere({ requestId: rid1 }))}`);
    assert.ok(JSON.stringify(rows1).includes(p.id), 'the audit row does not name the person added');
    assert.ok(JSON.stringify(rows1).includes(s.id), 'the audit row does not name the actor');

    const rid2 = newRequestId('rep-role');
    assert.equal((await addRep(s.access, org.id, p.email, 'signatory', { 'x-request-id': rid2 })).status, 200);
    const rows2 = repAuditRows(rid2, org.id, p.id);
    assert.ok(rows2.length >= 1, 'no audit row for a role change');
    assert.ok(JSON.stringify(rows2).includes('"signatory"'), 'the role-change audit row does not show the new role');
    assert.ok(JSON.stringify(rows2).includes('"representative"'), 'the role-change audit row does not show the old role');

    const rid3 = newRequestId('rep-del');
    assert.equal((await removeRep(s.access, org.id, p.id, { 'x-request-id': rid3 })).status, 204);
    const rows3 = repAuditRows(rid3, org.id, p.id);
    assert.ok(rows3.length >= 1, 'no audit row for removing a representative');
    assert.ok(JSON.stringify(rows3).includes(p.id));

    // Refused changes leave none.
    const rid4 = newRequestId('rep-refused');
    assertValidation(await addRep(s.access, org.id, uniqueEmail('ingen'), 'representative', { 'x-request-id': rid4 }), ['/email']);
    assertProblem(await removeRep(s.access, org.id, p.id, { 'x-request-id': rid4 }), 404);
    assert.deepEqual(auditRowsWhere({ requestId: rid4 }), []);
  });
});
