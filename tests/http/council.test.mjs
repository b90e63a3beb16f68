// The council: seats with a category, members with terms. A seat has at most one ordinary
// member on any day, decided by the database (an exclusion constraint): 20 concurrent
// appointments for the same days give exactly one 201. The council on any day (as_of) is
// read from the kept terms.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { api, adminToken, newSession, createOrg, verifyOrg, assertProblem, assertValidation, auditRowsWhere, uniqueWord } from './support.mjs';

async function seat(category, title = `Plats ${uniqueWord()}`) {
  const r = await api('POST', '/api/v1/council/seats', { token: await adminToken(), body: { category, title } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.members, []);
  return r.json;
}

const appoint = async (seatId, body) => api('POST', `/api/v1/council/seats/${seatId}/members`, { token: await adminToken(), body });
const councilOn = async (day) => (await api('GET', `/api/v1/council${day ? `?as_of=${day}` : ''}`)).json;
const seatOn = async (day, id) => (await councilOn(day)).seats.find((s) => s.id === id);

describe('the council', () => {
  test('20 concurrent appointments of an ordinary member to one seat: exactly one holds it', async () => {
    const s = await seat('politician');
    const token = await adminToken();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api('POST', `/api/v1/council/seats/${s.id}/members`, {
      token, body: { role: 'ordinary', name: `Ledamot ${i}`, party: 'Exempelpartiet', from: '2027-01-01', to: '2030-12-31' },
    })));
    const codes = answers.map((r) => r.status).sort();
    assert.deepEqual(codes, [201, ...Array(19).fill(409)], JSON.stringify(codes));
    for (const r of answers.filter((x) => x.status === 409)) assertProblem(r, 409);
    const on = await seatOn('2028-06-01', s.id);
    assert.equal(on.members.filter((m) => m.role === 'ordinary').length, 1);
  });

  test('terms: an overlapping ordinary term is refused, an adjoining one and substitutes are not; as_of shows each day', async () => {
    const s = await seat('politician', `Kommunstyrelsen ${uniqueWord()}`);
    let r = await appoint(s.id, { role: 'ordinary', name: 'Anna Först', party: 'A-partiet', from: '2023-01-01', to: '2026-12-31' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual({ ...r.json, id: undefined }, { id: undefined, seat_id: s.id, role: 'ordinary', name: 'Anna Först', party: 'A-partiet', organisation: null, from: '2023-01-01', to: '2026-12-31' });
    assertProblem(await appoint(s.id, { role: 'ordinary', name: 'Bengt Krock', party: 'B-partiet', from: '2026-12-31' }), 409);
    r = await appoint(s.id, { role: 'ordinary', name: 'Bengt Sedan', party: 'B-partiet', from: '2027-01-01' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.to, null);
    r = await appoint(s.id, { role: 'substitute', name: 'Cecilia Ersättare', party: 'A-partiet', from: '2023-01-01', to: '2026-12-31' });
    assert.equal(r.status, 201, r.text);
    r = await appoint(s.id, { role: 'substitute', name: 'David Ersättare', party: 'C-partiet', from: '2024-01-01', to: '2026-12-31' });
    assert.equal(r.status, 201, r.text, 'several substitutes may overlap');

    const names = async (day) => (await seatOn(day, s.id)).members.map((m) => `${m.role}:${m.name}`);
    assert.deepEqual(await names('2023-06-01'), ['ordinary:Anna Först', 'substitute:Cecilia Ersättare']);
    assert.deepEqual(await names('2026-12-31'), ['ordinary:Anna Först', 'substitute:Cecilia Ersättare', 'substitute:David Ersättare']);
    assert.deepEqual(await names('2027-01-01'), ['ordinary:Bengt Sedan']);
    assert.deepEqual(await names('2035-01-01'), ['ordinary:Bengt Sedan']);
    const c = await councilOn('2027-01-01');
    assert.equal(c.as_of, '2027-01-01');
    assertProblem(await api('GET', '/api/v1/council?as_of=2027-13-01'), 400);
    const rows = await auditRowsWhere({ entityType: 'council_member' });
    assert.ok(rows.some((x) => x.after.name === 'Bengt Sedan'), 'appointments are audited');
  });

  test('categories: a party only for politicians, an organisation only for organisation seats; bad input; admin only', async () => {
    const official = await seat('official', `Förvaltningschef ${uniqueWord()}`);
    const org = await seat('organisation', `Paraplyorganisationer ${uniqueWord()}`);
    assertValidation(await appoint(official.id, { role: 'ordinary', name: 'Tjänste Person', party: 'X', from: '2026-01-01' }), ['/party']);
    const m = await newSession();
    const { id } = await createOrg(m.access);
    await verifyOrg(id);
    assertValidation(await appoint(official.id, { role: 'ordinary', name: 'Tjänste Person', organisation_id: id, from: '2026-01-01' }), ['/organisation_id']);
    let r = await appoint(org.id, { role: 'ordinary', name: 'Olle Organisationsson', organisation_id: id, from: '2026-01-01' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.organisation.id, id);
    r = await appoint(org.id, { role: 'boss', name: 'X', from: '2026-1-1', to: 'soon' });
    assertValidation(r, ['/role', '/name', '/from', '/to']);
    assertValidation(await appoint(org.id, { role: 'substitute', name: 'Sen Start', from: '2026-05-01', to: '2026-04-01' }), ['/to']);
    assertProblem(await appoint('00000000-0000-4000-8000-000000000000', { role: 'ordinary', name: 'Ingen Plats', from: '2026-01-01' }), 404);
    assertValidation(await api('POST', '/api/v1/council/seats', { token: await adminToken(), body: { category: 'king', title: 'x' } }), ['/category', '/title']);
    assertProblem(await api('POST', '/api/v1/council/seats', { token: m.access, body: { category: 'official', title: 'Inte min' } }), 403);
    assertProblem(await api('POST', `/api/v1/council/seats/${org.id}/members`, { token: m.access, body: { role: 'ordinary', name: 'Inte Jag', from: '2026-01-01' } }), 403);
    assertProblem(await api('POST', '/api/v1/council/seats', { body: { category: 'official', title: 'Anonym' } }), 401);
  });
});
