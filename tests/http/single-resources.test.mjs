// ETag and Location on every single resource: a registration, a representative and an
// endorsement answer their writes with a strong ETag and a Location that has a GET, which
// answers the same body and ETag with the list's visibility rules; GET /me has an ETag. Each
// ETag changes when the answer does and stays when it does not (docs/decisions.md,
// "Conventions": these tags are derived from the content).

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  createOrg,
  verifyOrg,
  patchOrg,
  currentAgreement,
  endorse,
  uniqueWord,
  isoFromNow,
} from './support.mjs';

const ETAG_RE = /^"[1-9][0-9]{0,19}"$/;
const DAY = 24 * 3600 * 1000;

/** GETs `path` as `token` (undefined: anonymous); asserts 200 and a strong ETag. */
async function getOne(path, token, what) {
  const r = await api('GET', path, { token });
  assert.equal(r.status, 200, `${what}: GET ${path}: ${r.status} ${r.text}`);
  assert.match(r.headers.etag ?? '', ETAG_RE, `${what}: GET without a strong ETag`);
  return r;
}

/** Asserts a write's ETag and Location, and that GET at Location answers the same. */
async function assertLocationReadsBack(res, token, what) {
  assert.match(res.headers.etag ?? '', ETAG_RE, `${what}: no strong ETag`);
  assert.ok(res.headers.location, `${what}: no Location`);
  const g = await getOne(res.headers.location, token, what);
  assert.deepEqual(g.json, res.json, `${what}: GET at Location answers another body`);
  assert.equal(g.headers.etag, res.headers.etag, `${what}: GET at Location answers another ETag`);
  return g;
}

describe('registrations', () => {
  let admin, dialogue;
  before(async () => {
    admin = await adminToken();
    const starts = isoFromNow(40 * DAY);
    const r = await api('POST', '/api/v1/dialogues', { token: admin, body: { title: `Ett möte ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: new Date(Date.parse(starts) + 7200000).toISOString(), capacity: 2 } });
    assert.equal(r.status, 201, r.text);
    dialogue = r.json;
  });

  test('POST 201 and PATCH 200 carry an ETag; Location has a GET with the same body and ETag', async () => {
    const s = await newSession();
    const { id: orgId } = await createOrg(s.access);
    await verifyOrg(orgId);
    const created = await api('POST', `/api/v1/dialogues/${dialogue.id}/registrations`, { token: s.access, body: { organisation_id: orgId, attendees: 1, note: 'Vi kommer tidigt.' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, `/api/v1/dialogues/${dialogue.id}/registrations/${orgId}`);
    await assertLocationReadsBack(created, s.access, 'registration');
    // the same read twice: the same tag
    assert.equal((await getOne(created.headers.location, s.access, 'again')).headers.etag, created.headers.etag);
    // the public sees the public fields only, and so another representation with another tag
    const pub = await getOne(created.headers.location, undefined, 'anonymous');
    assert.equal(pub.json.note, undefined, 'anonymous sees the note');
    assert.notEqual(pub.headers.etag, created.headers.etag, 'two representations share a tag');
    // attendance recorded: a new tag, and GET agrees
    const p = await api('PATCH', created.headers.location, { token: admin, body: { attended: true } });
    assert.equal(p.status, 200, p.text);
    assert.match(p.headers.etag ?? '', ETAG_RE, 'PATCH without ETag');
    const ga = await getOne(created.headers.location, admin, 'after PATCH');
    assert.equal(ga.headers.etag, p.headers.etag);
    assert.deepEqual(ga.json, p.json);
    assert.notEqual((await getOne(created.headers.location, s.access, 'member after PATCH')).headers.etag, created.headers.etag, 'attendance did not change the tag');
  });

  test('a cancelled registration is still read (its latest); the tag changes', async () => {
    const s = await newSession();
    const { id: orgId } = await createOrg(s.access);
    await verifyOrg(orgId);
    const created = await api('POST', `/api/v1/dialogues/${dialogue.id}/registrations`, { token: s.access, body: { organisation_id: orgId, attendees: 1 } });
    assert.equal(created.status, 201, created.text);
    const del = await api('DELETE', created.headers.location, { token: s.access });
    assert.equal(del.status, 204, del.text);
    const g = await getOne(created.headers.location, s.access, 'cancelled');
    assert.equal(g.json.status, 'cancelled');
    assert.notEqual(g.headers.etag, created.headers.etag);
  });

  test('visibility as in the list: a pending organisation is 404 for others, as is one that never registered', async () => {
    const s = await newSession();
    const other = await newSession();
    const { id: orgId } = await createOrg(s.access); // pending
    const created = await api('POST', `/api/v1/dialogues/${dialogue.id}/registrations`, { token: s.access, body: { organisation_id: orgId, attendees: 1 } });
    assert.equal(created.status, 201, created.text);
    await getOne(created.headers.location, s.access, 'its representative');
    await getOne(created.headers.location, admin, 'admin');
    assertProblem(await api('GET', created.headers.location), 404, 'anonymous, pending organisation');
    assertProblem(await api('GET', created.headers.location, { token: other.access }), 404, 'another member, pending organisation');
    const list = await api('GET', `/api/v1/dialogues/${dialogue.id}/registrations`, { token: other.access });
    assert.ok(!list.json.items.some((x) => x.organisation.id === orgId), 'the list shows what GET hides');
    assertProblem(await api('GET', `/api/v1/dialogues/${dialogue.id}/registrations/${crypto.randomUUID()}`, { token: admin }), 404, 'never registered');
    assertProblem(await api('GET', `/api/v1/dialogues/${crypto.randomUUID()}/registrations/${orgId}`, { token: admin }), 404, 'unknown dialogue');
  });
});

describe('representatives', () => {
  test('POST 201 and 200 carry an ETag; Location has a GET; a role change changes the tag', async () => {
    const s = await newSession();
    const p = await newSession();
    const { id: orgId } = await createOrg(s.access);
    const url = `/api/v1/organisations/${orgId}/representatives`;
    const added = await api('POST', url, { token: s.access, body: { email: p.email, role: 'representative' } });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.headers.location, `${url}/${p.id}`);
    await assertLocationReadsBack(added, s.access, 'representative');
    const same = await api('POST', url, { token: s.access, body: { email: p.email, role: 'representative' } });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.headers.etag, added.headers.etag, 'nothing changed, yet the tag did');
    const promoted = await api('POST', url, { token: s.access, body: { email: p.email, role: 'signatory' } });
    assert.equal(promoted.status, 200, promoted.text);
    assert.notEqual(promoted.headers.etag, added.headers.etag, 'the role changed, the tag did not');
    const g = await getOne(added.headers.location, await adminToken(), 'admin');
    assert.equal(g.headers.etag, promoted.headers.etag);
  });

  test('who may read one: as the list (signatories and admin; 403 for a representative, 404 when hidden or not one)', async () => {
    const s = await newSession();
    const rep = await newSession();
    const stranger = await newSession();
    const { id: orgId } = await createOrg(s.access); // pending
    const url = `/api/v1/organisations/${orgId}/representatives`;
    assert.equal((await api('POST', url, { token: s.access, body: { email: rep.email, role: 'representative' } })).status, 201);
    assertProblem(await api('GET', `${url}/${s.id}`, { token: rep.access }), 403, 'a representative who is not a signatory');
    assertProblem(await api('GET', `${url}/${s.id}`, { token: stranger.access }), 404, 'a member who cannot see the organisation');
    assertProblem(await api('GET', `${url}/${stranger.id}`, { token: s.access }), 404, 'a person who does not act for it');
    assertProblem(await api('GET', `/api/v1/organisations/${crypto.randomUUID()}/representatives/${s.id}`, { token: await adminToken() }), 404, 'unknown organisation');
  });
});

describe('endorsements', () => {
  test('201 carries an ETag; Location has a public GET; withdrawing changes the tag', async () => {
    const agreement = await currentAgreement();
    const s = await newSession();
    const { id: orgId } = await createOrg(s.access);
    await verifyOrg(orgId);
    const body = { organisation_id: orgId, signatory_name: 'Signe Svensson', mandate: 'styrelsebeslut §7' };
    const created = await api('POST', `/api/v1/agreements/${agreement.id}/endorsements`, { token: s.access, body });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, `/api/v1/agreements/${agreement.id}/endorsements/${created.json.id}`);
    await assertLocationReadsBack(created, s.access, 'endorsement');
    // public, without the signatory's name; by slug as well
    const pub = await getOne(created.headers.location, undefined, 'anonymous');
    assert.equal(pub.json.signatory_name, undefined, 'anonymous sees the signatory');
    const bySlug = await getOne(`/api/v1/agreements/${agreement.slug}/endorsements/${created.json.id}`, undefined, 'by slug');
    assert.deepEqual(bySlug.json, pub.json);
    // withdrawal: a new tag, and GET agrees
    const w = await api('POST', `${created.headers.location}/withdraw`, { token: s.access, body: { reason: 'Styrelsen ändrade sig.' } });
    assert.equal(w.status, 200, w.text);
    assert.match(w.headers.etag ?? '', ETAG_RE);
    assert.notEqual(w.headers.etag, created.headers.etag);
    const g = await getOne(created.headers.location, s.access, 'after withdrawal');
    assert.equal(g.json.status, 'withdrawn');
    assert.equal(g.headers.etag, w.headers.etag);
    // the organisation's new name is part of the answer, so of the tag
    const before = (await getOne(created.headers.location, undefined, 'before rename')).headers.etag;
    assert.equal((await patchOrg(orgId, s.access, { name: `Nytt namn ${uniqueWord()}` })).status, 200);
    assert.notEqual((await getOne(created.headers.location, undefined, 'after rename')).headers.etag, before, 'a renamed organisation kept the tag');
  });

  test('an endorsement of another agreement, or an unknown one, is 404', async () => {
    const agreement = await currentAgreement();
    const s = await newSession();
    const { id: orgId } = await createOrg(s.access);
    await verifyOrg(orgId);
    const e = await endorse(agreement.id, orgId, s.access);
    const draft = await api('POST', '/api/v1/agreements', { token: await adminToken(), body: { slug: `utkast-${crypto.randomBytes(4).toString('hex')}`, title: 'Ett utkast', goals: ['Mål.'] } });
    assert.equal(draft.status, 201, draft.text);
    assertProblem(await api('GET', `/api/v1/agreements/${draft.json.id}/endorsements/${e.id}`, { token: await adminToken() }), 404, 'another agreement');
    assertProblem(await api('GET', `/api/v1/agreements/${agreement.id}/endorsements/${crypto.randomUUID()}`), 404, 'unknown endorsement');
    assertProblem(await api('GET', `/api/v1/agreements/${crypto.randomUUID()}/endorsements/${e.id}`), 404, 'unknown agreement');
  });
});

describe('GET /me', () => {
  test('carries a strong ETag that changes when the user or their organisations change', async () => {
    const s = await newSession();
    const a = await getOne('/api/v1/me', s.access, 'me');
    assert.equal((await getOne('/api/v1/me', s.access, 'me again')).headers.etag, a.headers.etag, 'nothing changed, yet the tag did');
    const { id: orgId } = await createOrg(s.access);
    const b = await getOne('/api/v1/me', s.access, 'me with an organisation');
    assert.equal(b.json.organisations.length, 1);
    assert.notEqual(b.headers.etag, a.headers.etag, 'a new organisation kept the tag');
    assert.equal((await patchOrg(orgId, s.access, { name: `Omdöpt ${uniqueWord()}` })).status, 200);
    const c = await getOne('/api/v1/me', s.access, 'me after a rename');
    assert.notEqual(c.headers.etag, b.headers.etag, "the organisation's new name kept the tag");
  });
});
