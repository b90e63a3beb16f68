// The council: seats with a category, members with terms. A seat has at most one ordinary
// member on any day, decided by the database (an exclusion constraint): 20 concurrent
// appointments for the same days give exactly one 201. The council on any day (as_of) is
// read from the kept terms.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { api, adminToken, newSession, createOrg, verifyOrg, assertProblem, assertValidation, auditRowsWhere, uniqueWord, changesHead, waitForChanges, readChanges, clientAccess, CHANGE_TYPES } from './support.mjs';

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

describe('council meetings: attendance per member and the quorum', () => {
  test('members on the meeting day, attendance noted per member, a substitute stands in, the quorum rule decides', async () => {
    const admin = await adminToken();
    // a meeting far in the future, so that only this test's seats have members on its day
    const day = `2091-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;
    const starts = `${day}T16:00:00Z`;
    const d = await api('POST', '/api/v1/dialogues', { token: admin, body: { title: `Rådsmöte ${uniqueWord()}`, kind: 'radsmote', starts_at: starts, ends_at: `${day}T18:00:00Z` } });
    assert.equal(d.status, 201, d.text);
    const seats = [await seat('politician'), await seat('official'), await seat('organisation')];
    const ordinary = [];
    for (const s of seats) {
      const r = await appoint(s.id, { role: 'ordinary', name: `Ledamot ${uniqueWord()}`, party: s.category === 'politician' ? 'X-partiet' : undefined, from: day, to: day });
      assert.equal(r.status, 201, r.text);
      ordinary.push(r.json);
    }
    const sub = (await appoint(seats[2].id, { role: 'substitute', name: `Ersättare ${uniqueWord()}`, from: day, to: day })).json;
    const url = `/api/v1/dialogues/${d.json.id}/council-attendance`;
    let r = await api('GET', url);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.day, day);
    // other tests' seats with open terms sit on the council that day too: N seats in all
    const N = r.json.seats;
    assert.ok(N >= 3 && N <= 100, `${N} seats`);
    const mine = (j) => j.members.filter((m) => seats.some((x) => x.id === m.seat_id));
    assert.equal(mine(r.json).length, 4);
    assert.ok(r.json.members.every((m) => m.attended === null), 'nothing noted yet');
    assert.equal(r.json.seats_present, 0);
    assert.equal(r.json.quorum_met, false);

    // a rule that 2 present seats meet and 1 does not: 100 < p·N <= 200
    const p = Math.floor(200 / N);
    assert.equal((await api('PUT', '/api/v1/council/quorum', { token: admin, body: { quorum_percent: p } })).status, 200);
    const note = (memberId, attended) => api('PUT', `${url}/${memberId}`, { token: admin, body: { attended } });
    r = await note(ordinary[0].id, true);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.seats_present, 1);
    assert.equal(r.json.quorum_met, false, `1 of ${N} is less than ${p} %`);
    await note(ordinary[2].id, false);
    r = await note(sub.id, true); // the substitute stands in for the organisation seat
    assert.equal(r.json.seats_present, 2);
    assert.equal(r.json.quorum_met, true, `2 of ${N} is at least ${p} %`);
    r = await api('PUT', '/api/v1/council/quorum', { token: admin, body: { quorum_percent: 100 } });
    assert.equal((await api('GET', url)).json.quorum_met, false, 'the rule is read when asked');
    r = await note(sub.id, null);
    assert.equal(r.json.members.find((m) => m.id === sub.id).attended, null);
    await api('PUT', '/api/v1/council/quorum', { token: admin, body: { quorum_percent: 50 } });

    // refusals
    const other = await appoint(seats[0].id, { role: 'substitute', name: `Senare ${uniqueWord()}`, from: '2092-01-01' });
    assertProblem(await note(other.json.id, true), 404, 'a member on another day');
    const plain = await api('POST', '/api/v1/dialogues', { token: admin, body: { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: `${day}T18:00:00Z` } });
    assertProblem(await api('GET', `/api/v1/dialogues/${plain.json.id}/council-attendance`), 404, 'not a council meeting');
    assertValidation(await note(ordinary[0].id, 'yes'), ['/attended']);
    assertValidation(await api('PUT', '/api/v1/council/quorum', { token: admin, body: { quorum_percent: 0 } }), ['/quorum_percent']);
    const m = await newSession();
    assertProblem(await api('PUT', `${url}/${ordinary[0].id}`, { token: m.access, body: { attended: false } }), 403);
    assertProblem(await api('PUT', '/api/v1/council/quorum', { token: m.access, body: { quorum_percent: 10 } }), 403);
  });
});

describe('the council on the change feed, and ending a term', () => {
  test('a seat and a member are `council` events in the default feed; ending a term is an update event, audited; the past stays', async () => {
    const admin = await adminToken();
    const head = await changesHead(admin);
    const s = await seat('politician', `Kommunfullmäktige ${uniqueWord()}`);
    const r = await appoint(s.id, { role: 'ordinary', name: 'Eva Exempelsson', party: 'Exempelpartiet', from: '2003-01-01' });
    assert.equal(r.status, 201, r.text);
    const m = r.json;

    const ended = await api('PATCH', `/api/v1/council/seats/${s.id}/members/${m.id}`, { token: admin, body: { to: '2006-06-30' } });
    assert.equal(ended.status, 200, ended.text);
    assert.deepEqual(ended.json, { ...m, to: '2006-06-30' });
    assert.deepEqual((await seatOn('2006-06-30', s.id)).members.map((x) => x.name), ['Eva Exempelsson']);
    // the seat is newer than that day, so without a member it is not on the council then
    assert.equal(await seatOn('2006-07-01', s.id), undefined, 'the term has ended');
    assert.deepEqual((await seatOn(undefined, s.id)).members, [], 'the term has ended');
    assert.deepEqual((await seatOn('2004-01-01', s.id)).members, [ended.json], 'the past stays');
    const rows = await auditRowsWhere({ entityType: 'council_member' });
    assert.ok(rows.some((x) => x.before?.to === null && x.after?.to === '2006-06-30' && x.after.id === m.id), 'the end is audited with before and after');

    const mine = (items) => items.filter((e) => e.entity_id === s.id || e.entity_id === m.id);
    const items = await waitForChanges(admin, head, (xs) => mine(xs).length >= 3, { what: 'council events' });
    const got = mine(items).map((e) => [e.type, e.action, e.entity_id]);
    assert.deepEqual(got, [['council', 'create', s.id], ['council', 'create', m.id], ['council', 'update', m.id]]);
    const [seatEvent, created, updated] = mine(items);
    assert.deepEqual(seatEvent.data, { id: s.id, category: 'politician', title: s.title, members: [] });
    assert.deepEqual(created.data, m, 'data is the member as GET /api/v1/council shows it');
    assert.deepEqual(updated.data, ended.json);
    const only = await readChanges(admin, head, { types: 'council' });
    assert.ok(only.items.every((e) => e.type === 'council'));
    assert.ok(mine(only.items).length === 3);

    const client = await clientAccess(['webhooks:manage', 'changes:read']);
    const hook = await api('POST', '/api/v1/webhooks', { token: client.token, body: { url: 'https://rad.example.org/hook', types: ['council', ...CHANGE_TYPES.filter((t) => t !== 'council')] } });
    assert.equal(hook.status, 201, hook.text);
    assert.ok(hook.json.types.includes('council'));
  });

  test('ending a term: the database decides an ordinary term stretched into another; bad input; another seat; admin only', async () => {
    const admin = await adminToken();
    const s = await seat('official', `Förvaltning ${uniqueWord()}`);
    const first = (await appoint(s.id, { role: 'ordinary', name: 'Karin Först', from: '2024-01-01', to: '2025-12-31' })).json;
    const second = (await appoint(s.id, { role: 'ordinary', name: 'Lars Sedan', from: '2026-01-01' })).json;
    const end = (id, body, token = admin, seatId = s.id) => api('PATCH', `/api/v1/council/seats/${seatId}/members/${id}`, { token, body });
    assertProblem(await end(first.id, { to: null }), 409);
    assertProblem(await end(first.id, { to: '2026-01-01' }), 409);
    let r = await end(second.id, { to: '2026-12-31' });
    assert.equal(r.status, 200, r.text);
    // a race the database decides: one secretary stretches an ended ordinary term while another
    // appoints a new ordinary member into those days; each alone would pass, together only one
    // may (the exclusion constraint), on each of 5 seats at once
    const races = await Promise.all(Array.from({ length: 5 }, async (_, i) => {
      const rs = await seat('official', `Kapplöpning ${i} ${uniqueWord()}`);
      const x = (await appoint(rs.id, { role: 'ordinary', name: 'Xena Först', from: '2024-01-01', to: '2024-12-31' })).json;
      const [stretch, appointed] = await Promise.all([
        end(x.id, { to: '2025-12-31' }, admin, rs.id),
        appoint(rs.id, { role: 'ordinary', name: 'Wilma Ny', from: '2025-06-01' })]);
      return { rs, codes: [stretch.status, appointed.status], stretch, appointed };
    }));
    for (const { rs, codes, stretch, appointed } of races) {
      assert.ok(JSON.stringify(codes) === '[200,409]' || JSON.stringify(codes) === '[409,201]', `${codes}: ${stretch.text} ${appointed.text}`);
      const on = (await seatOn('2025-07-01', rs.id)).members.filter((x) => x.role === 'ordinary');
      assert.equal(on.length, 1, JSON.stringify(on));
    }
    r = await end(second.id, { to: null });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.to, null, 'an end set by mistake can be opened again');
    assertValidation(await end(second.id, { to: '2025-12-31' }), ['/to']);
    assertValidation(await end(second.id, { to: 'soon' }), ['/to']);
    assertValidation(await end(second.id, {}), ['/to']);
    const other = await seat('official', `Annan ${uniqueWord()}`);
    assertProblem(await end(second.id, { to: '2026-12-31' }, admin, other.id), 404);
    assertProblem(await end('not-a-uuid', { to: '2026-12-31' }), 404);
    const m = await newSession();
    assertProblem(await end(second.id, { to: '2026-12-31' }, m.access), 403);
    assertProblem(await api('PATCH', `/api/v1/council/seats/${s.id}/members/${second.id}`, { body: { to: '2026-12-31' } }), 401);
    assert.equal((await seatOn('2030-01-01', s.id)).members[0].to, null, 'refused changes changed nothing');
  });
});
