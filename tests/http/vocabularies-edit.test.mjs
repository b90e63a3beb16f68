// Vocabularies the secretariat edits: districts, interest areas and organisation kinds get a
// new code, new labels, or are retired. A retired code stays readable on old records (and in
// GET /vocabularies, marked), is refused for a new value (422 unknown_value), and a record that
// already holds it keeps it through later edits. Admin only; audited.
//
// The codes added here are unique per run and retired at the end, so other tests (and a
// second run on the same database) see only retired leftovers.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { api, adminToken, newSession, createOrg, getOrgAsAdmin, patchOrg, assertProblem, assertValidation, auditRowsWhere, psql, uniqueWord } from './support.mjs';

const code = () => `test_${uniqueWord(8).toLowerCase().replace(/[^a-z]/g, 'x')}`;
const entry = async (list, c) => (await api('GET', '/api/v1/vocabularies')).json[list].find((e) => e.code === c);

describe('editing vocabularies', () => {
  test('a new district is added last, relabelled, and usable by organisations', async () => {
    const admin = await adminToken();
    const c = code();
    let r = await api('POST', '/api/v1/vocabularies/districts/codes', { token: admin, body: { code: c, label_sv: ' Nordost ', label_en: 'North-east' } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, { code: c, label_sv: 'Nordost', label_en: 'North-east', retired: false });
    const all = (await api('GET', '/api/v1/vocabularies')).json.districts;
    assert.equal(all.at(-1).code, c, 'a new code goes last');
    r = await api('PATCH', `/api/v1/vocabularies/districts/codes/${c}`, { token: admin, body: { label_sv: 'Nordöstra Göteborg' } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await entry('districts', c)).label_sv, 'Nordöstra Göteborg');
    assert.equal((await entry('districts', c)).label_en, 'North-east');
    const s = await newSession();
    const { org } = await createOrg(s.access, { districts: [c, 'angered'] });
    assert.deepEqual(org.districts.sort(), [c, 'angered'].sort());
    const rows = psql(`SELECT action FROM audit WHERE entity_type = 'vocabulary' AND after->>'code' = '${c}' ORDER BY id`).split('\n');
    assert.deepEqual(rows, ['create', 'update']);
    await api('PATCH', `/api/v1/vocabularies/districts/codes/${c}`, { token: admin, body: { retired: true } });
  });

  test('retiring: refused for new values, readable on old records, kept through later edits, reinstated', async () => {
    const admin = await adminToken();
    const c = code();
    assert.equal((await api('POST', '/api/v1/vocabularies/areas/codes', { token: admin, body: { code: c, label_sv: 'Fritidsgårdar', label_en: 'Youth centres' } })).status, 201);
    const s = await newSession();
    const { id } = await createOrg(s.access, { areas: [c] });
    let r = await api('PATCH', `/api/v1/vocabularies/areas/codes/${c}`, { token: admin, body: { retired: true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.retired, true);
    const e = await entry('areas', c);
    assert.deepEqual(e, { code: c, label_sv: 'Fritidsgårdar', label_en: 'Youth centres', retired: true }, 'still listed, with its labels, marked retired');

    // old record: still there, still editable without dropping the code
    const { org } = await getOrgAsAdmin(id);
    assert.deepEqual(org.areas, [c]);
    r = await patchOrg(id, s.access, { description: 'Vi driver en fritidsgård.', areas: [c, 'kultur'] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.areas.sort(), [c, 'kultur'].sort());

    // new values: refused, with the stable code, and nothing written
    const s2 = await newSession();
    r = await api('POST', '/api/v1/organisations', { token: s2.access, body: { name: `Förening ${uniqueWord()}`, kind: 'ideell_forening', areas: [c] } });
    assertValidation(r, ['/areas']);
    assert.equal(r.json.errors[0].code, 'unknown_value');
    const other = await createOrg(s2.access);
    r = await patchOrg(other.id, s2.access, { areas: [c] });
    assertValidation(r, ['/areas'], 'a retired code added to an existing record');

    // reinstated: usable again
    r = await api('PATCH', `/api/v1/vocabularies/areas/codes/${c}`, { token: admin, body: { retired: false } });
    assert.equal(r.json.retired, false);
    r = await patchOrg(other.id, s2.access, { areas: [c] });
    assert.equal(r.status, 200, r.text);
    const actions = psql(`SELECT action FROM audit WHERE entity_type = 'vocabulary' AND after->>'code' = '${c}' ORDER BY id`).split('\n');
    assert.deepEqual(actions, ['create', 'retire', 'reinstate']);
    await api('PATCH', `/api/v1/vocabularies/areas/codes/${c}`, { token: admin, body: { retired: true } });
  });

  test('a retired kind keeps its organisations readable in the public list and filter', async () => {
    const admin = await adminToken();
    const c = code();
    assert.equal((await api('POST', '/api/v1/vocabularies/kinds/codes', { token: admin, body: { code: c, label_sv: 'Kooperativ hyresrätt', label_en: 'Housing cooperative' } })).status, 201);
    const s = await newSession();
    const { id } = await createOrg(s.access, { kind: c });
    assert.equal((await api('POST', `/api/v1/organisations/${id}/verify`, { token: admin })).status, 200);
    await api('PATCH', `/api/v1/vocabularies/kinds/codes/${c}`, { token: admin, body: { retired: true } });
    const r = await api('GET', `/api/v1/organisations?kind=${c}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((o) => o.id), [id]);
  });

  test('refusals: duplicates (also of retired codes), bad codes and fields, unknown vocabularies and codes, non-admins', async () => {
    const admin = await adminToken();
    const c = code();
    assert.equal((await api('POST', '/api/v1/vocabularies/kinds/codes', { token: admin, body: { code: c, label_sv: 'X', label_en: 'X' } })).status, 201);
    await api('PATCH', `/api/v1/vocabularies/kinds/codes/${c}`, { token: admin, body: { retired: true } });
    assertProblem(await api('POST', '/api/v1/vocabularies/kinds/codes', { token: admin, body: { code: c, label_sv: 'Y', label_en: 'Y' } }), 409);
    assertProblem(await api('POST', '/api/v1/vocabularies/kinds/codes', { token: admin, body: { code: 'ideell_forening', label_sv: 'Y', label_en: 'Y' } }), 409);
    let r = await api('POST', '/api/v1/vocabularies/kinds/codes', { token: admin, body: { code: 'Stora Bokstäver', label_sv: '', label_en: 'Y', colour: 1 } });
    assertValidation(r, ['/code', '/label_sv', '/colour']);
    r = await api('PATCH', `/api/v1/vocabularies/kinds/codes/${c}`, { token: admin, body: { retired: 'yes', code: 'x' } });
    assertValidation(r, ['/retired', '/code']);
    assertProblem(await api('POST', '/api/v1/vocabularies/dialogue_kinds/codes', { token: admin, body: { code: 'fika', label_sv: 'Fika', label_en: 'Coffee' } }), 404, 'dialogue kinds are fixed');
    assertProblem(await api('PATCH', '/api/v1/vocabularies/kinds/codes/no_such_code', { token: admin, body: { retired: true } }), 404);
    const s = await newSession();
    assertProblem(await api('POST', '/api/v1/vocabularies/kinds/codes', { token: s.access, body: { code: code(), label_sv: 'Y', label_en: 'Y' } }), 403);
    assertProblem(await api('PATCH', `/api/v1/vocabularies/kinds/codes/${c}`, { token: s.access, body: { retired: false } }), 403);
    assertProblem(await api('PATCH', `/api/v1/vocabularies/kinds/codes/${c}`, { body: { retired: false } }), 401);
    assert.equal((await entry('kinds', c)).retired, true, 'nothing changed');
  });
});
