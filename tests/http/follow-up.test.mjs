// The follow-up of an adopted agreement (openapi tag Follow-up, docs/decisions.md
// "Follow-up"): commitment plans (owners, indicators, principles), yearly entries (201 then
// 200, ETags, audit rows, follow_up change events), the action plan with its activities
// (If-Match), statistics, the open data follow-up.csv/.json without personal data, and the
// 409s on agreements that are not adopted. Adopts its own agreement (one current agreement
// in the database: it supersedes whatever was adopted).

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  newVerifiedOrg,
  createOrg,
  createAgreement,
  adoptAgreement,
  newRequestId,
  auditRowsWhere,
  readChanges,
  changesHead,
  isoFromNow,
  uniqueWord,
} from './support.mjs';

const PRINCIPLES = [
  { code: 'dialog', title: 'Dialog' },
  { code: 'sjalvstandighet', title: 'Självständighet' },
];
const COMMITMENTS = [
  { party: 'city', text: 'Staden bjuder in till dialog.' },
  { party: 'both', text: 'Parterna följer upp överenskommelsen årligen.' },
  { party: 'organisations', text: 'Organisationerna sprider kunskap om överenskommelsen.' },
];

const FU = (a) => `/api/v1/agreements/${a.id}/follow-up`;
const AP = (a, year) => `/api/v1/agreements/${a.id}/action-plan/${year}`;

function activity(fields = {}) {
  return { title: `Aktivitet ${uniqueWord()}`, responsible: 'Kansliet', starts_on: '2026-02-01', ends_on: '2026-06-30', budget_sek: 100000, principles: ['dialog'], commitments: [1], ...fields };
}

describe('follow-up', () => {
  let a, owner, admin;
  before(async () => {
    admin = await adminToken();
    a = await createAgreement({ principles: PRINCIPLES, commitments: COMMITMENTS });
    await adoptAgreement(a.id);
    owner = await newVerifiedOrg();
  });

  test('writes need an adopted agreement: 409 for a draft or one in consultation', async () => {
    for (const status of ['draft', 'consultation']) {
      const x = await createAgreement({ status, principles: PRINCIPLES, commitments: COMMITMENTS });
      assertProblem(await api('PUT', `${FU(x)}/commitments/1`, { token: admin, body: { city_owner: 'Kansliet' } }), 409, `${status}: plan`);
      assertProblem(await api('PUT', `${FU(x)}/commitments/1/years/2025`, { token: admin, body: { status: 'ongoing', text: 'x' } }), 409, `${status}: entry`);
      assertProblem(await api('POST', `${AP(x, 2026)}/activities`, { token: admin, body: activity() }), 409, `${status}: activity`);
    }
    const draft = await createAgreement();
    assertProblem(await api('GET', FU(draft)), 404, "a draft's follow-up for the public");
  });

  test('a commitment plan: owners, indicators, principles; checked against the agreement', async () => {
    const rid = newRequestId('plan');
    const body = { city_owner: 'Social resursförvaltning', organisation_owners: [owner.id], indicators: ['Antal dialogmöten per år'], principles: ['dialog'] };
    const r = await api('PUT', `${FU(a)}/commitments/1`, { token: admin, body, headers: { 'x-request-id': rid } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.number, 1);
    assert.equal(r.json.party, 'city');
    assert.deepEqual(r.json.organisation_owners, [{ id: owner.id, name: owner.org.name }]);
    assert.deepEqual(r.json.indicators, body.indicators);
    assert.equal(auditRowsWhere({ requestId: rid })[0].action, 'plan');
    const pending = await createOrg((await newSession()).access);
    const bad = [
      [{ principles: ['finns_inte'] }, '/principles'],
      [{ organisation_owners: [pending.id] }, '/organisation_owners'],
      [{ organisation_owners: ['x'] }, '/organisation_owners'],
      [{ indicators: [''] }, '/indicators'],
      [{ city_owner: '' }, '/city_owner'],
      [{ entries: [] }, '/entries'],
    ];
    for (const [b, field] of bad) {
      const x = await api('PUT', `${FU(a)}/commitments/1`, { token: admin, body: b });
      assertProblem(x, 422, JSON.stringify(b));
      assert.ok(x.json.errors.some((e) => e.field === field), x.text);
    }
    assertProblem(await api('PUT', `${FU(a)}/commitments/4`, { token: admin, body }), 404, 'no commitment 4');
    assertProblem(await api('PUT', `${FU(a)}/commitments/x`, { token: admin, body }), 404, 'not a number');
    assertProblem(await api('PUT', `${FU(a)}/commitments/1`, { token: owner.member.access, body }), 403, 'a member');
    assert.equal((await api('PUT', `${FU(a)}/commitments/1`, { body })).status, 401);
  });

  test("a year's entry: 201 with Location, then 200 replacing it; audit rows and follow_up events", async () => {
    const head = await changesHead(admin);
    const url = `${FU(a)}/commitments/2/years/2025`;
    const r1 = await api('PUT', url, { token: admin, body: { status: 'ongoing', text: 'Arbetet har börjat.' } });
    assert.equal(r1.status, 201, r1.text);
    assert.equal(r1.headers.location, `/api/v1/agreements/${a.id}/follow-up/commitments/2/years/2025`);
    assert.equal(r1.headers.etag, '"1"');
    assert.equal(r1.json.author.name, 'Test Admin');
    const r2 = await api('PUT', url, { token: admin, body: { status: 'done', text: 'Klart under året.' } });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.headers.etag, '"2"');
    assert.equal(r2.json.id, r1.json.id);
    const same = await api('PUT', url, { token: admin, body: { status: 'done', text: 'Klart under året.' } });
    assert.equal(same.headers.etag, '"2"', 'no change, no new version');
    const audit = auditRowsWhere({ entityId: r1.json.id });
    assert.deepEqual(audit.map((x) => x.action), ['create', 'update']);
    assert.equal(audit[1].before.text, 'Arbetet har börjat.', 'the earlier text is kept');
    const events = (await readChanges(admin, head, { types: 'follow_up' })).items.filter((e) => e.entity_id === r1.json.id);
    assert.deepEqual(events.map((e) => e.action), ['create', 'update']);
    for (const [body, field] of [[{ status: 'klar', text: 'x' }, '/status'], [{ status: 'done' }, '/text'], [{ status: 'done', text: ' ' }, '/text'], [{ status: 'done', text: 'x', year: 2024 }, '/year']]) {
      const x = await api('PUT', url, { token: admin, body });
      assertProblem(x, 422, JSON.stringify(body));
      assert.ok(x.json.errors.some((e) => e.field === field), x.text);
    }
    assertProblem(await api('PUT', `${FU(a)}/commitments/2/years/1999`, { token: admin, body: { status: 'done', text: 'x' } }), 404);
    assertProblem(await api('PUT', url, { token: owner.member.access, body: { status: 'done', text: 'x' } }), 403);
  });

  test("documents on a year's entry: the secretariat attaches, everyone reads", async () => {
    const e = await api('PUT', `${FU(a)}/commitments/3/years/2025`, { token: admin, body: { status: 'ongoing', text: 'Se bilagd rapport.' } });
    assert.equal(e.status, 201, e.text);
    const pdf = Buffer.from(`%PDF-1.7\n% ${uniqueWord()}\n%%EOF\n`);
    const url = `/api/v1/follow-up-entries/${e.json.id}/documents?title=Årsrapport&type=other&filename=rapport.pdf`;
    const up = await api('POST', url, { token: admin, rawBody: pdf, headers: { 'content-type': 'application/pdf' } });
    assert.equal(up.status, 201, up.text);
    assert.deepEqual(up.json.parent, { type: 'follow_up_entry', id: e.json.id });
    assertProblem(await api('POST', url, { token: owner.member.access, rawBody: pdf, headers: { 'content-type': 'application/pdf' } }), 403);
    assertProblem(await api('POST', `/api/v1/follow-up-entries/${crypto.randomUUID()}/documents?title=x&type=other&filename=x.pdf`, { token: admin, rawBody: pdf, headers: { 'content-type': 'application/pdf' } }), 404);
    const list = await api('GET', `/api/v1/follow-up-entries/${e.json.id}/documents`);
    assert.deepEqual(list.json.items.map((x) => x.id), [up.json.id]);
    assert.equal((await api('GET', `/api/v1/documents/${up.json.id}`)).status, 200);
  });

  test('the public follow-up, per year', async () => {
    await api('PUT', `${FU(a)}/commitments/1/years/2026`, { token: admin, body: { status: 'not_started', text: 'Planeras till hösten.' } });
    const all = await api('GET', FU(a));
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.json.commitments.map((c) => c.number), [1, 2, 3]);
    assert.ok(all.json.years.includes(2025) && all.json.years.includes(2026));
    assert.equal(all.json.commitments[0].city_owner, 'Social resursförvaltning');
    assert.deepEqual(all.json.commitments[0].principles, ['dialog']);
    assert.equal(all.json.commitments[1].entries[0].status, 'done');
    const y = await api('GET', `${FU(a)}?year=2026`);
    assert.equal(y.json.year, 2026);
    assert.ok(y.json.commitments.every((c) => c.entries.every((e) => e.year === 2026)));
    assert.equal(y.json.commitments[1].entries.length, 0);
    assertProblem(await api('GET', `${FU(a)}?year=tjugo`), 400);
  });

  test('the action plan: activities with If-Match, the total budget, references checked', async () => {
    const rid = newRequestId('act');
    const c = await api('POST', `${AP(a, 2026)}/activities`, { token: admin, body: activity({ title: 'Lokalbank', budget_sek: 350000 }), headers: { 'x-request-id': rid } });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.headers.location, `/api/v1/agreements/${a.id}/action-plan/2026/activities/${c.json.id}`);
    assert.equal(c.headers.etag, '"1"');
    assert.equal(auditRowsWhere({ requestId: rid })[0].action, 'create');
    await api('POST', `${AP(a, 2026)}/activities`, { token: admin, body: activity({ budget_sek: null, starts_on: '2026-01-10' }) });
    const plan = await api('GET', AP(a, 2026));
    assert.equal(plan.status, 200);
    assert.equal(plan.json.budget_total_sek, 350000);
    assert.equal(plan.json.activities.length, 2);
    assert.equal(plan.json.activities[0].starts_on, '2026-01-10', 'by start date');
    assert.deepEqual((await api('GET', AP(a, 2031))).json.activities, []);
    const one = `${AP(a, 2026)}/activities/${c.json.id}`;
    assert.equal((await api('GET', one)).headers.etag, '"1"');
    assertProblem(await api('PATCH', one, { token: admin, body: { budget_sek: 1 } }), 428);
    assertProblem(await api('PATCH', one, { token: admin, body: { budget_sek: 1 }, headers: { 'if-match': '"9"' } }), 412);
    const p = await api('PATCH', one, { token: admin, body: { budget_sek: 400000 }, headers: { 'if-match': '"1"' } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.budget_sek, 400000);
    assert.equal(p.json.title, 'Lokalbank');
    assert.equal(p.headers.etag, '"2"');
    const bad = [
      [{ ends_on: '2026-01-01' }, '/ends_on'],
      [{ commitments: [9] }, '/commitments'],
      [{ principles: ['finns_inte'] }, '/principles'],
      [{ budget_sek: -1 }, '/budget_sek'],
      [{ title: '' }, '/title'],
      [{ starts_on: '2026-13-01' }, '/starts_on'],
    ];
    for (const [b, field] of bad) {
      const x = await api('POST', `${AP(a, 2026)}/activities`, { token: admin, body: activity(b) });
      assertProblem(x, 422, JSON.stringify(b));
      assert.ok(x.json.errors.some((e) => e.field === field), x.text);
    }
    const patchBefore = await api('PATCH', one, { token: admin, body: { ends_on: '2026-01-15' }, headers: { 'if-match': '*' } });
    assertProblem(patchBefore, 422, 'a patch ending before it starts');
    assertProblem(await api('POST', `${AP(a, 2026)}/activities`, { token: owner.member.access, body: activity() }), 403);
    assertProblem(await api('GET', `${AP(a, 2026)}/activities/${crypto.randomUUID()}`), 404);
    assertProblem(await api('GET', `${AP(a, 2025)}/activities/${c.json.id}`), 404, 'another year');
    assertProblem(await api('GET', AP(a, 'next')), 404);
  });

  test('removing an activity: If-Match, 204, gone from the plan and its total; the audit row keeps it', async () => {
    const c = await api('POST', `${AP(a, 2027)}/activities`, { token: admin, body: activity({ title: 'Felregistrerad aktivitet', budget_sek: 50000, starts_on: '2027-02-01', ends_on: '2027-03-01' }) });
    assert.equal(c.status, 201, c.text);
    const keep = await api('POST', `${AP(a, 2027)}/activities`, { token: admin, body: activity({ budget_sek: 20000, starts_on: '2027-02-01', ends_on: '2027-03-01' }) });
    assert.equal((await api('GET', AP(a, 2027))).json.budget_total_sek, 70000);
    const one = `${AP(a, 2027)}/activities/${c.json.id}`;
    assertProblem(await api('DELETE', one, { token: admin }), 428, 'without If-Match');
    assertProblem(await api('DELETE', one, { token: admin, headers: { 'if-match': '"7"' } }), 412, 'stale');
    assertProblem(await api('DELETE', one, { token: owner.member.access, headers: { 'if-match': '"1"' } }), 403, 'a member');
    assert.equal((await api('DELETE', one, { headers: { 'if-match': '"1"' } })).status, 401);
    assertProblem(await api('DELETE', `${AP(a, 2026)}/activities/${c.json.id}`, { token: admin, headers: { 'if-match': '"1"' } }), 404, 'another year');
    const rid = newRequestId('act-del');
    const d = await api('DELETE', one, { token: admin, headers: { 'if-match': '"1"', 'x-request-id': rid } });
    assert.equal(d.status, 204, d.text);
    assert.equal(d.text, '');
    assertProblem(await api('GET', one), 404, 'removed');
    assertProblem(await api('DELETE', one, { token: admin, headers: { 'if-match': '*' } }), 404, 'removed twice');
    const plan = await api('GET', AP(a, 2027));
    assert.deepEqual(plan.json.activities.map((x) => x.id), [keep.json.id]);
    assert.equal(plan.json.budget_total_sek, 20000);
    const [row] = auditRowsWhere({ requestId: rid });
    assert.equal(row.action, 'delete');
    assert.equal(row.entity_type, 'action_plan_activity');
    assert.equal(row.before.title, 'Felregistrerad aktivitet', 'what it was is kept');
  });

  test('the follow-up writes name their field errors by code (for the pages in both languages)', async () => {
    const code = async (method, url, body, field, headers) => {
      const r = await api(method, url, { token: admin, body, headers });
      assertProblem(r, 422, JSON.stringify(body));
      const e = r.json.errors.find((x) => x.field === field);
      assert.ok(e, r.text);
      return e;
    };
    assert.equal((await code('POST', `${AP(a, 2026)}/activities`, activity({ starts_on: '2026-05-01', ends_on: '2026-04-01' }), '/ends_on')).code, 'ends_before_start');
    assert.equal((await code('POST', `${AP(a, 2026)}/activities`, activity({ principles: ['finns_inte'] }), '/principles')).code, 'unknown_value');
    assert.equal((await code('POST', `${AP(a, 2026)}/activities`, activity({ commitments: [0] }), '/commitments')).code, 'unknown_value');
    const ind = await code('PUT', `${FU(a)}/commitments/1`, { indicators: ['x'.repeat(501)] }, '/indicators');
    assert.deepEqual([ind.code, ind.min, ind.max], ['length', 1, 500]);
    const pending = await createOrg((await newSession()).access);
    assert.equal((await code('PUT', `${FU(a)}/commitments/1`, { organisation_owners: [pending.id] }, '/organisation_owners')).code, 'not_found');
    assert.equal((await code('PUT', `${FU(a)}/commitments/1`, { organisation_owners: ['x'] }, '/organisation_owners')).code, 'invalid_format');
    assert.equal((await code('PUT', `${FU(a)}/commitments/1`, { principles: ['Dialog!'] }, '/principles')).code, 'invalid_format');
  });

  test('statistics: commitments by status per year, dialogues per principle', async () => {
    const starts = isoFromNow(40 * 86400000);
    const d = await api('POST', '/api/v1/dialogues', { token: admin, body: { title: `Dialog ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: new Date(Date.parse(starts) + 3600000).toISOString(), principles: ['sjalvstandighet'] } });
    assert.equal(d.status, 201, d.text);
    const s = await api('GET', `${FU(a)}/stats`);
    assert.equal(s.status, 200, s.text);
    const y2025 = s.json.commitments_by_status.find((x) => x.year === 2025);
    assert.deepEqual(y2025, { year: 2025, not_started: 0, ongoing: 1, done: 1, discontinued: 0, not_reported: 1 });
    const p = s.json.dialogues_by_principle.find((x) => x.code === 'sjalvstandighet');
    assert.ok(p.scheduled >= 1);
    assert.deepEqual(s.json.dialogues_by_principle.map((x) => x.code), ['dialog', 'sjalvstandighet']);
  });

  test('open data follow-up.csv and .json: the current agreement, no personal data, in the index', async () => {
    const csv = await api('GET', '/api/v1/open-data/follow-up.csv');
    assert.equal(csv.status, 200);
    const rows = parse(csv.text, { columns: true });
    const mine = rows.filter((r) => r.agreement_id === a.id);
    assert.deepEqual(mine.map((r) => `${r.year}/${r.commitment}/${r.status}`), ['2025/2/done', '2025/3/ongoing', '2026/1/not_started']);
    assert.equal(mine[2].principles, 'dialog');
    assert.equal(mine[2].city_owner, 'Social resursförvaltning');
    assert.ok(!csv.text.includes('Test Admin'), 'no author names in the open data');
    const json = await api('GET', '/api/v1/open-data/follow-up.json');
    assert.equal(json.status, 200);
    assert.equal(json.json.items.filter((x) => x.agreement_id === a.id).length, 3);
    const index = await api('GET', '/api/v1/open-data');
    const ds = index.json.datasets.find((x) => x.id === 'follow-up');
    assert.deepEqual(ds.fields.map((f) => f.name), Object.keys(json.json.items[0]));
    assert.ok(ds.distributions.some((x) => x.url === '/api/v1/open-data/follow-up.csv'));
  });
});
