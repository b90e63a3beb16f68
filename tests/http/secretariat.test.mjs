// The secretariat's daily tools (issue "the council and the secretariat's daily work"):
// registrations' notes seen by admin only and the participants exported as CSV (read back by
// csv-parse), the verification queue paged and filtered, a rejected organisation resubmitting
// itself, an organisation's dialogues as JSON, paper endorsements, and retrying a webhook
// delivery.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';

import { api, adminToken, newSession, createOrg, verifyOrg, assertProblem, isoFromNow, uniqueWord } from './support.mjs';

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
