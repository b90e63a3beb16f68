// PUT /api/v1/organisations/by-org-number/{org_number} (section 2 of the contract,
// "Organisations" in docs/decisions.md): the idempotent upsert for Idrotts- och
// föreningsförvaltningen's association register. Creates (201) or updates (200); the same
// body twice answers the same and changes nothing (no audit row, no new updated_at, the same
// ETag); the path takes every accepted form of the number; who may call it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  env,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  adminToken,
  newSession,
  uniqueName,
  psql,
  sqlLit,
  validOrgNumber,
  personnummer,
  newRequestId,
  createOrg,
  verifyOrg,
  clientAccess,
  auditRowsWhere,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const STRONG_ETAG = /^"\d+"$/;

const byNumber = (n) => `${ORGS}/by-org-number/${encodeURIComponent(n)}`;
const put = (token, n, body, headers) => api('PUT', byNumber(n), { token, body, headers });
const digitsOf = (n) => n.replace('-', '');

function etagNumber(etag) {
  assert.match(etag || '', STRONG_ETAG, `ETag ${etag} is not a strong "<version>"`);
  return Number(etag.slice(1, -1));
}

function orgAuditCount(id) {
  return auditRowsWhere({ entityId: id, entityType: 'organisation' }).length;
}

function storedUpdatedAt(id) {
  const v = psql(`select updated_at::text || ' v' || version::text from organisation where id = ${sqlLit(id)}`);
  assert.ok(v, `no row ${id}`);
  return v;
}

let writerPromise = null;
/** One client with organisations:write for this file. */
function writer() {
  if (!writerPromise) writerPromise = clientAccess(['organisations:write']).then((c) => c.token);
  return writerPromise;
}

function registerBody(extra = {}) {
  return {
    name: uniqueName('Föreningsregistret'),
    kind: 'ideell_forening',
    areas: ['idrott', 'barn_unga'],
    districts: ['lundby'],
    email: 'kansli@example.se',
    member_count: 120,
    ...extra,
  };
}

// ------------------------------------------------------------------------------------------

describe('upsert by organisation number', () => {
  test('creates (201, Location, pending); the same body again → 200, same ETag, no audit row, same updated_at; a change → 200, new ETag, one audit row', async () => {
    const token = await writer();
    const n = validOrgNumber();
    const body = registerBody();
    const rid1 = newRequestId('upsert-create');
    const c = await put(token, n, body, { 'x-request-id': rid1 });
    assert.equal(c.status, 201, c.text);
    const o = c.json;
    assert.equal(o.org_number, n);
    assert.equal(o.status, 'pending');
    assert.equal(o.name, body.name);
    assert.deepEqual(o.areas, ['barn_unga', 'idrott']);
    assert.equal(o.legal_form, 'ideell_forening_eller_stiftelse');
    assert.equal(new URL(c.headers.location, env.baseUrl).pathname, `${ORGS}/${o.id}`, `Location: ${c.headers.location}`);
    assert.equal(etagNumber(c.headers.etag), 1);
    assert.equal(auditRowsWhere({ entityId: o.id, requestId: rid1, entityType: 'organisation' }).length, 1, 'the create is audited once');

    const auditBefore = orgAuditCount(o.id);
    const updatedBefore = storedUpdatedAt(o.id);
    await new Promise((r) => setTimeout(r, 1100)); // a new updated_at would be visible

    const rid2 = newRequestId('upsert-same');
    const same = await put(token, n, body, { 'x-request-id': rid2 });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.headers.etag, c.headers.etag, 'the same body changed the ETag');
    assert.deepEqual(same.json, o, 'the same body changed the organisation');
    assert.equal(orgAuditCount(o.id), auditBefore, 'the same body wrote an audit row');
    assert.deepEqual(auditRowsWhere({ requestId: rid2 }), [], 'the same body wrote an audit row');
    assert.equal(storedUpdatedAt(o.id), updatedBefore, 'the same body moved updated_at or the version');

    // The same content in another order, and with the name padded: nothing changes either.
    const reordered = { ...body, name: `  ${body.name} `, areas: ['idrott', 'barn_unga', 'idrott'] };
    const same2 = await put(token, n, Object.fromEntries(Object.entries(reordered).reverse()));
    assert.equal(same2.status, 200, same2.text);
    assert.equal(same2.headers.etag, c.headers.etag, 'the same content in another order changed the ETag');
    assert.equal(storedUpdatedAt(o.id), updatedBefore);
    assert.equal(orgAuditCount(o.id), auditBefore);

    const rid3 = newRequestId('upsert-change');
    const changed = await put(token, n, { ...body, member_count: 121 }, { 'x-request-id': rid3 });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.id, o.id);
    assert.equal(changed.json.member_count, 121);
    assert.equal(etagNumber(changed.headers.etag), 2, 'a change bumps the version by one');
    assert.ok(Date.parse(changed.json.updated_at) > Date.parse(o.updated_at), 'updated_at moves on a change');
    const rows = auditRowsWhere({ entityId: o.id, requestId: rid3, entityType: 'organisation' });
    assert.equal(rows.length, 1, `expected one audit row for the change: ${JSON.stringify(rows)}`);
    assert.equal(rows[0].before.member_count, 120);
    assert.equal(rows[0].after.member_count, 121);
    assert.equal(orgAuditCount(o.id), auditBefore + 1);

    // A GET agrees.
    const g = await api('GET', `${ORGS}/${o.id}`, { token: await adminToken() });
    assert.equal(g.headers.etag, changed.headers.etag);
    assert.deepEqual(g.json, changed.json);
  });

  test('fields absent from the body keep their values; a create needs name and kind', async () => {
    const token = await writer();
    const n = validOrgNumber();
    assertValidation(await put(token, n, { description: 'Bara en beskrivning' }), ['/name', '/kind'], 'create without name and kind');
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '0');
    const body = registerBody({ description: 'Första', website: 'https://example.se' });
    const c = await put(token, n, body);
    assert.equal(c.status, 201, c.text);
    const u = await put(token, n, { description: 'Andra' });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.description, 'Andra');
    for (const k of ['name', 'kind', 'areas', 'districts', 'email', 'member_count', 'website', 'status', 'created_at']) {
      assert.deepEqual(u.json[k], c.json[k], `${k} changed though absent from the body`);
    }
    // null clears, as in a merge patch.
    const cl = await put(token, n, { website: null });
    assert.equal(cl.status, 200, cl.text);
    assert.equal(cl.json.website, null);
    assert.equal(cl.json.description, 'Andra');
  });

  test('the path takes every accepted form: each hits the same organisation', async () => {
    const token = await writer();
    const n = validOrgNumber();
    const body = registerBody();
    const c = await put(token, n, body);
    assert.equal(c.status, 201, c.text);
    for (const form of [digitsOf(n), `16${digitsOf(n)}`, `16${n}`]) {
      const r = await put(token, form, body);
      assert.equal(r.status, 200, `path ${form}: ${r.text}`);
      assert.equal(r.json.id, c.json.id, `path ${form} hit another organisation`);
      assert.equal(r.json.org_number, n);
      assert.equal(r.headers.etag, c.headers.etag, `path ${form}: the same body changed the ETag`);
    }
    // A body org_number equal to the path's is fine; another one is 422.
    const eq = await put(token, n, { ...body, org_number: n });
    assert.equal(eq.status, 200, eq.text);
    assert.equal(eq.headers.etag, c.headers.etag);
    assertValidation(await put(token, n, { ...body, org_number: validOrgNumber() }), ['/org_number'], 'body number differs from the path');
    assertValidation(await put(token, n, { ...body, org_number: null }), ['/org_number'], 'body number null');
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '1');
    // It also finds an organisation a member registered.
    const m = await newSession();
    const { org } = await createOrg(m.access);
    const r = await put(token, `16${digitsOf(org.org_number)}`, { description: 'Från föreningsregistret' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, org.id);
    assert.equal(r.json.name, org.name);
    assert.equal(r.json.description, 'Från föreningsregistret');
  });

  test('a malformed number in the path → 422', async () => {
    const token = await writer();
    const n = validOrgNumber();
    const badLuhn = n.slice(0, -1) + String((Number(n.at(-1)) + 1) % 10);
    for (const p of [badLuhn, personnummer(), '121212-1212', `19${digitsOf(n)}`, 'abcdef-ghij', digitsOf(n).slice(0, 9), `${n}0`]) {
      const r = await put(token, p, registerBody());
      assertProblem(r, 422, `path ${p}`);
      assert.ok(Array.isArray(r.json.errors) && r.json.errors.length > 0, `path ${p}: 422 without errors[]`);
    }
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '0');
  });

  test('the body: read-only and unknown fields, bad values → 422 naming them', async () => {
    const token = await writer();
    const n = validOrgNumber();
    for (const [k, v] of Object.entries({ status: 'verified', id: crypto.randomUUID(), created_at: '2001-01-01T00:00:00Z', legal_form: 'aktiebolag', status_reason: 'x', foo: 1 })) {
      assertValidation(await put(token, n, registerBody({ [k]: v })), [`/${k}`], `body with ${k}`);
    }
    assertValidation(await put(token, n, registerBody({ kind: 'bolag' })), ['/kind']);
    assertValidation(await put(token, n, registerBody({ website: 'javascript:alert(1)' })), ['/website']);
    assertValidation(await put(token, n, registerBody({ member_count: -1 })), ['/member_count']);
    assertValidation(await put(token, n, registerBody({ umbrella_id: crypto.randomUUID() })), ['/umbrella_id']);
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '0');
  });

  test('who: a client with organisations:write and admin; not a reading client, a member, or anonymous', async () => {
    const n = validOrgNumber();
    const body = registerBody();
    const { token: reader } = await clientAccess(['organisations:read', 'changes:read']);
    assertProblem(await put(reader, n, body), 403, 'client with organisations:read');
    const m = await newSession();
    assertProblem(await put(m.access, n, body), 403, 'member');
    assertUnauthorized(await put(undefined, n, body), {}, 'anonymous');
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '0');
    const a = await put(await adminToken(), n, body);
    assert.equal(a.status, 201, a.text);
    const again = await put(await adminToken(), digitsOf(n), body);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.headers.etag, a.headers.etag);
    // A member who represents it still may not use the upsert.
    const { org } = await createOrg(m.access);
    assertProblem(await put(m.access, org.org_number, { description: 'själv' }), 403, 'its own signatory');
  });

  test('an upsert of a verified organisation keeps it verified', async () => {
    const token = await writer();
    const n = validOrgNumber();
    const c = await put(token, n, registerBody());
    assert.equal(c.status, 201, c.text);
    await verifyOrg(c.json.id);
    const u = await put(token, n, { phone: '031-12 34 56' });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.status, 'verified');
    assert.equal(u.json.phone, '031-12 34 56');
  });

  test('ten identical upserts of a new number at once: one 201, nine 200, one organisation, one audit row', async () => {
    const token = await writer();
    const n = validOrgNumber();
    const body = registerBody();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => put(token, i % 2 ? n : digitsOf(n), body)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, `exactly one 201: ${JSON.stringify(statuses)}`);
    assert.equal(statuses.filter((s) => s === 200).length, 9, `the rest 200: ${JSON.stringify(statuses)}`);
    const ids = new Set(results.map((r) => r.json.id));
    assert.equal(ids.size, 1, 'all answers name the same organisation');
    assert.equal(new Set(results.map((r) => r.headers.etag)).size, 1, 'all answers carry the same ETag');
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '1');
    assert.equal(orgAuditCount([...ids][0]), 1, 'identical upserts after the create wrote audit rows');
  });
});
