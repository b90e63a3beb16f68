// OAuth 2.0 client authentication at POST /api/v1/auth/token (RFC 6749): client_secret_basic
// (Authorization: Basic, RFC 6749 §2.3.1) besides client_secret_post, and RFC 6749 §5.2 error
// bodies. Tested with an off-the-shelf client, simple-oauth2 (which sends Basic by default and
// reads §5.2 errors), and by hand for what a library never sends: both methods at once,
// unreadable Basic values, %-encoded credentials, a header over the bound.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { ClientCredentials } from 'simple-oauth2';

import {
  api,
  env,
  assertProblem,
  assertOAuthError,
  makeClient,
  jwtDecode,
} from './support.mjs';

const TOKEN = '/api/v1/auth/token';
const SCOPES = ['organisations:read', 'changes:read'];

/** A simple-oauth2 client for this service; method: 'header' (Basic, its default) or 'body'. */
function library(clientId, secret, method = 'header') {
  return new ClientCredentials({
    client: { id: clientId, secret },
    auth: { tokenHost: env.baseUrl, tokenPath: TOKEN },
    options: { authorizationMethod: method },
  });
}

/** "Basic " + base64 of the form-encoded id and secret, as RFC 6749 §2.3.1 prescribes. */
function basic(id, secret) {
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** The error simple-oauth2 throws for an HTTP error (a Boom error with the parsed body). */
async function libraryError(promise) {
  try {
    await promise;
  } catch (e) {
    return { status: e.output?.statusCode, body: e.data?.payload, headers: e.data?.headers ?? {} };
  }
  assert.fail('the library got a token where it should not');
}

describe('client_secret_basic with simple-oauth2', () => {
  test('the default (Authorization: Basic) gets a token that works', async () => {
    const c = await makeClient(SCOPES);
    const tok = await library(c.client_id, c.client_secret).getToken({});
    assert.equal(tok.token.token_type, 'Bearer');
    assert.deepEqual(tok.token.scope.split(' ').sort(), [...SCOPES].sort());
    assert.equal(jwtDecode(tok.token.access_token).payload.sub, c.id);
    const r = await api('GET', '/api/v1/changes?limit=1', { token: tok.token.access_token });
    assert.equal(r.status, 200, r.text);
  });

  test('a narrower scope, and client_secret_post, through the same library', async () => {
    const c = await makeClient(SCOPES);
    const narrow = await library(c.client_id, c.client_secret).getToken({ scope: 'changes:read' });
    assert.equal(narrow.token.scope, 'changes:read');
    const post = await library(c.client_id, c.client_secret, 'body').getToken({});
    assert.equal(jwtDecode(post.token.access_token).payload.sub, c.id);
  });

  test('the library reads the RFC 6749 errors: invalid_client (401) and invalid_scope (400)', async () => {
    const c = await makeClient(SCOPES);
    const wrong = await libraryError(library(c.client_id, `${c.client_secret}x`).getToken({}));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body?.error, 'invalid_client', JSON.stringify(wrong.body));
    assert.match(wrong.headers['www-authenticate'] ?? '', /^Basic /);
    const unknown = await libraryError(library(crypto.randomUUID(), c.client_secret).getToken({}));
    assert.equal(unknown.body?.error, 'invalid_client');
    const scope = await libraryError(library(c.client_id, c.client_secret).getToken({ scope: 'webhooks:manage' }));
    assert.equal(scope.status, 400);
    assert.equal(scope.body?.error, 'invalid_scope');
  });
});

describe('client_secret_basic by hand', () => {
  test('Basic with a form body, and with a JSON body; the scheme name in any case', async () => {
    const c = await makeClient(SCOPES);
    const form = await api('POST', TOKEN, { headers: { authorization: basic(c.client_id, c.client_secret) }, form: { grant_type: 'client_credentials' } });
    assert.equal(form.status, 200, form.text);
    assert.equal(form.headers['cache-control'], 'no-store');
    const json = await api('POST', TOKEN, { headers: { authorization: basic(c.client_id, c.client_secret).replace('Basic', 'bASIC') }, body: { grant_type: 'client_credentials', scope: 'organisations:read' } });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.json.scope, 'organisations:read');
    // the body may repeat the header's client_id (some libraries do)
    const both = await api('POST', TOKEN, { headers: { authorization: basic(c.client_id, c.client_secret) }, form: { grant_type: 'client_credentials', client_id: c.client_id } });
    assert.equal(both.status, 200, both.text);
  });

  test('credentials are %-decoded before they are compared (RFC 6749 §2.3.1)', async () => {
    const c = await makeClient(SCOPES);
    // every character of the secret %-escaped: equal once decoded
    const escaped = [...c.client_secret].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const header = `Basic ${Buffer.from(`${c.client_id}:${escaped}`).toString('base64')}`;
    const r = await api('POST', TOKEN, { headers: { authorization: header }, form: { grant_type: 'client_credentials' } });
    assert.equal(r.status, 200, r.text);
    // the same bytes unescaped but with a '+' where the secret has none: a space, so wrong
    const plus = `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}+`).toString('base64')}`;
    assertOAuthError(await api('POST', TOKEN, { headers: { authorization: plus }, form: { grant_type: 'client_credentials' } }), 401, 'invalid_client');
  });

  test('two ways at once is invalid_request; a different client_id in the body too', async () => {
    const c = await makeClient(SCOPES);
    const h = { authorization: basic(c.client_id, c.client_secret) };
    assertOAuthError(await api('POST', TOKEN, { headers: h, form: { grant_type: 'client_credentials', client_secret: c.client_secret } }), 400, 'invalid_request', 'secret in both');
    assertOAuthError(await api('POST', TOKEN, { headers: h, form: { grant_type: 'client_credentials', client_id: crypto.randomUUID() } }), 400, 'invalid_request', 'another client_id');
  });

  test('unreadable Basic values are invalid_client with WWW-Authenticate: Basic, and change nothing', async () => {
    const c = await makeClient(SCOPES);
    const b64 = (s) => Buffer.from(s).toString('base64');
    const bad = [
      ['not base64', 'Basic !!!!'],
      ['no colon', `Basic ${b64(c.client_id)}`],
      ['empty id', `Basic ${b64(`:${c.client_secret}`)}`],
      ['bad escape', `Basic ${b64(`${c.client_id}:%zz`)}`],
      ['escaped NUL', `Basic ${b64(`${c.client_id}:a%00b`)}`],
      ['not a UUID', `Basic ${b64(`klient:${c.client_secret}`)}`],
      ['over the bound', `Basic ${b64(`${c.client_id}:${'x'.repeat(2000)}`)}`],
      ['a secret too long for any client', `Basic ${b64(`${c.client_id}:${'x'.repeat(300)}`)}`],
      ['the scheme alone', 'Basic'],
    ];
    for (const [what, value] of bad) {
      const r = await api('POST', TOKEN, { headers: { authorization: value }, form: { grant_type: 'client_credentials' } });
      if (value === 'Basic') {
        // no credentials after the scheme: not Basic at all, so the Bearer rule answers
        assertProblem(r, 401, what);
        continue;
      }
      assertOAuthError(r, 401, 'invalid_client', what);
    }
    // the client still works
    assert.equal((await api('POST', TOKEN, { headers: { authorization: basic(c.client_id, c.client_secret) }, form: { grant_type: 'client_credentials' } })).status, 200);
  });

  test('no credentials at all is invalid_client; a missing grant_type invalid_request', async () => {
    assertOAuthError(await api('POST', TOKEN, { form: { grant_type: 'client_credentials' } }), 401, 'invalid_client');
    const c = await makeClient(SCOPES);
    assertOAuthError(await api('POST', TOKEN, { headers: { authorization: basic(c.client_id, c.client_secret) }, form: { scope: 'changes:read' } }), 400, 'invalid_request');
    assertOAuthError(await api('POST', TOKEN, { body: { grant_type: 'client_credentials', client_id: 42, client_secret: c.client_secret } }), 400, 'invalid_request', 'a number for client_id');
  });

  test('Basic stays refused on every other route (Bearer only)', async () => {
    const c = await makeClient(SCOPES);
    const r = await api('GET', '/api/v1/changes', { headers: { authorization: basic(c.client_id, c.client_secret) } });
    assertProblem(r, 401);
    assert.match(r.headers['www-authenticate'], /^Bearer /);
  });
});
