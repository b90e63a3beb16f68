// Preconditions (RFC 9110 §13.2.1): on every route that takes If-Match, a resource that does
// not exist, or that the caller may not see, is 404 whatever If-Match says -- a wrong one, a
// malformed one, "*", or none at all. Only a resource the caller may see gets 428 (no
// If-Match) or 412 (a stale one). Otherwise a member could tell a hidden organisation from a
// missing one by the 412.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  createOrg,
  createAgreement,
  clientAccess,
} from './support.mjs';

// If-Match values every 404 must ignore: none, stale, malformed, weak, any
const IF_MATCH_CASES = [
  ['no If-Match', undefined],
  ['a stale If-Match', '"999999"'],
  ['a malformed If-Match', 'not-an-etag'],
  ['a weak If-Match', 'W/"1"'],
  ['If-Match: *', '*'],
];

async function assertNotFoundWhateverIfMatch(method, path, { token, body }, what) {
  for (const [label, value] of IF_MATCH_CASES) {
    const headers = value === undefined ? {} : { 'if-match': value };
    const r = await api(method, path, { token, body, headers });
    assertProblem(r, 404, `${what} with ${label}`);
  }
}

describe('404 before 412 and 428 on every If-Match route', () => {
  let admin;
  before(async () => {
    admin = await adminToken();
  });

  test('PATCH /organisations/{id}: a hidden organisation answers a member exactly as a missing one', async () => {
    const owner = await newSession();
    const other = await newSession();
    const hidden = await createOrg(owner.access); // pending: only its representatives and admin see it
    const patch = { description: 'gissning' };
    await assertNotFoundWhateverIfMatch('PATCH', `/api/v1/organisations/${hidden.id}`, { token: other.access, body: patch }, 'a hidden organisation');
    await assertNotFoundWhateverIfMatch('PATCH', `/api/v1/organisations/${crypto.randomUUID()}`, { token: other.access, body: patch }, 'a missing organisation');
    // the same detail for both, so nothing tells them apart
    const a = await api('PATCH', `/api/v1/organisations/${hidden.id}`, { token: other.access, body: patch, headers: { 'if-match': hidden.etag } });
    const b = await api('PATCH', `/api/v1/organisations/${crypto.randomUUID()}`, { token: other.access, body: patch, headers: { 'if-match': hidden.etag } });
    assert.equal(a.status, 404);
    assert.equal(a.json.detail, b.json.detail, 'a hidden and a missing organisation answer different details');
    // the owner, who sees it, still gets 428 and 412, and nothing changed
    assertProblem(await api('PATCH', `/api/v1/organisations/${hidden.id}`, { token: owner.access, body: patch }), 428);
    assertProblem(await api('PATCH', `/api/v1/organisations/${hidden.id}`, { token: owner.access, body: patch, headers: { 'if-match': '"999999"' } }), 412);
    const g = await api('GET', `/api/v1/organisations/${hidden.id}`, { token: owner.access });
    assert.equal(g.json.description, hidden.org.description, 'a refused PATCH changed the organisation');
    assert.equal(g.headers.etag, hidden.etag);
  });

  test('PATCH /users/{id} (admin): a missing user is 404 whatever If-Match says', async () => {
    await assertNotFoundWhateverIfMatch('PATCH', `/api/v1/users/${crypto.randomUUID()}`, { token: admin, body: { disabled: true } }, 'a missing user');
  });

  test('DELETE /clients/{id}: a missing or deleted client is 404 whatever If-Match says', async () => {
    await assertNotFoundWhateverIfMatch('DELETE', `/api/v1/clients/${crypto.randomUUID()}`, { token: admin }, 'a missing client');
    const made = await api('POST', '/api/v1/clients', { token: admin, body: { name: 'Raderas strax', scopes: ['changes:read'] } });
    assert.equal(made.status, 201, made.text);
    const del = await api('DELETE', `/api/v1/clients/${made.json.id}`, { token: admin, headers: { 'if-match': made.headers.etag } });
    assert.equal(del.status, 204, del.text);
    await assertNotFoundWhateverIfMatch('DELETE', `/api/v1/clients/${made.json.id}`, { token: admin }, 'a deleted client');
  });

  test('PATCH /dialogues/{id}: a missing dialogue is 404 whatever If-Match says', async () => {
    await assertNotFoundWhateverIfMatch('PATCH', `/api/v1/dialogues/${crypto.randomUUID()}`, { token: admin, body: { location: 'Ingenstans' } }, 'a missing dialogue');
  });

  test('PATCH /agreements/{ref}: a missing agreement (by id or slug) is 404 whatever If-Match says', async () => {
    await assertNotFoundWhateverIfMatch('PATCH', `/api/v1/agreements/${crypto.randomUUID()}`, { token: admin, body: { title: 'Ingen' } }, 'a missing agreement');
    await assertNotFoundWhateverIfMatch('PATCH', '/api/v1/agreements/finns-inte-alls', { token: admin, body: { title: 'Ingen' } }, 'a missing slug');
    // one that exists still asks for If-Match
    const a = await createAgreement();
    assertProblem(await api('PATCH', `/api/v1/agreements/${a.id}`, { token: admin, body: { title: 'Utan villkor' } }), 428);
  });

  test("DELETE /webhooks/{id} and POST .../rotate-secret: another client's webhook answers exactly as a missing one", async () => {
    const a = await clientAccess(['webhooks:manage', 'changes:read']);
    const b = await clientAccess(['webhooks:manage', 'changes:read']);
    const made = await api('POST', '/api/v1/webhooks', { token: a.token, body: { url: 'https://example.se/hook', types: ['organisation'] } });
    assert.equal(made.status, 201, made.text);
    await assertNotFoundWhateverIfMatch('DELETE', `/api/v1/webhooks/${made.json.id}`, { token: b.token }, "another client's webhook");
    await assertNotFoundWhateverIfMatch('DELETE', `/api/v1/webhooks/${crypto.randomUUID()}`, { token: b.token }, 'a missing webhook');
    await assertNotFoundWhateverIfMatch('POST', `/api/v1/webhooks/${made.json.id}/rotate-secret`, { token: b.token, body: {} }, "rotating another client's webhook secret");
    await assertNotFoundWhateverIfMatch('POST', `/api/v1/webhooks/${crypto.randomUUID()}/rotate-secret`, { token: b.token, body: {} }, 'rotating a missing webhook secret');
    assertProblem(await api('POST', `/api/v1/webhooks/${made.json.id}/rotate-secret`, { token: a.token, body: {} }), 428, 'the owner rotating without If-Match');
    assertProblem(await api('DELETE', `/api/v1/webhooks/${made.json.id}`, { token: a.token }), 428, 'the owner without If-Match');
    assert.equal((await api('GET', `/api/v1/webhooks/${made.json.id}`, { token: a.token })).status, 200, 'a refused DELETE removed the webhook');
  });
});
