// The consultation (remiss) on an agreement (openapi tag Consultation, docs/decisions.md
// "Consultation"): the close date (admin, only in consultation), one response per
// organisation by its representatives (the race too), references checked against the
// agreement, edits with If-Match and withdrawals until the close and 409 after, the
// secretariat's comments, filters and CSV, who sees what before and after the close (the
// withheld text of responses not for publication), audit rows and change events.

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
  clientAccess,
  createAgreement,
  uniqueWord,
  newRequestId,
  auditRowsWhere,
  readChanges,
  changesHead,
  waitForChanges,
  isoFromNow,
} from './support.mjs';

const PRINCIPLES = [
  { code: 'dialog', title: 'Dialog' },
  { code: 'sjalvstandighet', title: 'Självständighet' },
];
const COMMITMENTS = [
  { party: 'city', text: 'Staden bjuder in till dialog.' },
  { party: 'both', text: 'Parterna följer upp överenskommelsen årligen.' },
];

async function consultationAgreement({ closesInMs = 30 * 86400000 } = {}) {
  const a = await createAgreement({ status: 'consultation', principles: PRINCIPLES, commitments: COMMITMENTS });
  const r = await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { token: await adminToken(), body: { consultation_closes_at: isoFromNow(closesInMs) } });
  assert.equal(r.status, 200, r.text);
  return a;
}

async function close(a) {
  const r = await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { token: await adminToken(), body: { consultation_closes_at: isoFromNow(-1000) } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'closed');
}

const RESPONSES = (a) => `/api/v1/agreements/${a.id}/consultation/responses`;

async function respond(a, org, token, fields = {}) {
  return api('POST', RESPONSES(a), { token, body: { organisation_id: org, body: `Vi tycker till om utkastet. ${uniqueWord()}`, ...fields } });
}

async function list(a, token, query = '') {
  const r = await api('GET', `${RESPONSES(a)}${query}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

describe('scheduling the consultation', () => {
  test('admin sets the close on an agreement in consultation; 409 in other states; 401/403/422', async () => {
    const admin = await adminToken();
    const draft = await createAgreement();
    const body = { consultation_closes_at: isoFromNow(86400000) };
    assertProblem(await api('PUT', `/api/v1/agreements/${draft.id}/consultation`, { token: admin, body }), 409, 'a draft');
    const a = await createAgreement({ status: 'consultation' });
    const before0 = await api('GET', `/api/v1/agreements/${a.id}/consultation`);
    assert.deepEqual(before0.json, { agreement_id: a.id, state: 'not_open', consultation_closes_at: null, response_count: 0 });
    const member = await newSession();
    assert.equal((await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { body })).status, 401);
    assertProblem(await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { token: member.access, body }), 403, 'member');
    const bad = await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { token: admin, body: { consultation_closes_at: 'tomorrow' } });
    assertProblem(bad, 422);
    assert.ok(bad.json.errors.some((e) => e.field === '/consultation_closes_at'));
    const rid = newRequestId('sched');
    const ok = await api('PUT', `/api/v1/agreements/${a.slug}/consultation`, { token: admin, body, headers: { 'x-request-id': rid } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.state, 'open');
    assert.equal(Date.parse(ok.json.consultation_closes_at), Date.parse(body.consultation_closes_at));
    assert.equal(auditRowsWhere({ requestId: rid })[0].action, 'schedule_consultation');
    assert.equal((await api('GET', `/api/v1/agreements/${a.id}/consultation`)).json.state, 'open');
    assertProblem(await api('GET', `/api/v1/agreements/${draft.id}/consultation`), 404, "a draft's consultation for the public");
  });
});

describe('the close date on the change feed', () => {
  test("setting or moving the close is an agreement update whose data carries the date; the same date again changes nothing", async () => {
    const admin = await adminToken();
    const a = await createAgreement({ status: 'consultation' });
    const g0 = await api('GET', `/api/v1/agreements/${a.id}`);
    assert.equal(g0.json.consultation_closes_at, null);
    const head = await changesHead(admin);
    const updates = (items) => items.filter((e) => e.type === 'agreement' && e.entity_id === a.id && e.action === 'update');
    const schedule = async (at) => {
      const r = await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { token: admin, body: { consultation_closes_at: at } });
      assert.equal(r.status, 200, r.text);
      return r;
    };

    const first = isoFromNow(14 * 86400000);
    await schedule(first);
    let items = await waitForChanges(admin, head, (its) => updates(its).length >= 1, { what: 'the update of the close date' });
    const [e1] = updates(items);
    assert.equal(Date.parse(e1.data.consultation_closes_at), Date.parse(first), 'the event carries the new date');
    const g1 = await api('GET', `/api/v1/agreements/${a.id}`);
    assert.deepEqual(e1.data, g1.json, 'data equals GET');
    assert.notEqual(g1.headers.etag, g0.headers.etag, 'a new revision');
    assert.ok(Date.parse(g1.json.updated_at) >= Date.parse(g0.json.updated_at));

    // the same date again: no revision, no event, no audit row
    const rid = newRequestId('same-close');
    const again = await api('PUT', `/api/v1/agreements/${a.id}/consultation`, { token: admin, body: { consultation_closes_at: first }, headers: { 'x-request-id': rid } });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.state, 'open');
    assert.equal((await api('GET', `/api/v1/agreements/${a.id}`)).headers.etag, g1.headers.etag);
    assert.equal(auditRowsWhere({ requestId: rid }).length, 0);

    // moved: the next event shows the new date, and nothing came between (events are in commit order)
    const moved = isoFromNow(21 * 86400000);
    await schedule(moved);
    items = await waitForChanges(admin, head, (its) => updates(its).length >= 2, { what: 'the update of the moved close' });
    const ups = updates(items);
    assert.equal(ups.length, 2, `one event per change: ${JSON.stringify(ups.map((e) => e.data.consultation_closes_at))}`);
    assert.equal(Date.parse(ups[1].data.consultation_closes_at), Date.parse(moved));
    assert.equal((await api('GET', `/api/v1/agreements/${a.id}/consultation`)).json.state, 'open');

    // the date is the consultation's to set: read-only in the agreement
    const g2 = await api('GET', `/api/v1/agreements/${a.id}`, { token: admin });
    const patch = await api('PATCH', `/api/v1/agreements/${a.id}`, { token: admin, body: { consultation_closes_at: first }, headers: { 'if-match': g2.headers.etag } });
    assertProblem(patch, 422);
    assert.ok(patch.json.errors.some((e) => e.field === '/consultation_closes_at' && e.code === 'read_only'), patch.text);
  });
});

describe('responses while the consultation is open', () => {
  let a, orgA, orgB;
  before(async () => {
    a = await consultationAgreement();
    orgA = await newVerifiedOrg({ districts: ['angered'] });
    orgB = await newVerifiedOrg({ kind: 'stiftelse', districts: ['centrum'] });
  });

  test('a representative answers once for the organisation: 201, Location, ETag, audit; a second gets 409', async () => {
    const rid = newRequestId('resp');
    const r = await api('POST', RESPONSES(a), {
      token: orgA.member.access,
      body: { organisation_id: orgA.id, body: '## Synpunkter\nVi saknar lokalfrågan.', principles: ['dialog'], commitments: [2] },
      headers: { 'x-request-id': rid },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.location, `/api/v1/agreements/${a.id}/consultation/responses/${r.json.id}`);
    assert.equal(r.headers.etag, '"1"');
    assert.equal(r.json.status, 'submitted');
    assert.deepEqual(r.json.principles, ['dialog']);
    assert.deepEqual(r.json.commitments, [2]);
    assert.equal(r.json.submitted_by.id, orgA.member.id);
    assert.equal(auditRowsWhere({ requestId: rid })[0].action, 'respond');
    assertProblem(await respond(a, orgA.id, orgA.member.access), 409, 'a second response');
    assert.equal((await api('GET', `/api/v1/agreements/${a.id}/consultation`)).json.response_count >= 1, true);
  });

  test('others may not answer for the organisation; bad bodies and references get 422', async () => {
    assertProblem(await respond(a, orgB.id, orgA.member.access), 403, 'a representative of another organisation');
    assertProblem(await respond(a, orgB.id, await adminToken()), 403, 'the secretariat');
    assert.equal((await respond(a, orgB.id, undefined)).status, 401);
    const client = await clientAccess(['organisations:read']);
    assertProblem(await respond(a, orgB.id, client.token), 403, 'an API client');
    const cases = [
      [{ principles: ['finns_inte'] }, '/principles'],
      [{ commitments: [3] }, '/commitments'],
      [{ commitments: [0] }, '/commitments'],
      [{ body: '   ' }, '/body'],
      [{ body: 'x'.repeat(20001) }, '/body'],
      [{ status: 'withdrawn' }, '/status'],
      [{ organisation_id: 'nope' }, '/organisation_id'],
      [{ organisation_id: crypto.randomUUID() }, '/organisation_id'],
    ];
    for (const [fields, field] of cases) {
      const r = await respond(a, orgB.id, orgB.member.access, fields);
      assertProblem(r, 422, JSON.stringify(fields).slice(0, 80));
      assert.ok(r.json.errors.some((e) => e.field === field), `${field}: ${r.text.slice(0, 300)}`);
    }
    const long = await respond(a, orgB.id, orgB.member.access, { body: 'å'.repeat(20000), not_for_publication: true });
    assert.equal(long.status, 201, 'exactly 20,000 characters');
  });

  test('before the close only the secretariat and the organisation itself see a response', async () => {
    const admin = await adminToken();
    const mine = await list(a, orgA.member.access);
    assert.ok(mine.length >= 1 && mine.every((x) => x.organisation.id === orgA.id));
    const other = await newSession();
    assert.deepEqual(await list(a, undefined), []);
    assert.deepEqual(await list(a, other.access), []);
    const all = await list(a, admin);
    assert.ok(all.some((x) => x.organisation.id === orgA.id) && all.some((x) => x.organisation.id === orgB.id));
    assert.ok(all.every((x) => x.submitted_by));
    const one = mine[0];
    assertProblem(await api('GET', `${RESPONSES(a)}/${one.id}`), 404, 'anonymous, before the close');
    assertProblem(await api('GET', `${RESPONSES(a)}/${one.id}`, { token: orgB.member.access }), 404, 'another organisation');
    assert.equal((await api('GET', `${RESPONSES(a)}/${one.id}`, { token: orgA.member.access })).status, 200);
    // the secretariat's filters
    assert.ok((await list(a, admin, '?kind=stiftelse')).every((x) => x.organisation.kind === 'stiftelse'));
    assert.deepEqual((await list(a, admin, '?district=angered')).map((x) => x.organisation.id), [orgA.id]);
    assert.deepEqual(await list(a, admin, '?district=finns_inte'), []);
    assertProblem(await api('GET', `${RESPONSES(a)}?status=maybe`, { token: admin }), 400);
  });

  test('edit with If-Match (428, 412), withdraw, and answer again; the secretariat comments', async () => {
    const org = await newVerifiedOrg();
    const r = await respond(a, org.id, org.member.access);
    const url = `${RESPONSES(a)}/${r.json.id}`;
    assertProblem(await api('PATCH', url, { token: org.member.access, body: { body: 'Nytt' } }), 428);
    assertProblem(await api('PATCH', url, { token: org.member.access, body: { body: 'Nytt' }, headers: { 'if-match': '"7"' } }), 412);
    assertProblem(await api('PATCH', url, { token: await adminToken(), body: { body: 'Nytt' }, headers: { 'if-match': '"1"' } }), 403, 'the secretariat edits no response');
    const e = await api('PATCH', url, { token: org.member.access, body: { body: 'Ändrad text.', not_for_publication: true }, headers: { 'if-match': '"1"' } });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.headers.etag, '"2"');
    assert.equal(e.json.body, 'Ändrad text.');
    assert.equal(e.json.not_for_publication, true);
    const c = await api('PUT', `${url}/comment`, { token: await adminToken(), body: { comment: 'Beaktas i nästa version.' } });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.comment, 'Beaktas i nästa version.');
    assertProblem(await api('PUT', `${url}/comment`, { token: org.member.access, body: { comment: 'Själv' } }), 403);
    const w = await api('POST', `${url}/withdraw`, { token: org.member.access });
    assert.equal(w.status, 200, w.text);
    assert.equal(w.json.status, 'withdrawn');
    assertProblem(await api('POST', `${url}/withdraw`, { token: org.member.access }), 409, 'withdrawn twice');
    assertProblem(await api('PATCH', url, { token: org.member.access, body: { body: 'x' }, headers: { 'if-match': '*' } }), 409, 'editing a withdrawn response');
    assertProblem(await api('PUT', `${url}/comment`, { token: await adminToken(), body: { comment: 'x' } }), 409, 'commenting a withdrawn response');
    const again = await respond(a, org.id, org.member.access);
    assert.equal(again.status, 201, 'a new response after withdrawing');
    assert.deepEqual((await list(a, await adminToken(), '?status=withdrawn')).filter((x) => x.organisation.id === org.id).map((x) => x.id), [r.json.id]);
  });

  test('concurrent first responses of one organisation: exactly one is stored', async () => {
    const org = await newVerifiedOrg();
    const results = await Promise.all(Array.from({ length: 12 }, () => respond(a, org.id, org.member.access)));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(11).fill(409)], JSON.stringify(statuses));
  });
});

describe('after the close', () => {
  test('409 for every change by the organisation; the compilation is public but the withheld texts', async () => {
    const a = await consultationAgreement();
    const open = await newVerifiedOrg();
    const secret = await newVerifiedOrg();
    const gone = await newVerifiedOrg();
    const admin = await adminToken();
    const head = await changesHead(admin);
    const r1 = await respond(a, open.id, open.member.access, { body: 'Offentligt svar.' });
    const r2 = await respond(a, secret.id, secret.member.access, { body: 'Hemligt svar.', not_for_publication: true });
    const r3 = await respond(a, gone.id, gone.member.access);
    assert.equal((await api('POST', `${RESPONSES(a)}/${r3.json.id}/withdraw`, { token: gone.member.access })).status, 200);
    await api('PUT', `${RESPONSES(a)}/${r1.json.id}/comment`, { token: admin, body: { comment: 'Tillgodosett.' } });
    await close(a);

    const late = await newVerifiedOrg();
    assertProblem(await respond(a, late.id, late.member.access), 409, 'a response after the close');
    assertProblem(await api('PATCH', `${RESPONSES(a)}/${r1.json.id}`, { token: open.member.access, body: { body: 'Sent' }, headers: { 'if-match': '*' } }), 409, 'an edit after the close');
    assertProblem(await api('POST', `${RESPONSES(a)}/${r1.json.id}/withdraw`, { token: open.member.access }), 409, 'a withdrawal after the close');
    // the secretariat still comments after the close
    assert.equal((await api('PUT', `${RESPONSES(a)}/${r2.json.id}/comment`, { token: admin, body: { comment: 'Noterat.' } })).status, 200);

    for (const token of [undefined, (await newSession()).access]) {
      const items = await list(a, token);
      assert.deepEqual(items.map((x) => x.id).sort(), [r1.json.id, r2.json.id].sort(), 'withdrawn responses are never public');
      const pub = items.find((x) => x.id === r1.json.id);
      assert.equal(pub.body, 'Offentligt svar.');
      assert.equal(pub.comment, 'Tillgodosett.');
      assert.equal(pub.withheld, false);
      assert.equal('submitted_by' in pub, false);
      const hidden = items.find((x) => x.id === r2.json.id);
      assert.equal(hidden.withheld, true);
      assert.equal(hidden.body, null);
      assert.equal(hidden.comment, null);
      assert.equal(hidden.organisation.id, secret.id);
      assert.ok(!JSON.stringify(items).includes('Hemligt'), 'the withheld text leaks');
    }
    // the organisation itself and the secretariat still read the withheld text
    assert.equal((await api('GET', `${RESPONSES(a)}/${r2.json.id}`, { token: secret.member.access })).json.body, 'Hemligt svar.');
    assert.equal((await api('GET', `${RESPONSES(a)}/${r2.json.id}`, { token: admin })).json.body, 'Hemligt svar.');

    // events: the fact only, never the text
    const events = (await readChanges(admin, head, { types: 'consultation_response' })).items;
    const mine = events.filter((e) => [r1, r2, r3].some((r) => r.json.id === e.entity_id));
    assert.deepEqual(mine.map((e) => e.action).sort(), ['comment', 'comment', 'create', 'create', 'create', 'withdraw'].sort());
    assert.ok(mine.every((e) => e.data.withheld === true && e.data.body === null));
  });

  test('the CSV for the secretariat: every response, read back by a CSV parser; 403 for others', async () => {
    const a = await consultationAgreement();
    const org = await newVerifiedOrg({ districts: ['angered', 'centrum'] });
    await respond(a, org.id, org.member.access, { body: '=HYPERLINK("x")\n"citat", och komma', principles: ['dialog', 'sjalvstandighet'], commitments: [1, 2] });
    const r = await api('GET', `${RESPONSES(a)}.csv`, { token: await adminToken() });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8/);
    const rows = parse(r.text, { columns: true });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].organisation_id, org.id);
    assert.equal(rows[0].districts, 'angered;centrum');
    assert.equal(rows[0].principles, 'dialog;sjalvstandighet');
    assert.equal(rows[0].commitments, '1;2');
    assert.equal(rows[0].body, `'=HYPERLINK("x")\n"citat", och komma`);
    assert.equal(rows[0].not_for_publication, 'false');
    assert.equal(parse((await api('GET', `${RESPONSES(a)}.csv?kind=stiftelse`, { token: await adminToken() })).text, { columns: true }).length, 0);
    assertProblem(await api('GET', `${RESPONSES(a)}.csv`, { token: org.member.access }), 403);
    assert.equal((await api('GET', `${RESPONSES(a)}.csv`)).status, 401);
  });
});

describe('documents attached to a response', () => {
  const pdf = () => Buffer.from(`%PDF-1.7\n% ${uniqueWord()}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);
  const upload = (a, r, token, bytes = pdf()) => api('POST', `${RESPONSES(a)}/${r}/documents?title=Bilaga&type=other&filename=bilaga.pdf`, { token, rawBody: bytes, headers: { 'content-type': 'application/pdf' } });
  const docs = (a, r, token) => api('GET', `${RESPONSES(a)}/${r}/documents`, { token });

  test('the organisation attaches while open; visibility follows the response, before and after the close', async () => {
    const a = await consultationAgreement();
    const pub = await newVerifiedOrg();
    const secret = await newVerifiedOrg();
    const r1 = (await respond(a, pub.id, pub.member.access)).json;
    const r2 = (await respond(a, secret.id, secret.member.access, { not_for_publication: true })).json;
    const up = await upload(a, r1.id, pub.member.access);
    assert.equal(up.status, 201, up.text);
    assert.deepEqual(up.json.parent, { type: 'consultation_response', id: r1.id });
    const hidden = await upload(a, r2.id, secret.member.access);
    assert.equal(hidden.status, 201, hidden.text);
    assertProblem(await upload(a, r1.id, secret.member.access), 404, 'another organisation (cannot see the response)');
    assertProblem(await upload(a, r1.id, await adminToken()), 403, 'the secretariat');
    assertProblem(await upload(a, r1.id, pub.member.access, Buffer.from('<html><script>x</script></html>')), 415, 'HTML as PDF');
    // before the close: the organisation and the secretariat only
    assert.equal((await docs(a, r1.id, pub.member.access)).json.items.length, 1);
    assert.equal((await docs(a, r1.id, await adminToken())).json.items.length, 1);
    assertProblem(await docs(a, r1.id), 404, 'anonymous before the close');
    assertProblem(await api('GET', `/api/v1/documents/${up.json.id}`), 404, 'the document, anonymous, before the close');
    await close(a);
    assertProblem(await upload(a, r1.id, pub.member.access), 409, 'after the close');
    // after: the public response's documents are public, the withheld one's are not
    assert.equal((await docs(a, r1.id)).json.items.length, 1);
    assert.equal((await api('GET', `/api/v1/documents/${up.json.id}`)).status, 200);
    assertProblem(await docs(a, r2.id), 404, 'a response not for publication');
    assertProblem(await api('GET', `/api/v1/documents/${hidden.json.id}/content`), 404, "its document's bytes");
    assert.equal((await api('GET', `/api/v1/documents/${hidden.json.id}`, { token: secret.member.access })).status, 200);
  });
});
