// Section 4 of the contract and "Agreements and endorsements" in docs/decisions.md, the
// agreements: create (admin; draft or consultation), the validation of every field, the unique
// slug, drafts hidden from everyone but admin (by id, by slug, in the list), PATCH with If-Match
// only while draft or consultation, adoption with a decision, and a second adoption that
// supersedes the first and turns its active endorsements into renewal_needed. Permission cases
// for every write. The endorsements themselves are in endorsements.test.mjs.
//
// At most one agreement is adopted at a time in the whole database, so the tests of this file
// run one after another, and every test that needs an adopted agreement creates and adopts its
// own right before using it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  env,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  assertFieldNamed,
  adminToken,
  newSession,
  clientAccess,
  createOrg,
  verifyOrg,
  getOrgAsAdmin,
  uniqueWord,
  newRequestId,
  auditRowsWhere,
  collectPages,
  etagVersion,
  UUID_RE,
  RFC3339_Z_RE,
} from './support.mjs';

const AGR = '/api/v1/agreements';
const ORGS = '/api/v1/organisations';
const ALL_SCOPES = ['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage'];
const AGREEMENT_KEYS = [
  'id', 'slug', 'title', 'status', 'goals', 'principles', 'commitments', 'body', 'decisions', 'version', 'adopted_at',
  'consultation_closes_at', 'endorsement_count', 'created_at', 'updated_at',
].sort();

const DECISION = Object.freeze({
  body: 'Kommunfullmäktige',
  date: '2012-05-24',
  reference: 'Dnr 0169/12',
  summary: 'Kommunfullmäktige antar överenskommelsen mellan Göteborgs Stad och den idéburna sektorn.',
});

function agreementBody(fields = {}) {
  const w = uniqueWord();
  const body = {
    slug: `overenskommelse-${w}`,
    title: `Överenskommelsen om samverkan ${w}`,
    goals: ['Stärka den idéburna sektorns självständighet.', 'Utveckla dialogen mellan staden och föreningslivet.'],
    principles: [
      { code: 'dialog', title: 'Dialog', description: 'Parterna för en löpande dialog.' },
      { code: 'oppenhet', title: 'Öppenhet och insyn', description: 'Öppenhet, insyn och ömsesidigt förtroende.' },
    ],
    commitments: [
      { party: 'city', text: 'Staden bjuder in till dialogmöten två gånger om året.' },
      { party: 'organisations', text: 'Organisationerna sprider kunskap om överenskommelsen.' },
      { party: 'both', text: 'Parterna följer upp överenskommelsen varje år.' },
    ],
    body: '# Överenskommelsen\n\nGöteborgs Stad och de idéburna organisationerna …',
    decisions: [{ body: 'Social resursnämnd', date: '2012-02-21', reference: 'Dnr 0169/12', summary: 'Tjänsteutlåtande med förslag till överenskommelse.' }],
    ...fields,
  };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return body;
}

/** The agreement's shape as docs/decisions.md gives it. */
function assertAgreement(a, what = 'agreement') {
  assert.ok(a && typeof a === 'object' && !Array.isArray(a), `${what}: not an object`);
  assert.deepEqual(Object.keys(a).sort(), AGREEMENT_KEYS, `${what}: keys`);
  assert.match(a.id, UUID_RE, `${what}.id`);
  assert.ok(['draft', 'consultation', 'adopted', 'superseded'].includes(a.status), `${what}.status ${a.status}`);
  assert.ok(Number.isInteger(a.version) && a.version >= 1, `${what}.version ${a.version} is not a positive integer`);
  assert.ok(Number.isInteger(a.endorsement_count) && a.endorsement_count >= 0, `${what}.endorsement_count`);
  assert.ok(a.adopted_at === null || RFC3339_Z_RE.test(a.adopted_at), `${what}.adopted_at ${a.adopted_at}`);
  assert.ok(a.consultation_closes_at === null || RFC3339_Z_RE.test(a.consultation_closes_at), `${what}.consultation_closes_at ${a.consultation_closes_at}`);
  for (const k of ['created_at', 'updated_at']) assert.match(a[k], RFC3339_Z_RE, `${what}.${k}`);
  for (const k of ['goals', 'principles', 'commitments', 'decisions']) assert.ok(Array.isArray(a[k]), `${what}.${k} is an array`);
}

/** Admin creates an agreement; asserts 201; returns {agreement, etag, res}. */
async function createAgreement(fields = {}, { headers } = {}) {
  const body = agreementBody(fields);
  const r = await api('POST', AGR, { token: await adminToken(), body, headers });
  assert.equal(r.status, 201, `create agreement: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'POST /api/v1/agreements without ETag');
  return { agreement: r.json, etag: r.headers.etag, res: r };
}

async function getAgreement(idOrSlug, token) {
  const r = await api('GET', `${AGR}/${idOrSlug}`, { token: token ?? (await adminToken()) });
  assert.equal(r.status, 200, `GET ${AGR}/${idOrSlug}: ${r.status} ${r.text}`);
  assert.ok(r.headers.etag, 'GET /api/v1/agreements/{id} without ETag');
  return { agreement: r.json, etag: r.headers.etag };
}

// NO_DECISION sends a body without `decision` (a default parameter would swallow `undefined`).
const NO_DECISION = Symbol('no decision');
function adopt(id, decision = DECISION, { token, headers } = {}) {
  return adminToken().then((admin) => api('POST', `${AGR}/${id}/adopt`, { token: token ?? admin, body: decision === NO_DECISION ? {} : { decision }, headers }));
}

/** Creates and adopts a new agreement (superseding the current one); returns it. */
async function freshAdopted() {
  const { agreement } = await createAgreement();
  const r = await adopt(agreement.id);
  assert.equal(r.status, 200, `adopt: ${r.status} ${r.text}`);
  return r.json;
}

async function listIds(token) {
  return (await collectPages(AGR, token)).map((a) => a.id);
}

/** A member who is the signatory of a new verified organisation. */
async function signedOrg() {
  const s = await newSession();
  const { org } = await createOrg(s.access);
  await verifyOrg(org.id);
  return { s, org };
}

function endorse(token, agreementId, orgId, extra = {}) {
  return api('POST', `${AGR}/${agreementId}/endorsements`, {
    token,
    body: { organisation_id: orgId, signatory_name: 'Anna Andersson', signatory_title: 'Ordförande', mandate: 'Styrelsebeslut 2024-03-12 §7', ...extra },
  });
}

async function registerItems(agreementId, query = '') {
  return collectPages(`${AGR}/${agreementId}/endorsements${query ? `?${query}` : ''}`, await adminToken());
}

// ------------------------------------------------------------------------------------------

describe('agreements', { concurrency: 1 }, () => {
  test('admin creates a draft: 201, Location, ETag, every field as sent; version an integer; nothing adopted or counted', async () => {
    const body = agreementBody();
    const r = await api('POST', AGR, { token: await adminToken(), body });
    assert.equal(r.status, 201, r.text);
    const a = r.json;
    assertAgreement(a);
    assert.equal(a.status, 'draft');
    for (const k of ['slug', 'title', 'goals', 'principles', 'commitments', 'body', 'decisions']) assert.deepEqual(a[k], body[k], k);
    assert.equal(a.adopted_at, null);
    assert.equal(a.endorsement_count, 0);
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, `${AGR}/${a.id}`, `Location: ${r.headers.location}`);
    etagVersion(r.headers.etag);
    const byId = await getAgreement(a.id);
    assert.deepEqual(byId.agreement, a);
    assert.equal(byId.etag, r.headers.etag);
    const bySlug = await getAgreement(a.slug);
    assert.deepEqual(bySlug.agreement, a, 'GET by slug answers the same agreement');
    assert.equal(bySlug.etag, r.headers.etag);

    // The next agreement has the next number in the series.
    const { agreement: b } = await createAgreement();
    assert.ok(b.version > a.version, `versions ${a.version} then ${b.version}`);
  });

  test('create with status consultation; any other status, or read-only fields → 422', async () => {
    const { agreement: c } = await createAgreement({ status: 'consultation' });
    assert.equal(c.status, 'consultation');
    const admin = await adminToken();
    for (const status of ['adopted', 'superseded', 'antagen']) {
      assertValidation(await api('POST', AGR, { token: admin, body: agreementBody({ status }) }), ['/status'], `create with status ${status}`);
    }
    const ro = { id: crypto.randomUUID(), version: 7, adopted_at: '2012-09-04T10:00:00Z', consultation_closes_at: '2012-04-30T22:00:00Z', endorsement_count: 3, created_at: '2012-01-01T00:00:00Z', foo: 1 };
    for (const [k, v] of Object.entries(ro)) {
      assertValidation(await api('POST', AGR, { token: admin, body: agreementBody({ [k]: v }) }), [`/${k}`], `create with ${k}`);
    }
    assertValidation(await api('POST', AGR, { token: admin, body: agreementBody(ro) }), Object.keys(ro).map((k) => `/${k}`), 'all at once');
  });

  test('slug: unique (409 /slug), ^[a-z0-9][a-z0-9-]{2,62}$; the other fields validated (422 naming them)', async () => {
    const admin = await adminToken();
    const { agreement: a } = await createAgreement();
    const dup = await api('POST', AGR, { token: admin, body: agreementBody({ slug: a.slug }) });
    const p = assertProblem(dup, 409, 'duplicate slug');
    assert.ok(Array.isArray(p.errors) && p.errors.some((e) => e.field === '/slug'), `409 should name /slug: ${dup.text}`);

    const w = uniqueWord();
    const bad = [
      ['/slug', { slug: undefined }],
      ['/slug', { slug: 'ab' }],
      ['/slug', { slug: `-${w}` }],
      ['/slug', { slug: `Avtal-${w}` }],
      ['/slug', { slug: `avtal-å-${w}` }],
      ['/slug', { slug: `avtal ${w}` }],
      ['/slug', { slug: `a${'b'.repeat(63)}` }],
      ['/title', { title: undefined }],
      ['/title', { title: 'x' }],
      ['/title', { title: 'x'.repeat(301) }],
      ['/goals', { goals: 'Ett mål' }],
      ['/goals', { goals: [''] }],
      ['/goals', { goals: Array.from({ length: 51 }, (_, i) => `Mål ${i}`) }],
      ['/principles', { principles: [{ code: 'Dialog', title: 'Dialog', description: '' }] }],
      ['/principles', { principles: [{ code: 'dialog', title: 'Dialog' }, { code: 'dialog', title: 'Dialog igen' }] }],
      ['/principles', { principles: [{ code: 'dialog', title: '' }] }],
      ['/commitments', { commitments: [{ party: 'state', text: 'Staten gör något.' }] }],
      ['/commitments', { commitments: [{ party: 'city', text: '' }] }],
      ['/body', { body: 'x'.repeat(200001) }],
      ['/decisions', { decisions: [{ body: 'Kommunstyrelsen', date: '21 februari 2012', reference: 'Dnr 0169/12', summary: '' }] }],
      ['/decisions', { decisions: [{ body: '', date: '2012-02-21' }] }],
      ['/decisions', { decisions: [{ body: 'Kommunstyrelsen', date: '2012-02-21', reference: 'x'.repeat(101) }] }],
    ];
    for (const [field, fields] of bad) {
      assertFieldNamed(await api('POST', AGR, { token: admin, body: agreementBody({ ...fields, slug: 'slug' in fields ? fields.slug : `avtal-${w}` }) }), field, `${field}: ${JSON.stringify(fields).slice(0, 80)}`);
    }
    // None of the refused ones was stored.
    assertProblem(await api('GET', `${AGR}/avtal-${w}`, { token: admin }), 404, 'a refused create stored an agreement');
    // The slug limits are accepted.
    let short = null;
    for (let i = 0; i < 20 && !short; i++) {
      const slug = Array.from({ length: 3 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[crypto.randomInt(0, 36)]).join('');
      const r = await api('POST', AGR, { token: admin, body: agreementBody({ slug }) });
      if (r.status === 409) continue; // taken by an earlier run
      assert.equal(r.status, 201, `slug ${slug}: ${r.text}`);
      short = r.json;
    }
    assert.ok(short, 'no free three-character slug in 20 tries');
    assert.equal(short.slug.length, 3);
    const { agreement: long } = await createAgreement({ slug: `${uniqueWord(10)}-${'9'.repeat(52)}` });
    assert.equal(long.slug.length, 63);
  });

  test('permissions: create, PATCH and adopt — anonymous 401, member 403, API client 403', async () => {
    const { agreement: a, etag } = await createAgreement({ status: 'consultation' });
    const m = await newSession();
    const { token: client } = await clientAccess(ALL_SCOPES);
    const body = agreementBody();
    assertUnauthorized(await api('POST', AGR, { body }), {}, 'anonymous create');
    assertProblem(await api('POST', AGR, { token: m.access, body }), 403, 'member create');
    assertProblem(await api('POST', AGR, { token: client, body }), 403, 'client create');
    assertProblem(await api('GET', `${AGR}/${body.slug}`, { token: await adminToken() }), 404, 'a refused create stored an agreement');

    const patch = { title: 'Kapad titel' };
    assertUnauthorized(await api('PATCH', `${AGR}/${a.id}`, { body: patch, headers: { 'if-match': etag } }), {}, 'anonymous PATCH');
    assertProblem(await api('PATCH', `${AGR}/${a.id}`, { token: m.access, body: patch, headers: { 'if-match': etag } }), 403, 'member PATCH');
    assertProblem(await api('PATCH', `${AGR}/${a.id}`, { token: client, body: patch, headers: { 'if-match': etag } }), 403, 'client PATCH');

    assertUnauthorized(await api('POST', `${AGR}/${a.id}/adopt`, { body: { decision: DECISION } }), {}, 'anonymous adopt');
    assertProblem(await api('POST', `${AGR}/${a.id}/adopt`, { token: m.access, body: { decision: DECISION } }), 403, 'member adopt');
    assertProblem(await api('POST', `${AGR}/${a.id}/adopt`, { token: client, body: { decision: DECISION } }), 403, 'client adopt');

    const after = await getAgreement(a.id);
    assert.equal(after.etag, etag, 'a refused write changed the agreement');
    assert.equal(after.agreement.status, 'consultation');
    assert.equal(after.agreement.title, a.title);
  });

  test('a draft is 404 for everyone but admin, by id and by slug; the list shows it to admin only', async () => {
    const { agreement: d } = await createAgreement();
    const { agreement: c } = await createAgreement({ status: 'consultation' });
    const m = await newSession();
    const { token: client } = await clientAccess(ALL_SCOPES);
    for (const [token, who] of [[undefined, 'anonymous'], [m.access, 'member'], [client, 'client']]) {
      assertProblem(await api('GET', `${AGR}/${d.id}`, { token }), 404, `${who}: draft by id`);
      assertProblem(await api('GET', `${AGR}/${d.slug}`, { token }), 404, `${who}: draft by slug`);
      const ids = await listIds(token);
      assert.ok(!ids.includes(d.id), `${who}: the list shows a draft`);
      assert.ok(ids.includes(c.id), `${who}: the list hides an agreement in consultation`);
      const g = await api('GET', `${AGR}/${c.slug}`, { token });
      assert.equal(g.status, 200, `${who}: consultation by slug: ${g.text}`);
      assert.equal(g.json.id, c.id);
    }
    const adminIds = await listIds(await adminToken());
    assert.ok(adminIds.includes(d.id) && adminIds.includes(c.id), 'admin lists drafts too');
    for (const a of await collectPages(AGR)) {
      assertAgreement(a, 'anonymous list item');
      assert.notEqual(a.status, 'draft', `anonymous list shows draft ${a.slug}`);
    }
    assertProblem(await api('GET', `${AGR}/${crypto.randomUUID()}`), 404, 'unknown id');
    assertProblem(await api('GET', `${AGR}/${uniqueWord()}-finns-inte`), 404, 'unknown slug');
  });

  test('PATCH while draft: If-Match (428, 412), merge patch; status to consultation makes it public, back to draft hides it', async () => {
    const { agreement: a, etag } = await createAgreement();
    const admin = await adminToken();
    const url = `${AGR}/${a.id}`;
    assertProblem(await api('PATCH', url, { token: admin, body: { title: 'Utan If-Match' } }), 428);
    assertProblem(await api('PATCH', url, { token: admin, body: { title: 'Gammal' }, headers: { 'if-match': '"999999"' } }), 412);
    const p = await api('PATCH', url, { token: admin, body: { title: `${a.title} (reviderad)`, goals: ['Ett enda mål.'], body: 'Ny text.' }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    assertAgreement(p.json);
    assert.equal(p.json.title, `${a.title} (reviderad)`);
    assert.deepEqual(p.json.goals, ['Ett enda mål.']);
    assert.equal(p.json.body, 'Ny text.');
    assert.deepEqual(p.json.principles, a.principles, 'absent fields keep their values');
    assert.equal(p.json.version, a.version, 'version is the number in the series, not the revision');
    assert.notEqual(p.headers.etag, etag, 'the ETag changes');
    assertProblem(await api('PATCH', url, { token: admin, body: { title: 'Igen' }, headers: { 'if-match': etag } }), 412, 'the old ETag is stale');
    assertValidation(await api('PATCH', url, { token: admin, body: { version: 9 }, headers: { 'if-match': p.headers.etag } }), ['/version']);
    assertValidation(await api('PATCH', url, { token: admin, body: { adopted_at: '2020-01-01T00:00:00Z' }, headers: { 'if-match': p.headers.etag } }), ['/adopted_at']);
    assertFieldNamed(await api('PATCH', url, { token: admin, body: { slug: 'X' }, headers: { 'if-match': p.headers.etag } }), '/slug');

    const toC = await api('PATCH', url, { token: admin, body: { status: 'consultation' }, headers: { 'if-match': p.headers.etag } });
    assert.equal(toC.status, 200, toC.text);
    assert.equal(toC.json.status, 'consultation');
    const anon = await api('GET', url);
    assert.equal(anon.status, 200, `consultation is public: ${anon.text}`);
    assert.deepEqual(anon.json, toC.json);
    assert.ok((await listIds()).includes(a.id), 'consultation is listed publicly');
    // PATCH in consultation works too; adopted is not reachable by PATCH.
    const refused = await api('PATCH', url, { token: admin, body: { status: 'adopted' }, headers: { 'if-match': toC.headers.etag } });
    assert.ok([409, 422].includes(refused.status), `PATCH status adopted: ${refused.status} ${refused.text}`);
    assertProblem(refused, refused.status);
    const back = await api('PATCH', url, { token: admin, body: { status: 'draft' }, headers: { 'if-match': toC.headers.etag } });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.status, 'draft');
    assert.equal(back.json.adopted_at, null);
    assertProblem(await api('GET', url), 404, 'back to draft: hidden again');
    assertProblem(await api('PATCH', `${AGR}/${crypto.randomUUID()}`, { token: admin, body: { title: 'En giltig titel' }, headers: { 'if-match': '*' } }), 404);
  });

  test('adopt: → adopted, adopted_at now, the decision appended; then PATCH → 409, adopt again → 409', async () => {
    const { agreement: a, etag } = await createAgreement({ status: 'consultation' });
    const admin = await adminToken();
    assertFieldNamed(await adopt(a.id, NO_DECISION), '/decision', 'no decision');
    assertFieldNamed(await adopt(a.id, { ...DECISION, date: '24 maj 2012' }), '/decision', 'a bad date');
    assertFieldNamed(await adopt(a.id, { ...DECISION, body: '' }), '/decision', 'an empty body');
    assertFieldNamed(await adopt(a.id, { ...DECISION, reference: 'x'.repeat(101) }), '/decision', 'a long reference');
    assert.equal((await getAgreement(a.id)).agreement.status, 'consultation', 'a refused adopt adopted');

    const t0 = Date.now();
    const rid = newRequestId('agr-adopt');
    const r = await adopt(a.id, DECISION, { headers: { 'x-request-id': rid } });
    const t1 = Date.now();
    assert.equal(r.status, 200, r.text);
    assertAgreement(r.json);
    assert.equal(r.json.status, 'adopted');
    assert.ok(r.json.adopted_at, 'adopted_at set');
    const at = Date.parse(r.json.adopted_at);
    assert.ok(at >= t0 - 60000 && at <= t1 + 60000, `adopted_at ${r.json.adopted_at} is not now`);
    assert.deepEqual(r.json.decisions, [...a.decisions, DECISION], 'the decision is appended to the case history');
    assert.ok(Number.isInteger(r.json.version));
    assert.equal(r.json.version, a.version);
    assert.ok(r.headers.etag && r.headers.etag !== etag, 'adopt answers a new ETag');
    const g = await api('GET', `${AGR}/${a.slug}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, r.json);
    assert.equal(g.headers.etag, r.headers.etag);
    const rows = auditRowsWhere({ requestId: rid, entityId: a.id });
    assert.ok(rows.length >= 1, 'adopt wrote no audit row');

    assertProblem(await api('PATCH', `${AGR}/${a.id}`, { token: admin, body: { title: 'Ändrad i efterhand' }, headers: { 'if-match': r.headers.etag } }), 409, 'PATCH adopted');
    assertProblem(await api('PATCH', `${AGR}/${a.id}`, { token: admin, body: { status: 'draft' }, headers: { 'if-match': r.headers.etag } }), 409, 'PATCH adopted back to draft');
    assertProblem(await adopt(a.id), 409, 'adopt again');
    const after = await getAgreement(a.id);
    assert.equal(after.etag, r.headers.etag);
    assert.equal(after.agreement.title, a.title);
    assert.deepEqual(after.agreement.decisions, [...a.decisions, DECISION], 'a refused adopt appended a decision');

    // A draft may be adopted directly.
    const { agreement: d } = await createAgreement();
    const rd = await adopt(d.id);
    assert.equal(rd.status, 200, rd.text);
    assert.equal(rd.json.status, 'adopted');
    assertProblem(await adopt(crypto.randomUUID()), 404, 'adopt an unknown agreement');
  });

  test('a second adoption supersedes the first: its active endorsements become renewal_needed, withdrawn ones stay', async () => {
    const a1 = await freshAdopted();
    const X = await signedOrg();
    const Y = await signedOrg();
    const ex = await endorse(X.s.access, a1.id, X.org.id);
    assert.equal(ex.status, 201, ex.text);
    const ey = await endorse(Y.s.access, a1.id, Y.org.id);
    assert.equal(ey.status, 201, ey.text);
    const wy = await api('POST', `${AGR}/${a1.id}/endorsements/${ey.json.id}/withdraw`, { token: Y.s.access, body: { reason: 'Styrelsen ändrade sig.' } });
    assert.equal(wy.status, 200, wy.text);
    assert.equal((await getAgreement(a1.id)).agreement.endorsement_count, 1);
    const xBefore = await getOrgAsAdmin(X.org.id);
    assert.equal(xBefore.org.endorsement?.id, ex.json.id);
    assert.equal(xBefore.org.endorsement.agreement_id, a1.id);

    const { agreement: a2 } = await createAgreement();
    const t0 = Date.now();
    const r = await adopt(a2.id);
    const t1 = Date.now();
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'adopted');

    const old = (await getAgreement(a1.id)).agreement;
    assert.equal(old.status, 'superseded');
    assert.equal(old.adopted_at, a1.adopted_at, 'adopted_at of the superseded one is kept');
    assert.equal(old.endorsement_count, 0, 'no active endorsements left on the superseded agreement');
    const pub = await api('GET', `${AGR}/${a1.slug}`);
    assert.equal(pub.status, 200, 'a superseded agreement is public');

    const items = await registerItems(a1.id);
    const x = items.find((e) => e.id === ex.json.id);
    const y = items.find((e) => e.id === ey.json.id);
    assert.equal(x.status, 'renewal_needed');
    assert.match(x.renewal_needed_at || '', RFC3339_Z_RE, 'renewal_needed_at set');
    const rn = Date.parse(x.renewal_needed_at);
    assert.ok(rn >= t0 - 60000 && rn <= t1 + 60000, `renewal_needed_at ${x.renewal_needed_at} is not the adoption`);
    assert.equal(x.withdrawn_at, null);
    assert.equal(y.status, 'withdrawn', 'a withdrawn endorsement stays withdrawn');
    assert.equal(y.renewal_needed_at, null);
    assert.deepEqual((await registerItems(a1.id, 'status=renewal_needed')).map((e) => e.id), [ex.json.id]);

    // X no longer endorses the current agreement.
    const xAfter = await getOrgAsAdmin(X.org.id);
    assert.equal(xAfter.org.endorsement, null, 'organisation.endorsement refers to the current agreement only');
    // The superseded agreement takes no endorsements, nor adoption again, nor edits.
    const Z = await signedOrg();
    assertProblem(await endorse(Z.s.access, a1.id, Z.org.id), 409, 'endorse a superseded agreement');
    assertProblem(await endorse(X.s.access, a1.id, X.org.id), 409, 'X renews on the superseded agreement');
    assertProblem(await adopt(a1.id), 409, 'adopt a superseded agreement');
    const { etag: oldEtag } = await getAgreement(a1.id);
    assertProblem(await api('PATCH', `${AGR}/${a1.id}`, { token: await adminToken(), body: { title: 'Ny titel' }, headers: { 'if-match': oldEtag } }), 409, 'PATCH superseded');
    // A renewal_needed endorsement is not active: it cannot be withdrawn.
    assertProblem(await api('POST', `${AGR}/${a1.id}/endorsements/${ex.json.id}/withdraw`, { token: X.s.access, body: { reason: 'x' } }), 409, 'withdraw renewal_needed');

    // X renews on the new agreement; the organisation's history holds both.
    const renew = await endorse(X.s.access, a2.id, X.org.id);
    assert.equal(renew.status, 201, renew.text);
    const xNow = await getOrgAsAdmin(X.org.id);
    assert.equal(xNow.org.endorsement?.id, renew.json.id);
    assert.equal(xNow.org.endorsement.agreement_id, a2.id);
    const hist = await api('GET', `${ORGS}/${X.org.id}/endorsements`);
    assert.equal(hist.status, 200, hist.text);
    assert.deepEqual(hist.json.items.map((e) => [e.id, e.agreement_id, e.status]), [
      [renew.json.id, a2.id, 'active'],
      [ex.json.id, a1.id, 'renewal_needed'],
    ]);
    assert.equal((await getAgreement(a2.id)).agreement.endorsement_count, 1);
  });
});
