// The secretariat's daily tools (issue "the council and the secretariat's daily work"):
// registrations' notes seen by admin only and the participants exported as CSV (read back by
// csv-parse), the verification queue paged and filtered, a rejected organisation resubmitting
// itself, an organisation's dialogues as JSON, paper endorsements, and retrying a webhook
// delivery.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { parse } from 'csv-parse/sync';

import { api, adminToken, newSession, createOrg, verifyOrg, getOrgAsAdmin, assertProblem, assertValidation, auditRowsWhere, clientAccess, psql, sqlLit, isoFromNow, uniqueWord, sleep } from './support.mjs';

const DAY = 24 * 3600 * 1000;

async function dialogue(fields = {}) {
  const starts = isoFromNow((40 + Math.floor(Math.random() * 200)) * DAY);
  const body = { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * 3600 * 1000).toISOString(), ...fields };
  const r = await api('POST', '/api/v1/dialogues', { token: await adminToken(), body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** A member with a verified organisation of their own. */
async function memberOrg() {
  const s = await newSession();
  const { id, org } = await createOrg(s.access);
  await verifyOrg(id);
  return { s, id, org };
}

describe('registrations: notes and the participants file', () => {
  test('the note is seen by the organisation and admin, never by others; the CSV has it, for admin only', async () => {
    const d = await dialogue();
    const a = await memberOrg();
    const b = await memberOrg();
    const note = '=Vi behöver hörslinga, och en plats nära dörren.';
    let r = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: a.s.access, body: { organisation_id: a.id, attendees: 2, note } });
    assert.equal(r.status, 201, r.text);
    r = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: b.s.access, body: { organisation_id: b.id, attendees: 1 } });
    assert.equal(r.status, 201, r.text);
    r = await api('PATCH', `/api/v1/dialogues/${d.id}/registrations/${b.id}`, { token: await adminToken(), body: { attended: true } });
    assert.equal(r.status, 200, r.text);

    const seen = async (token) => (await api('GET', `/api/v1/dialogues/${d.id}/registrations`, { token })).json.items.find((x) => x.organisation.id === a.id);
    assert.equal((await seen(await adminToken())).note, note);
    assert.equal((await seen(a.s.access)).note, note);
    assert.equal('note' in (await seen(b.s.access)), false, 'another organisation does not see the note');
    assert.equal('note' in (await seen(undefined)), false, 'the public does not see the note');

    r = await api('GET', `/api/v1/dialogues/${d.id}/registrations.csv`, { token: await adminToken() });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8/);
    const rows = parse(r.text, { columns: true });
    assert.equal(rows.length, 2);
    const ra = rows.find((x) => x.organisation_name === a.org.name);
    const rb = rows.find((x) => x.organisation_name === b.org.name);
    assert.equal(ra.note, `'${note}`, 'a cell that a spreadsheet would run as a formula gets an apostrophe');
    assert.equal(ra.attendees, '2');
    assert.equal(ra.attended, '');
    assert.equal(ra.status, 'registered');
    assert.equal(rb.attended, 'true');
    assert.equal(rb.note, '');

    assertProblem(await api('GET', `/api/v1/dialogues/${d.id}/registrations.csv`, { token: a.s.access }), 403);
    assertProblem(await api('GET', `/api/v1/dialogues/${d.id}/registrations.csv`), 401);
    assertProblem(await api('GET', '/api/v1/dialogues/00000000-0000-4000-8000-000000000000/registrations.csv', { token: await adminToken() }), 404);
  });
});

describe("an organisation's dialogues as JSON", () => {
  test('GET /dialogues?organisation_id= lists the dialogues it is registered or waitlisted for, not cancelled ones', async () => {
    const a = await memberOrg();
    const d1 = await dialogue();
    const d2 = await dialogue();
    const d3 = await dialogue();
    for (const d of [d1, d2, d3]) {
      const r = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: a.s.access, body: { organisation_id: a.id, attendees: 1 } });
      assert.equal(r.status, 201, r.text);
    }
    assert.equal((await api('DELETE', `/api/v1/dialogues/${d2.id}/registrations/${a.id}`, { token: a.s.access })).status, 204);
    const r = await api('GET', `/api/v1/dialogues?organisation_id=${a.id}&limit=100`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((x) => x.id).sort(), [d1.id, d3.id].sort());
    // paging keeps the filter
    const p1 = await api('GET', `/api/v1/dialogues?organisation_id=${a.id}&limit=1`);
    assert.equal(p1.json.items.length, 1);
    const p2 = await api('GET', `/api/v1/dialogues?organisation_id=${a.id}&limit=1&cursor=${p1.json.next_cursor}`);
    assert.equal(p2.json.items.length, 1);
    assert.notEqual(p2.json.items[0].id, p1.json.items[0].id);
    assertProblem(await api('GET', '/api/v1/dialogues?organisation_id=not-a-uuid'), 400);
  });

  test('a pending organisation\'s dialogues are not listed for the public', async () => {
    const s = await newSession();
    const { id } = await createOrg(s.access);
    const d = await dialogue();
    let r = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: s.access, body: { organisation_id: id, attendees: 1 } });
    assert.equal(r.status, 201, r.text);
    r = await api('GET', `/api/v1/dialogues?organisation_id=${id}`);
    assert.deepEqual(r.json.items, []);
    r = await api('GET', `/api/v1/dialogues?organisation_id=${id}`, { token: await adminToken() });
    assert.deepEqual(r.json.items.map((x) => x.id), [d.id]);
    r = await api('GET', `/api/v1/dialogues?organisation_id=${id}`, { token: s.access });
    assert.deepEqual(r.json.items.map((x) => x.id), [d.id], 'its own people see it');
  });
});

describe('a rejected organisation corrects itself and resubmits', () => {
  test('rejected → corrected by its signatory → pending again, reason cleared, audited; nowhere else', async () => {
    const s = await newSession();
    const other = await newSession();
    const { id } = await createOrg(s.access);
    let r = await api('POST', `/api/v1/organisations/${id}/reject`, { token: await adminToken(), body: { reason: 'Organisationsnumret hör till ett aktiebolag.' } });
    assert.equal(r.status, 200, r.text);
    assertProblem(await api('POST', `/api/v1/organisations/${id}/resubmit`, { token: other.access }), 404, 'a stranger cannot see it');
    const { etag } = await getOrgAsAdmin(id);
    r = await api('PATCH', `/api/v1/organisations/${id}`, { token: s.access, body: { description: 'Vi är en ideell förening; numret är rättat.' }, headers: { 'if-match': etag } });
    assert.equal(r.status, 200, r.text);
    r = await api('POST', `/api/v1/organisations/${id}/resubmit`, { token: s.access });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'pending');
    assert.equal(r.json.status_reason, null);
    assert.ok(r.headers.etag);
    const rows = await auditRowsWhere({ entityId: id });
    const row = rows.find((x) => x.action === 'resubmit');
    assert.ok(row, `no resubmit audit row: ${JSON.stringify(rows.map((x) => x.action))}`);
    assert.equal(row.before.status_reason, 'Organisationsnumret hör till ett aktiebolag.', 'the reason stays in the log');
    // only from rejected
    assertProblem(await api('POST', `/api/v1/organisations/${id}/resubmit`, { token: s.access }), 409, 'pending');
    await verifyOrg(id);
    assertProblem(await api('POST', `/api/v1/organisations/${id}/resubmit`, { token: s.access }), 409, 'verified');
    assertProblem(await api('POST', `/api/v1/organisations/${id}/resubmit`), 401);
  });
});

describe('endorsements received on paper', () => {
  async function adopted() {
    const admin = await adminToken();
    const list = await api('GET', '/api/v1/agreements?limit=100', { token: admin });
    const cur = list.json.items.find((a) => a.status === 'adopted');
    if (cur) return cur;
    const w = uniqueWord();
    const c = await api('POST', '/api/v1/agreements', { token: admin, body: { slug: `papper-${w}`, title: `Överenskommelsen ${w}`, goals: ['Samverkan.'] } });
    assert.equal(c.status, 201, c.text);
    const r = await api('POST', `/api/v1/agreements/${c.json.id}/adopt`, { token: admin, body: { decision: { body: 'Kommunfullmäktige', date: '2012-05-24', reference: 'Dnr 0169/12', summary: 'Antagen.' } } });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  test('the secretariat records one with the mandate; the register shows it; admin sees name, title and mandate, the public does not', async () => {
    const a = await adopted();
    const { id, org } = await memberOrg();
    const body = { organisation_id: id, signatory_name: 'Birgitta Berg', signatory_title: 'Ordförande', mandate: 'Årsmötesbeslut 2026-02-20 §9', received_on: '2026-02-27', document_id: null };
    const r = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'active');
    assert.equal(r.json.mandate, body.mandate);
    assert.equal(r.json.paper.received_on, '2026-02-27');
    assert.deepEqual(r.json.paper.documents, [], 'no scan yet (it is uploaded to the paper afterwards)');
    assert.match(r.headers.location, new RegExp(`/api/v1/agreements/${a.id}/endorsements/${r.json.id}$`));

    const pub = await api('GET', `/api/v1/agreements/${a.id}/endorsements?limit=100`);
    const seen = pub.json.items.find((e) => e.id === r.json.id);
    assert.ok(seen, 'the paper endorsement is in the public register');
    assert.equal(seen.organisation.name, org.name);
    for (const k of ['signatory_name', 'signatory_title', 'mandate']) assert.equal(k in seen, false, `the public sees ${k}`);
    const adm = (await api('GET', `/api/v1/agreements/${a.id}/endorsements?limit=100`, { token: await adminToken() })).json.items.find((e) => e.id === r.json.id);
    assert.deepEqual([adm.signatory_name, adm.signatory_title, adm.mandate], ['Birgitta Berg', 'Ordförande', 'Årsmötesbeslut 2026-02-20 §9']);
    assert.deepEqual(adm.paper, r.json.paper, 'admin sees how it came in the register');
    assert.equal('paper' in seen, false, 'the public does not');

    const rows = await auditRowsWhere({ entityId: r.json.id });
    assert.deepEqual(rows.map((x) => x.action).sort(), ['endorse', 'record_paper']);
    // one active endorsement per organisation, on paper or not
    assertProblem(await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body }), 409);
  });

  test('refused: the organisation itself, a future day, a missing mandate, a bad document id; nothing is written', async () => {
    const a = await adopted();
    const m = await memberOrg();
    const ok = { organisation_id: m.id, signatory_name: 'Birgitta Berg', mandate: 'Styrelsebeslut', received_on: '2026-02-27' };
    assertProblem(await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: m.s.access, body: ok }), 403);
    const future = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    let r = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body: { ...ok, received_on: future } });
    assertValidation(r, ['/received_on']);
    assert.equal(r.json.errors[0].code, 'out_of_range');
    r = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body: { ...ok, mandate: undefined, document_id: 'x' } });
    assertValidation(r, ['/mandate', '/document_id']);
    r = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body: { ...ok, received_on: '27/2' } });
    assertValidation(r, ['/received_on']);
    const list = await api('GET', `/api/v1/organisations/${m.id}/endorsements`, { token: await adminToken() });
    assert.deepEqual(list.json.items, [], 'no endorsement was written');
  });
});

describe('retrying a failed webhook delivery', () => {
  test('a failed delivery is made due again and delivered; only failed ones; only its owner or admin', async () => {
    let answer = 500;
    const got = [];
    const server = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => { got.push({ id: req.headers['webhook-id'], status: answer }); res.writeHead(answer).end(); });
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const owner = await clientAccess(['webhooks:manage', 'changes:read']);
      const stranger = await clientAccess(['webhooks:manage', 'changes:read']);
      const h = await api('POST', '/api/v1/webhooks', { token: owner.token, body: { url: `http://127.0.0.1:${server.address().port}/hook`, types: ['organisation'] } });
      assert.equal(h.status, 201, h.text);
      const hook = h.json;
      await createOrg(await adminToken());
      const deliveries = async () => (await api('GET', `/api/v1/webhooks/${hook.id}/deliveries`, { token: owner.token })).json.items;
      let d;
      for (let i = 0; i < 200 && !(d = (await deliveries()).find((x) => x.attempts >= 1)); i++) await sleep(50);
      assert.ok(d, 'no attempt was made');
      assertProblem(await api('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/retry`, { token: owner.token }), 409, 'a pending delivery is not retried');
      // the scene: the delivery's 24 hours have passed and it failed (as api.webhook_record would)
      psql(`UPDATE webhook_delivery SET status = 'failed', locked_until = NULL WHERE id = ${sqlLit(d.id)}`);
      answer = 200;
      assertProblem(await api('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/retry`, { token: stranger.token }), 404, "another client's webhook");
      const r = await api('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/retry`, { token: owner.token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'pending');
      assert.equal(r.json.id, d.id);
      let after;
      for (let i = 0; i < 200 && (after = (await deliveries()).find((x) => x.id === d.id)).status !== 'delivered'; i++) await sleep(50);
      assert.equal(after.status, 'delivered');
      assert.ok(after.attempts > d.attempts, 'the retry is one more attempt');
      assert.ok(after.attempts_log.at(-1).status_code === 200);
      assertProblem(await api('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/retry`, { token: await adminToken() }), 409, 'a delivered one');
      assertProblem(await api('POST', `/api/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`, { token: await adminToken() }), 404);
      const rows = await auditRowsWhere({ entityId: hook.id });
      assert.ok(rows.some((x) => x.action === 'retry' && x.after.delivery_id === d.id), 'the retry is audited');
    } finally {
      server.close();
    }
  });
});
