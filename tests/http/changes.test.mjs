// The change feed (section 5 of the contract, "Integration and open data" in
// docs/decisions.md): who may read it, its parameters, the events every kind of write makes
// (type, action, entity_id, and data equal to what a GET answers), writes that change nothing
// making none, paging by `after`, and the no-skip proof: twenty-four concurrent writers and a
// poller, every event seen exactly once and in seq order.
//
// The database is shared with the other tests, so each test reads the feed from the `after`
// it took before acting and asserts only about its own entities. "No event" is proven with a
// barrier: a later write whose event is awaited; the feed never skips, so an event of the
// earlier write would be visible by then.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  assertProblem,
  assertUnauthorized,
  adminToken,
  newSession,
  uniqueName,
  uniqueWord,
  validOrgNumber,
  createOrg,
  verifyOrg,
  getOrgAsAdmin,
  clientAccess,
  craftToken,
  isoFromNow,
  CHANGES,
  changesPage,
  readChanges,
  changesHead,
  waitForChanges,
  mapLimit,
  createAgreement,
  adoptedAgreement,
  currentAgreement,
  newVerifiedOrg,
  endorse,
  sleep,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const DLG = '/api/v1/dialogues';
const DAY = 24 * 3600 * 1000;

const of = (items, entityId) => items.filter((e) => e.entity_id === entityId);
const brief = (items) => JSON.stringify(items.map((e) => [e.seq, e.type, e.action, e.entity_id])).slice(0, 1500);

/** Waits for the event (type, action) of entityId after `after`; returns it (the last such one). */
async function eventOf(token, after, type, action, entityId, what = '') {
  const items = await waitForChanges(token, after, (its) => its.some((e) => e.entity_id === entityId && e.type === type && e.action === action), {
    what: `${what || `${type} ${action}`} of ${entityId}`,
  });
  return items.filter((e) => e.entity_id === entityId && e.type === type && e.action === action).at(-1);
}

/**
 * A barrier: admin creates an organisation and waits for its create event. Returns every event
 * since `after` up to and including the barrier's. Whatever committed before the barrier
 * began is visible by then.
 */
async function barrier(token, after) {
  const { id } = await createOrg(token, { org_number: undefined, name: uniqueName('Barriär') });
  const items = await waitForChanges(token, after, (its) => its.some((e) => e.entity_id === id && e.action === 'create'), { what: `barrier ${id}` });
  return items.slice(0, items.findIndex((e) => e.entity_id === id && e.action === 'create') + 1);
}

async function publicEndorsement(orgId, endorsementId) {
  const r = await api('GET', `${ORGS}/${orgId}/endorsements`);
  assert.equal(r.status, 200, r.text);
  const e = r.json.items.find((x) => x.id === endorsementId);
  assert.ok(e, `endorsement ${endorsementId} not in the organisation's history: ${r.text.slice(0, 500)}`);
  return e;
}

async function getJson(path, token) {
  const r = await api('GET', path, { token });
  assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text}`);
  return { json: r.json, etag: r.headers.etag };
}

// ------------------------------------------------------------------------------------------

describe('who may read the feed', () => {
  test('anonymous 401, a refused token 401, member 403, a client without changes:read 403; a client with it and admin 200', async () => {
    assertUnauthorized(await api('GET', `${CHANGES}?after=0&limit=1`), {}, 'anonymous');
    const m = await newSession();
    assertUnauthorized(await api('GET', `${CHANGES}?after=0&limit=1`, { token: craftToken(m.id, { secret: 'not-the-key-not-the-key-not-the-key-0' }) }), { tokenPresented: true }, 'forged token');
    assertProblem(await api('GET', `${CHANGES}?after=0&limit=1`, { token: m.access }), 403, 'member');
    const without = await clientAccess(['organisations:read', 'organisations:write', 'webhooks:manage']);
    assertProblem(await api('GET', `${CHANGES}?after=0&limit=1`, { token: without.token }), 403, 'client without changes:read');
    const withIt = await clientAccess(['changes:read']);
    const viaClient = await changesPage(withIt.token, 0, { limit: 5 });
    const viaAdmin = await changesPage(await adminToken(), 0, { limit: 5 });
    assert.deepEqual(viaClient.items, viaAdmin.items, 'a client and admin read the same feed');
  });

  test('bad after, types and limit → 400', async () => {
    const admin = await adminToken();
    for (const q of [
      'after=-1', 'after=abc', 'after=1.5', 'after=1e3', 'after=99999999999999999999999',
      'types=person', 'types=organisation,person', 'types=organisations',
      'limit=0', 'limit=501', 'limit=-1', 'limit=ten', 'limit=1.5',
    ]) {
      assertProblem(await api('GET', `${CHANGES}?${q}`, { token: admin }), 400, q);
    }
  });

  test('shape: nothing new → no items and the after given; after defaults to 0; limit defaults to 100; 1 and 500 allowed', async () => {
    const admin = await adminToken();
    const head = await changesHead(admin);
    const empty = await api('GET', `${CHANGES}?after=${head}`, { token: admin });
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.json, { items: [], next_after: head });
    const far = await api('GET', `${CHANGES}?after=${head + 1000000}`, { token: admin });
    assert.equal(far.status, 200, far.text);
    assert.deepEqual(far.json, { items: [], next_after: head + 1000000 }, 'an after beyond the end answers it back');

    // At least 101 events exist (make some if this runs alone on a fresh database).
    const all = await readChanges(admin, 0);
    for (let i = all.items.length; i < 101; i++) await createOrg(admin, { org_number: undefined });
    const def = await api('GET', CHANGES, { token: admin });
    assert.equal(def.status, 200, def.text);
    assert.equal(def.json.items.length, 100, 'limit defaults to 100');
    const explicit = await changesPage(admin, 0, { limit: 100 });
    assert.deepEqual(def.json.items, explicit.items, 'after defaults to 0');
    assert.equal(def.json.next_after, explicit.next_after);
    assert.equal((await changesPage(admin, 0, { limit: 1 })).items.length, 1);
    const big = await changesPage(admin, 0, { limit: 500 });
    assert.equal(big.items.length, Math.min(500, (await readChanges(admin, 0)).items.length));
  });

  test('types selects the types (comma list); default all', async () => {
    const admin = await adminToken();
    const after = await changesHead(admin);
    const { id: orgId } = await createOrg(admin, { org_number: undefined });
    const d = await api('POST', DLG, { token: admin, body: { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: isoFromNow(40 * DAY), ends_at: isoFromNow(40 * DAY + 7200000) } });
    assert.equal(d.status, 201, d.text);
    await eventOf(admin, after, 'dialogue', 'create', d.json.id);
    await eventOf(admin, after, 'organisation', 'create', orgId);
    const onlyDlg = (await readChanges(admin, after, { types: 'dialogue' })).items;
    assert.ok(onlyDlg.length >= 1 && onlyDlg.every((e) => e.type === 'dialogue'), `types=dialogue: ${brief(onlyDlg)}`);
    assert.ok(onlyDlg.some((e) => e.entity_id === d.json.id));
    const both = (await readChanges(admin, after, { types: 'organisation,dialogue' })).items;
    assert.ok(both.every((e) => e.type === 'organisation' || e.type === 'dialogue'), brief(both));
    assert.ok(both.some((e) => e.entity_id === d.json.id) && both.some((e) => e.entity_id === orgId), brief(both));
    const allTypes = (await readChanges(admin, after)).items;
    const explicitAll = (await readChanges(admin, after, { types: 'organisation,endorsement,dialogue,agreement' })).items;
    const upTo = Math.min(allTypes.at(-1).seq, explicitAll.at(-1).seq);
    assert.deepEqual(allTypes.filter((e) => e.seq <= upTo), explicitAll.filter((e) => e.seq <= upTo), 'no types = all four');
    // A filtered read holds the same events as the unfiltered one (read later), restricted.
    const lastDlg = onlyDlg.at(-1).seq;
    assert.deepEqual(onlyDlg, allTypes.filter((e) => e.type === 'dialogue' && e.seq <= lastDlg));
  });
});

// ------------------------------------------------------------------------------------------

describe('events and their data', () => {
  test('organisation: create, update, verify, reject; data equals GET as admin; a PATCH that changes nothing makes none', async () => {
    const admin = await adminToken();
    const m = await newSession();
    let after = await changesHead(admin);
    const { id, etag } = await createOrg(m.access, { description: 'före', email: 'info@example.org', districts: ['centrum'] });
    const created = await eventOf(admin, after, 'organisation', 'create', id);
    assert.deepEqual(created.data, (await getOrgAsAdmin(id)).org, 'create event data');
    assert.equal(of(await readChanges(admin, after).then((r) => r.items), id).length, 1, 'one event for one create');

    after = created.seq;
    const p = await api('PATCH', `${ORGS}/${id}`, { token: m.access, body: { description: 'efter', areas: ['kultur'] }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    const updated = await eventOf(admin, after, 'organisation', 'update', id);
    assert.deepEqual(updated.data, (await getOrgAsAdmin(id)).org, 'update event data');
    assert.equal(updated.data.description, 'efter');
    assert.ok(Date.parse(updated.occurred_at) >= Date.parse(created.occurred_at), 'occurred_at moves forward');

    // Nothing changes: the same values again.
    after = updated.seq;
    const same = await api('PATCH', `${ORGS}/${id}`, { token: m.access, body: { description: 'efter', areas: ['kultur'] }, headers: { 'if-match': p.headers.etag } });
    assert.equal(same.status, 200, same.text);
    const upToBarrier = await barrier(admin, after);
    assert.deepEqual(of(upToBarrier, id), [], `a PATCH that changed nothing made an event: ${brief(of(upToBarrier, id))}`);

    after = upToBarrier.at(-1).seq;
    await verifyOrg(id);
    const verified = await eventOf(admin, after, 'organisation', 'verify', id);
    assert.deepEqual(verified.data, (await getOrgAsAdmin(id)).org, 'verify event data');
    assert.equal(verified.data.status, 'verified');

    const { id: id2 } = await createOrg(m.access);
    after = await changesHead(admin);
    const rj = await api('POST', `${ORGS}/${id2}/reject`, { token: admin, body: { reason: 'Inte idéburen' } });
    assert.equal(rj.status, 200, rj.text);
    const rejected = await eventOf(admin, after, 'organisation', 'reject', id2);
    assert.deepEqual(rejected.data, (await getOrgAsAdmin(id2)).org, 'reject event data');
    assert.equal(rejected.data.status_reason, 'Inte idéburen');
    assert.equal(of((await readChanges(admin, after)).items, id2).length, 1, 'one event for the reject');
  });

  test('upsert by organisation number: create event; the same body again none; a change an update', async () => {
    const admin = await adminToken();
    const { token } = await clientAccess(['organisations:write', 'changes:read']);
    const num = validOrgNumber();
    const path = `${ORGS}/by-org-number/${num}`;
    const body = { name: uniqueName('Idrottsförening'), kind: 'ideell_forening', areas: ['idrott'], districts: ['lundby'], member_count: 120 };
    let after = await changesHead(admin);
    const c = await api('PUT', path, { token, body });
    assert.equal(c.status, 201, c.text);
    const id = c.json.id;
    const created = await eventOf(token, after, 'organisation', 'create', id, 'upsert create (read by the client)');
    assert.deepEqual(created.data, (await getOrgAsAdmin(id)).org);

    after = created.seq;
    const again = await api('PUT', path, { token, body });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(of(await barrier(admin, after), id), [], 'the same upsert body twice made an event');

    after = await changesHead(admin);
    const changed = await api('PUT', path, { token, body: { ...body, member_count: 121 } });
    assert.equal(changed.status, 200, changed.text);
    const updated = await eventOf(admin, after, 'organisation', 'update', id);
    assert.equal(updated.data.member_count, 121);
    assert.deepEqual(updated.data, (await getOrgAsAdmin(id)).org);
  });

  test('endorsement: create and withdraw, data as the public register shows it (no signatory, no mandate); the organisation changes too', async () => {
    const admin = await adminToken();
    const agreement = await currentAgreement();
    const { member, id: orgId } = await newVerifiedOrg();
    const secret = { signatory_name: `Signe ${uniqueWord()}`, signatory_title: `Ordförande ${uniqueWord()}`, mandate: `styrelsebeslut ${uniqueWord()} §7` };
    let after = await changesHead(admin);
    const e = await endorse(agreement.id, orgId, member.access, { ...secret, statement: 'Vi ansluter oss.' });
    const created = await eventOf(admin, after, 'endorsement', 'create', e.id);
    assert.deepEqual(created.data, await publicEndorsement(orgId, e.id), 'endorsement create data = the public entry');
    for (const k of ['signatory_name', 'signatory_title', 'mandate', 'endorsed_by']) assert.ok(!(k in created.data), `endorsement event data has ${k}`);
    for (const s of Object.values(secret)) assert.ok(!JSON.stringify(created.data).includes(s), `endorsement event data holds "${s}"`);
    assert.equal(created.data.status, 'active');
    assert.equal(created.data.organisation.id, orgId);
    // The organisation's endorsement field changed (and its ETag): an organisation event.
    const orgAfterEndorse = await eventOf(admin, after, 'organisation', 'update', orgId, 'organisation update on endorsing');
    assert.deepEqual(orgAfterEndorse.data, (await getOrgAsAdmin(orgId)).org);
    assert.equal(orgAfterEndorse.data.endorsement?.id, e.id);

    after = Math.max(created.seq, orgAfterEndorse.seq);
    const w = await api('POST', `/api/v1/agreements/${agreement.id}/endorsements/${e.id}/withdraw`, { token: member.access, body: { reason: 'Styrelsen ändrade sig.' } });
    assert.equal(w.status, 200, w.text);
    const withdrawn = await eventOf(admin, after, 'endorsement', 'withdraw', e.id);
    assert.deepEqual(withdrawn.data, await publicEndorsement(orgId, e.id), 'withdraw data = the public entry');
    assert.equal(withdrawn.data.status, 'withdrawn');
    for (const s of Object.values(secret)) assert.ok(!JSON.stringify(withdrawn.data).includes(s), `withdraw event data holds "${s}"`);
    const orgAfterWithdraw = await eventOf(admin, after, 'organisation', 'update', orgId, 'organisation update on withdrawing');
    assert.equal(orgAfterWithdraw.data.endorsement, null);
    assert.deepEqual(orgAfterWithdraw.data, (await getOrgAsAdmin(orgId)).org);
  });

  test('dialogue: create, update, cancel; data equals GET; a PATCH that changes nothing makes none', async () => {
    const admin = await adminToken();
    let after = await changesHead(admin);
    const title = `Dialogmöte ${uniqueWord()}`;
    const c = await api('POST', DLG, { token: admin, body: { title, kind: 'dialogmote', starts_at: isoFromNow(50 * DAY), ends_at: isoFromNow(50 * DAY + 7200000), capacity: 30 } });
    assert.equal(c.status, 201, c.text);
    const id = c.json.id;
    const created = await eventOf(admin, after, 'dialogue', 'create', id);
    assert.deepEqual(created.data, (await getJson(`${DLG}/${id}`)).json);

    after = created.seq;
    const p = await api('PATCH', `${DLG}/${id}`, { token: admin, body: { location: 'Stadshuset' }, headers: { 'if-match': c.headers.etag } });
    assert.equal(p.status, 200, p.text);
    const updated = await eventOf(admin, after, 'dialogue', 'update', id);
    assert.deepEqual(updated.data, (await getJson(`${DLG}/${id}`)).json);
    assert.equal(updated.data.location, 'Stadshuset');

    after = updated.seq;
    const same = await api('PATCH', `${DLG}/${id}`, { token: admin, body: { location: 'Stadshuset' }, headers: { 'if-match': p.headers.etag } });
    assert.equal(same.status, 200, same.text);
    const upTo = await barrier(admin, after);
    assert.deepEqual(of(upTo, id), [], 'a dialogue PATCH that changed nothing made an event');

    after = upTo.at(-1).seq;
    const x = await api('POST', `${DLG}/${id}/cancel`, { token: admin });
    assert.equal(x.status, 200, x.text);
    const cancelled = await eventOf(admin, after, 'dialogue', 'cancel', id);
    assert.deepEqual(cancelled.data, (await getJson(`${DLG}/${id}`)).json);
    assert.equal(cancelled.data.status, 'cancelled');
  });

  test('agreement: a draft makes no events; adopt makes adopt (and supersede of the previous one); data equals GET', async () => {
    const admin = await adminToken();
    const previous = await adoptedAgreement();
    let after = await changesHead(admin);
    const draft = await createAgreement();
    const g = await getJson(`/api/v1/agreements/${draft.id}`, admin);
    const p = await api('PATCH', `/api/v1/agreements/${draft.id}`, { token: admin, body: { title: `${draft.title} (reviderad)` }, headers: { 'if-match': g.etag } });
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(of(await barrier(admin, after), draft.id), [], 'a draft agreement made events');

    after = await changesHead(admin);
    const decision = { body: 'Kommunstyrelsen', date: '2026-01-15', reference: 'Dnr 0001/26', summary: 'Antagen.' };
    const a = await api('POST', `/api/v1/agreements/${draft.id}/adopt`, { token: admin, body: { decision } });
    assert.equal(a.status, 200, a.text);
    const adopted = await eventOf(admin, after, 'agreement', 'adopt', draft.id);
    assert.deepEqual(adopted.data, (await getJson(`/api/v1/agreements/${draft.id}`, admin)).json);
    assert.equal(adopted.data.status, 'adopted');
    if (previous) {
      const superseded = await eventOf(admin, after, 'agreement', 'supersede', previous.id);
      assert.deepEqual(superseded.data, (await getJson(`/api/v1/agreements/${previous.id}`, admin)).json);
      assert.equal(superseded.data.status, 'superseded');
    }
    const agreementEvents = (await readChanges(admin, after, { types: 'agreement' })).items.filter((e) => e.entity_id === draft.id);
    assert.deepEqual(agreementEvents.map((e) => e.action), ['adopt'], `agreement events of the adopted one: ${brief(agreementEvents)}`);
  });

  test('agreement in consultation: published (create), then adopt; data equals GET', async () => {
    const admin = await adminToken();
    let after = await changesHead(admin);
    const c = await createAgreement({ status: 'consultation' });
    const published = await eventOf(admin, after, 'agreement', 'create', c.id, 'an agreement put out for consultation');
    assert.deepEqual(published.data, (await getJson(`/api/v1/agreements/${c.id}`)).json);
    assert.equal(published.data.status, 'consultation');
    after = published.seq;
    const a = await api('POST', `/api/v1/agreements/${c.id}/adopt`, { token: admin, body: { decision: { body: 'Kommunstyrelsen', date: '2026-02-01', reference: 'Dnr 0002/26', summary: null } } });
    assert.equal(a.status, 200, a.text);
    const adopted = await eventOf(admin, after, 'agreement', 'adopt', c.id);
    assert.deepEqual(adopted.data, (await getJson(`/api/v1/agreements/${c.id}`)).json);
    assert.equal(adopted.data.status, 'adopted');
  });

  test('paging: limit walks in seq order, next_after resumes, and the pages add up to one read', async () => {
    const admin = await adminToken();
    const after = await changesHead(admin);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await createOrg(admin, { org_number: undefined })).id);
    await waitForChanges(admin, after, (its) => ids.every((id) => its.some((e) => e.entity_id === id)));
    const pages = [];
    let cur = after;
    for (;;) {
      const pg = await changesPage(admin, cur, { limit: 2, types: 'organisation' });
      if (pg.items.length === 0) break;
      pages.push(pg);
      cur = pg.next_after;
    }
    assert.ok(pages.length >= 3, `5 events with limit 2 take at least 3 pages, got ${pages.length}`);
    const walked = pages.flatMap((pg) => pg.items);
    for (let i = 1; i < walked.length; i++) assert.ok(walked[i].seq > walked[i - 1].seq, 'seq order across pages');
    assert.equal(new Set(walked.map((e) => e.id)).size, walked.length, 'an event repeated across pages');
    const mine = walked.filter((e) => ids.includes(e.entity_id));
    assert.deepEqual(mine.map((e) => e.entity_id), ids, 'the five creates in the order they were made');
    const once = (await readChanges(admin, after, { types: 'organisation' })).items;
    assert.deepEqual(walked, once.filter((e) => e.seq <= walked.at(-1).seq), 'the pages equal one read');
    // Resuming from the middle gives the rest.
    const resumed = await changesPage(admin, pages[0].next_after, { limit: 2, types: 'organisation' });
    assert.deepEqual(resumed.items, pages[1].items);
  });
});

// ------------------------------------------------------------------------------------------

describe('the no-skip guarantee', () => {
  test('24 concurrent writers for 6 s and a poller every 50 ms: every event exactly once, seq strictly increasing', { timeout: 180000 }, async () => {
    const admin = await adminToken();
    const start = await changesHead(admin);
    const WRITERS = 24;
    const DURATION_MS = 6000;
    const deadline = Date.now() + DURATION_MS;
    const writes = []; // {entity, action, description?, w}
    const failures = [];
    let writing = true;
    let writersDoneAt = null;
    let aborted = null;

    // The poller.
    const polled = [];
    let polls = 0;
    let pollsWithItemsWhileWriting = 0;
    const poller = (async () => {
      let after = start;
      let lastSeq = start;
      let lastNewAt = Date.now();
      for (;;) {
        const r = await api('GET', `${CHANGES}?after=${after}&types=organisation&limit=500`, { token: admin });
        polls++;
        assert.equal(r.status, 200, `poll ${polls}: ${r.status} ${r.text.slice(0, 300)}`);
        const { items, next_after: nextAfter } = r.json;
        for (const e of items) {
          assert.equal(e.type, 'organisation', `poll ${polls}: types=organisation answered a ${e.type}`);
          assert.ok(e.seq > lastSeq, `poll ${polls}: seq ${e.seq} after ${lastSeq}: not strictly increasing`);
          lastSeq = e.seq;
          polled.push(e);
        }
        assert.equal(nextAfter, items.length ? items.at(-1).seq : after, `poll ${polls}: next_after`);
        after = nextAfter;
        if (items.length) lastNewAt = Date.now();
        if (writing && items.length) pollsWithItemsWhileWriting++;
        if (aborted) return;
        if (!writing && Date.now() - Math.max(lastNewAt, writersDoneAt) >= 1000) return;
        if (items.length < 500) await sleep(50);
      }
    })().catch((e) => {
      aborted = aborted ?? e;
      throw e;
    });

    async function writer(w) {
      const mine = []; // {id, etag, description}
      let n = 0;
      while (Date.now() < deadline && !aborted) {
        n++;
        const roll = crypto.randomInt(0, 100);
        if (mine.length === 0 || roll < 35) {
          const r = await api('POST', ORGS, { token: admin, body: { name: uniqueName(`Skrivare ${w}`), kind: 'ideell_forening', description: `w${w}-0` } });
          if (r.status !== 201) failures.push(`writer ${w} create: ${r.status} ${r.text.slice(0, 200)}`);
          else {
            mine.push({ id: r.json.id, etag: r.headers.etag, description: `w${w}-0`, status: 'pending' });
            writes.push({ entity: r.json.id, action: 'create', description: `w${w}-0`, w });
          }
          continue;
        }
        const o = mine[crypto.randomInt(0, mine.length)];
        if (roll < 80) {
          const description = `w${w}-${n}`;
          const r = await api('PATCH', `${ORGS}/${o.id}`, { token: admin, body: { description }, headers: { 'if-match': o.etag } });
          if (r.status !== 200) failures.push(`writer ${w} patch: ${r.status} ${r.text.slice(0, 200)}`);
          else {
            o.etag = r.headers.etag;
            o.description = description;
            writes.push({ entity: o.id, action: 'update', description, w });
          }
        } else if (roll < 90 && o.status === 'pending') {
          const r = await api('POST', `${ORGS}/${o.id}/verify`, { token: admin });
          if (r.status !== 200) failures.push(`writer ${w} verify: ${r.status} ${r.text.slice(0, 200)}`);
          else {
            o.etag = r.headers.etag;
            o.status = 'verified';
            writes.push({ entity: o.id, action: 'verify', description: o.description, w });
          }
        } else {
          // Changes nothing: no event.
          const r = await api('PATCH', `${ORGS}/${o.id}`, { token: admin, body: { description: o.description }, headers: { 'if-match': o.etag } });
          if (r.status !== 200) failures.push(`writer ${w} no-op patch: ${r.status} ${r.text.slice(0, 200)}`);
          else o.etag = r.headers.etag;
        }
      }
    }

    const writers = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))
      .catch((e) => {
        aborted = aborted ?? e;
        throw e;
      })
      .finally(() => {
        writing = false;
        writersDoneAt = Date.now();
      });
    const settled = await Promise.allSettled([writers, poller]);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;

    assert.deepEqual(failures, [], 'every write succeeds');
    const entities = new Set(writes.map((x) => x.entity));
    assert.ok(writes.length >= 60, `too few writes for a proof: ${writes.length}`);
    assert.ok(entities.size >= WRITERS, `every writer created something: ${entities.size} organisations`);
    assert.ok(pollsWithItemsWhileWriting >= 5, `the poller must see events while the writers run (${pollsWithItemsWhileWriting} of ${polls} polls)`);

    // Exactly once.
    assert.equal(new Set(polled.map((e) => e.id)).size, polled.length, 'an event id seen twice');
    assert.equal(new Set(polled.map((e) => e.seq)).size, polled.length, 'a seq seen twice');
    const ours = polled.filter((e) => entities.has(e.entity_id));

    // A fresh read after the fact holds the same events: the poller skipped none.
    const fresh = (await readChanges(admin, start, { types: 'organisation' })).items.filter((e) => entities.has(e.entity_id));
    const polledIds = new Set(ours.map((e) => e.id));
    const skipped = fresh.filter((e) => !polledIds.has(e.id));
    assert.deepEqual(
      skipped.map((e) => [e.seq, e.action, e.entity_id]),
      [],
      `the poller skipped ${skipped.length} event(s) that a later read returns (polled seqs around them: ${JSON.stringify(
        skipped.map((e) => ours.filter((o) => Math.abs(o.seq - e.seq) <= 3).map((o) => o.seq)),
      )})`,
    );
    assert.deepEqual(fresh.map((e) => [e.seq, e.id]), ours.map((e) => [e.seq, e.id]), 'a later read differs from what the poller saw');

    // One event per changing write, and per organisation the actions and written values in
    // the order they were made.
    for (const entity of entities) {
      const wanted = writes.filter((x) => x.entity === entity);
      const seen = ours.filter((e) => e.entity_id === entity);
      assert.deepEqual(
        seen.map((e) => [e.action, e.data.description]),
        wanted.map((x) => [x.action, x.description]),
        `events of ${entity} (writer ${wanted[0].w})`,
      );
    }
    assert.equal(ours.length, writes.length, `events for the writers' organisations (${ours.length}) ≠ successful changing writes (${writes.length})`);

    // The last event of each organisation is what GET answers now.
    const last = new Map();
    for (const e of ours) last.set(e.entity_id, e);
    await mapLimit([...last.values()], 8, async (e) => {
      assert.deepEqual(e.data, (await getOrgAsAdmin(e.entity_id)).org, `last event of ${e.entity_id} vs GET`);
    });
  });
});
