// Section 2 of the contract and "Organisations" in docs/decisions.md: creating an
// organisation, the validation of every writable field (the organisation number above all),
// mass assignment, duplicates (also when twenty requests race), umbrella organisations and
// their cycles, merge-patch semantics with If-Match, and the audit rows of each write.
// Visibility and the admin actions are in organisations-access.test.mjs; lists and search in
// organisations-search.test.mjs.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  env,
  assertProblem,
  assertValidation,
  assertUnauthorized,
  adminToken,
  newSession,
  uniqueName,
  UUID_RE,
  psql,
  sqlLit,
  sleep,
  luhnDigit,
  validOrgNumber,
  personnummer,
  uniqueWord,
  newRequestId,
  createOrg,
  verifyOrg,
  getOrgAsAdmin,
  patchOrg,
  clientAccess,
  auditRowsWhere,
  craftToken,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const STRONG_ETAG = /^"\d+"$/;
const ORG_KEYS = [
  'id', 'org_number', 'name', 'kind', 'umbrella_id', 'areas', 'districts', 'description', 'website', 'email', 'phone',
  'member_count', 'status', 'status_reason', 'legal_form', 'endorsement', 'created_at', 'updated_at',
].sort();

function etagNumber(etag) {
  assert.match(etag || '', STRONG_ETAG, `ETag ${etag} is not a strong "<version>"`);
  return Number(etag.slice(1, -1));
}

/** The organisation's shape as docs/decisions.md gives it. */
function assertOrg(o, what = 'organisation') {
  assert.ok(o && typeof o === 'object' && !Array.isArray(o), `${what}: not an object`);
  assert.deepEqual(Object.keys(o).sort(), ORG_KEYS, `${what}: keys`);
  assert.match(o.id, UUID_RE, `${what}.id`);
  assert.ok(o.org_number === null || /^\d{6}-\d{4}$/.test(o.org_number), `${what}.org_number ${o.org_number}`);
  assert.equal(typeof o.name, 'string');
  assert.equal(typeof o.kind, 'string');
  assert.ok(Array.isArray(o.areas) && Array.isArray(o.districts), `${what}: areas/districts arrays`);
  assert.ok(['pending', 'verified', 'rejected', 'inactive'].includes(o.status), `${what}.status ${o.status}`);
  assert.match(o.created_at, RFC3339_Z, `${what}.created_at`);
  assert.match(o.updated_at, RFC3339_Z, `${what}.updated_at`);
}

/** A 422 that names `field` or a pointer below it (e.g. /areas or /areas/0). */
function assertFieldNamed(res, field, what = '') {
  const p = assertProblem(res, 422, what);
  assert.ok(Array.isArray(p.errors), `${what}: 422 without errors[]: ${res.text}`);
  const named = p.errors.map((e) => e.field);
  assert.ok(
    named.some((f) => f === field || f.startsWith(`${field}/`)),
    `${what}: 422 should name ${field}; it names ${JSON.stringify(named)}`,
  );
  return p;
}

/** A 409 problem whose errors[] names `field`. */
function assertConflict(res, field, what = '') {
  const p = assertProblem(res, 409, what);
  assert.ok(Array.isArray(p.errors), `${what}: 409 without errors[]: ${res.text}`);
  assert.ok(p.errors.map((e) => e.field).includes(field), `${what}: 409 should name ${field}: ${res.text}`);
  return p;
}

function post(token, body, headers) {
  return api('POST', ORGS, { token, body, headers });
}

function digitsOf(n) {
  return n.replace('-', '');
}

/** A number with a wrong check digit. */
function badCheckDigit(n) {
  const last = Number(n.at(-1));
  return n.slice(0, -1) + String((last + 1) % 10);
}

function storedRow(id) {
  const out = psql(`select json_build_object('org_number', org_number, 'name', name, 'description', description,
    'updated_at', updated_at)::text from organisation where id = ${sqlLit(id)}`);
  assert.ok(out, `no organisation row ${id} in the database`);
  return JSON.parse(out);
}

// ------------------------------------------------------------------------------------------

describe('create', () => {
  test('a member registers an organisation: 201, Location, ETag, pending, and becomes its signatory', async () => {
    const m = await newSession();
    const name = uniqueName('Föreningen Gemenskap');
    const num = validOrgNumber();
    const r = await post(m.access, { name, kind: 'ideell_forening', org_number: num, areas: ['kultur'], districts: ['centrum'] });
    assert.equal(r.status, 201, r.text);
    const o = r.json;
    assertOrg(o);
    assert.equal(o.name, name);
    assert.equal(o.kind, 'ideell_forening');
    assert.equal(o.org_number, num);
    assert.equal(o.status, 'pending');
    assert.equal(o.status_reason, null);
    assert.equal(o.legal_form, 'ideell_forening_eller_stiftelse');
    assert.equal(o.endorsement, null);
    assert.equal(o.umbrella_id, null);
    assert.deepEqual(o.areas, ['kultur']);
    assert.deepEqual(o.districts, ['centrum']);
    assert.equal(o.description, null);
    assert.equal(o.member_count, null);
    assert.equal(new URL(r.headers.location, env.baseUrl).pathname, `${ORGS}/${o.id}`, `Location: ${r.headers.location}`);
    assert.equal(etagNumber(r.headers.etag), 1, 'a new organisation has version 1');

    // The creator reads it back (a member sees the organisations they represent).
    const g = await api('GET', `${ORGS}/${o.id}`, { token: m.access });
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, o);
    assert.equal(g.headers.etag, r.headers.etag);

    // /me lists it with the role signatory.
    const me = await api('GET', '/api/v1/me', { token: m.access });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json.organisations, [{ id: o.id, name, role: 'signatory' }]);

    // The representatives list names the creator as signatory.
    const reps = await api('GET', `${ORGS}/${o.id}/representatives`, { token: m.access });
    assert.equal(reps.status, 200, reps.text);
    assert.equal(reps.json.items.length, 1, reps.text);
    const rep = reps.json.items[0];
    assert.equal(rep.user_id, m.id);
    assert.equal(rep.role, 'signatory');
    assert.equal(rep.email.toLowerCase(), m.email.toLowerCase());
    assert.equal(rep.name, m.user.name);
    assert.match(rep.since, RFC3339_Z);
  });

  test('an organisation without a number: org_number and legal_form null', async () => {
    const m = await newSession();
    const { org } = await createOrg(m.access, { org_number: undefined, kind: 'natverk' });
    assert.equal(org.org_number, null);
    assert.equal(org.legal_form, null);
    const { org: o2 } = await createOrg(m.access, { org_number: null, kind: 'natverk' });
    assert.equal(o2.org_number, null);
    assert.equal(o2.legal_form, null);
  });

  test('anonymous → 401; a refused token → 401 invalid_token; an API client → 403', async () => {
    const body = { name: uniqueName('Anonym förening'), kind: 'ideell_forening' };
    assertUnauthorized(await post(undefined, body), {}, 'anonymous create');
    const m = await newSession();
    const forged = craftToken(m.id, { secret: 'not-the-key-not-the-key-not-the-key-0' });
    assertUnauthorized(await post(forged, body), { tokenPresented: true }, 'forged token');
    const { token } = await clientAccess(['organisations:read', 'organisations:write']);
    assertProblem(await post(token, body), 403, 'client create');
    assert.equal(psql(`select count(*) from organisation where name = ${sqlLit(body.name)}`), '0', 'a refused create stored a row');
  });

  test('admin may create', async () => {
    const { org } = await createOrg(await adminToken());
    assertOrg(org);
    assert.equal(org.status, 'pending');
  });

  test('name: trimmed; 2..200 characters (code points) after trimming; required', async () => {
    const m = await newSession();
    const core = uniqueName('Trimmad förening');
    const { org } = await createOrg(m.access, { name: `  \t${core}  ` });
    assert.equal(org.name, core);
    assert.equal(storedRow(org.id).name, core);

    const two = await post(m.access, { name: ' Åb ', kind: 'annan' });
    assert.equal(two.status, 201, two.text);
    assert.equal(two.json.name, 'Åb');

    const long = `${'å'.repeat(190)}${crypto.randomBytes(5).toString('hex')}`; // 200 code points, 390 bytes
    assert.equal([...long].length, 200);
    const ok = await post(m.access, { name: long, kind: 'annan' });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.name, long);

    assertValidation(await post(m.access, { name: '  A  ', kind: 'annan' }), ['/name'], '1 character after trimming');
    assertValidation(await post(m.access, { name: 'ö', kind: 'annan' }), ['/name'], '1 character');
    assertValidation(await post(m.access, { name: '     ', kind: 'annan' }), ['/name'], 'blank');
    assertValidation(await post(m.access, { name: `${long}x`, kind: 'annan' }), ['/name'], '201 characters');
    assertValidation(await post(m.access, { name: 'x'.repeat(201), kind: 'annan' }), ['/name'], '201 characters');
    assertValidation(await post(m.access, { kind: 'annan' }), ['/name'], 'missing name');
    assertValidation(await post(m.access, { name: 42, kind: 'annan' }), ['/name'], 'name a number');
    assertValidation(await post(m.access, { name: null, kind: 'annan' }), ['/name'], 'name null');
  });

  test('kind, areas and districts come from the vocabularies; arrays are stored unique and sorted', async () => {
    const m = await newSession();
    const name = uniqueName('Vokabulär');
    assertValidation(await post(m.access, { name }), ['/kind'], 'kind missing');
    assertValidation(await post(m.access, { name, kind: 'bolag' }), ['/kind'], 'unknown kind');
    assertValidation(await post(m.access, { name, kind: null }), ['/kind'], 'kind null');
    assertFieldNamed(await post(m.access, { name, kind: 'annan', areas: ['kultur', 'astrologi'] }), '/areas', 'unknown area');
    assertFieldNamed(await post(m.access, { name, kind: 'annan', areas: 'kultur' }), '/areas', 'areas not an array');
    assertFieldNamed(await post(m.access, { name, kind: 'annan', areas: [1] }), '/areas', 'area not a string');
    assertFieldNamed(await post(m.access, { name, kind: 'annan', districts: ['stockholm'] }), '/districts', 'unknown district');
    assertFieldNamed(await post(m.access, { name, kind: 'annan', districts: 'centrum' }), '/districts', 'districts not an array');
    assert.equal(psql(`select count(*) from organisation where name = ${sqlLit(name)}`), '0', 'an invalid create stored a row');

    const { org } = await createOrg(m.access, {
      kind: 'trossamfund',
      areas: ['miljo', 'aldre', 'kultur', 'aldre'],
      districts: ['vastra_hisingen', 'angered', 'angered'],
    });
    assert.equal(org.kind, 'trossamfund');
    assert.deepEqual(org.areas, ['aldre', 'kultur', 'miljo']);
    assert.deepEqual(org.districts, ['angered', 'vastra_hisingen']);
    const { org: empty } = await createOrg(m.access, { areas: [], districts: [] });
    assert.deepEqual(empty.areas, []);
    assert.deepEqual(empty.districts, []);
  });

  test('website http(s) with a host; e-mail an address; phone; member_count 0..10 000 000; description ≤ 5000', async () => {
    const m = await newSession();
    const name = uniqueName('Fältkoll');
    const base = { name, kind: 'ideell_forening' };
    for (const website of ['javascript:alert(1)', 'ftp://x', 'ftp://example.se/', 'https://', 'http://', 'example', 'mailto:a@example.se', 'data:text/html,hej', `example.se/${'a'.repeat(489)}`, `https://example.se/${'a'.repeat(500)}`]) {
      assertValidation(await post(m.access, { ...base, website }), ['/website'], `website ${website.slice(0, 40)}`);
    }
    for (const email of ['inte-en-adress', 'a@', '@example.se', 'a b@example.se', `${'a'.repeat(250)}@example.se`]) {
      assertValidation(await post(m.access, { ...base, email }), ['/email'], `email ${email.slice(0, 40)}`);
    }
    for (const phone of ['ring mig', '031-123 45 67; DROP', '1'.repeat(41)]) {
      assertValidation(await post(m.access, { ...base, phone }), ['/phone'], `phone ${phone}`);
    }
    for (const member_count of [-1, 10000001, 1.5, '12', true]) {
      assertValidation(await post(m.access, { ...base, member_count }), ['/member_count'], `member_count ${member_count}`);
    }
    assertValidation(await post(m.access, { ...base, description: 'x'.repeat(5001) }), ['/description'], 'description 5001');
    assertValidation(await post(m.access, { ...base, description: 17 }), ['/description'], 'description a number');
    assert.equal(psql(`select count(*) from organisation where name = ${sqlLit(name)}`), '0', 'an invalid create stored a row');

    const { org } = await createOrg(m.access, {
      website: 'https://example.se',
      email: 'kansli@example.se',
      phone: '+46 (0)31-123 45 67',
      member_count: 0,
      description: 'å'.repeat(5000),
    });
    assert.equal(org.website, 'https://example.se');
    assert.equal(org.email, 'kansli@example.se');
    assert.equal(org.phone, '+46 (0)31-123 45 67');
    assert.equal(org.member_count, 0);
    assert.equal(org.description, 'å'.repeat(5000));
    const { org: o2 } = await createOrg(m.access, { website: 'http://forening.example.se/om-oss?a=1', member_count: 10000000 });
    assert.equal(o2.website, 'http://forening.example.se/om-oss?a=1');
    assert.equal(o2.member_count, 10000000);
  });

  test('a website written without a scheme (solglantan.se) is stored as https://…, on create and on PATCH', async () => {
    const m = await newSession();
    const { org, id } = await createOrg(m.access, { website: 'solglantan.se' });
    assert.equal(org.website, 'https://solglantan.se');
    assert.equal(psql(`select website from organisation where id = ${sqlLit(id)}`), 'https://solglantan.se');
    const r = await patchOrg(id, m.access, { website: 'www.solglantan.se/om-oss' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.website, 'https://www.solglantan.se/om-oss');
    assert.equal((await getOrgAsAdmin(id)).org.website, 'https://www.solglantan.se/om-oss');
    // what cannot be a host name is refused and changes nothing
    assertValidation(await patchOrg(id, m.access, { website: 'solglantan' }), ['/website'], 'no dot');
    assert.equal((await getOrgAsAdmin(id)).org.website, 'https://www.solglantan.se/om-oss');
  });

  test('mass assignment: status, id, created_at, legal_form and other read-only or unknown fields → 422 naming each', async () => {
    const m = await newSession();
    const name = uniqueName('Massförening');
    const base = { name, kind: 'ideell_forening' };
    const cases = {
      status: 'verified',
      id: crypto.randomUUID(),
      created_at: '2001-01-01T00:00:00Z',
      updated_at: '2001-01-01T00:00:00Z',
      legal_form: 'aktiebolag',
      endorsement: null,
      status_reason: 'för att',
      version: 7,
      foo: 'bar',
    };
    for (const [k, v] of Object.entries(cases)) {
      assertValidation(await post(m.access, { ...base, [k]: v }), [`/${k}`], `create with ${k}`);
    }
    // All at once: each one named.
    const all = await post(m.access, { ...base, ...cases });
    assertValidation(all, Object.keys(cases).map((k) => `/${k}`), 'create with every read-only field');
    assert.equal(psql(`select count(*) from organisation where name = ${sqlLit(name)}`), '0', 'a mass-assignment attempt stored a row');
    // The admin gets the same answer for status on create.
    assertValidation(await post(await adminToken(), { ...base, status: 'verified' }), ['/status'], 'admin create with status');
  });

  test("strings with ', ;, --, å ä ö and emoji are stored and returned verbatim", async () => {
    const m = await newSession();
    const w = uniqueWord();
    const name = `O'Brien; DROP TABLE organisation; -- Åsa & Örjan 🎉🇸🇪 ${w}`;
    const description = `Robert'); DELETE FROM organisation;--\n\t"citat" \\ backslash ✓ 👩‍👩‍👧 åäö ÅÄÖ 日本 %s %n \u00a0slut`;
    const { org } = await createOrg(m.access, { name, description });
    assert.equal(org.name, name);
    assert.equal(org.description, description);
    const g = await api('GET', `${ORGS}/${org.id}`, { token: m.access });
    assert.equal(g.json.name, name);
    assert.equal(g.json.description, description);
    const row = storedRow(org.id);
    assert.equal(row.name, name, 'stored name');
    assert.equal(row.description, description, 'stored description');
    const me = await api('GET', '/api/v1/me', { token: m.access });
    assert.equal(me.json.organisations[0].name, name);
    // PATCH keeps them verbatim too.
    const d2 = `${description} -- ';'`;
    const p = await patchOrg(org.id, m.access, { description: d2 });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.description, d2);
    assert.equal(storedRow(org.id).description, d2);
  });
});

// ------------------------------------------------------------------------------------------

describe('organisation numbers', () => {
  test('every accepted form is stored and answered as NNNNNN-NNNN', async () => {
    const m = await newSession();
    const forms = [
      (n) => n, // NNNNNN-NNNN
      (n) => digitsOf(n), // NNNNNNNNNN
      (n) => `16${digitsOf(n)}`, // 16NNNNNNNNNN
      (n) => `16${n}`, // 16NNNNNN-NNNN
    ];
    for (const form of forms) {
      const n = validOrgNumber();
      const given = form(n);
      const r = await post(m.access, { name: uniqueName('Nummerform'), kind: 'ideell_forening', org_number: given });
      assert.equal(r.status, 201, `org_number ${given}: ${r.text}`);
      assert.equal(r.json.org_number, n, `org_number ${given} answered as ${r.json.org_number}`);
      assert.equal(r.json.legal_form, 'ideell_forening_eller_stiftelse');
      const g = await api('GET', `${ORGS}/${r.json.id}`, { token: m.access });
      assert.equal(g.json.org_number, n);
      assert.equal(storedRow(r.json.id).org_number, n, `org_number ${given} stored as`);
    }
  });

  test('the design vectors 212000-1355, 212000-0142, 556036-0793 are valid (201, or 409 when already registered); 212000-1356 is not', async () => {
    const m = await newSession();
    const expected = { '212000-1355': 'offentlig', '212000-0142': 'offentlig', '556036-0793': 'aktiebolag' };
    for (const [n, legal] of Object.entries(expected)) {
      for (const given of [n, digitsOf(n)]) {
        const r = await post(m.access, { name: uniqueName('Känt nummer'), kind: 'annan', org_number: given });
        if (r.status === 201) {
          assert.equal(r.json.org_number, n);
          assert.equal(r.json.legal_form, legal);
        } else {
          // The number passed validation and, normalised, is already registered (e.g. by an
          // earlier run on the same database): a valid number, never a 422.
          assertConflict(r, '/org_number', `org_number ${given}`);
        }
      }
    }
    assertValidation(await post(m.access, { name: uniqueName('Fel nummer'), kind: 'annan', org_number: '212000-1356' }), ['/org_number'], '212000-1356');
    assertValidation(await post(m.access, { name: uniqueName('Fel nummer'), kind: 'annan', org_number: '2120001356' }), ['/org_number'], '2120001356');
  });

  test('a bad check digit → 422 /org_number in every form', async () => {
    const m = await newSession();
    const bad = badCheckDigit(validOrgNumber());
    for (const given of [bad, digitsOf(bad), `16${digitsOf(bad)}`, `16${bad}`]) {
      assertValidation(await post(m.access, { name: uniqueName('Luhn'), kind: 'annan', org_number: given }), ['/org_number'], `org_number ${given}`);
    }
  });

  test('a personnummer (third digit 0 or 1, valid Luhn) → 422 in every form', async () => {
    const m = await newSession();
    const pnrs = ['121212-1212', personnummer(), personnummer()];
    for (const p of pnrs) {
      const nine = digitsOf(p).slice(0, 9);
      assert.equal(luhnDigit(nine), p.at(-1), `test data: ${p} has a valid check digit`);
      for (const given of [p, digitsOf(p), `19${p}`, `19${digitsOf(p)}`, `16${p}`, `16${digitsOf(p)}`]) {
        assertValidation(await post(m.access, { name: uniqueName('Personnummer'), kind: 'annan', org_number: given }), ['/org_number'], `personnummer ${given}`);
      }
    }
    assert.equal(psql(`select count(*) from organisation where org_number = '121212-1212'`), '0', 'a personnummer was stored');
  });

  test('a 12-digit form with a prefix other than 16 → 422', async () => {
    const m = await newSession();
    const n = validOrgNumber();
    for (const prefix of ['19', '20', '26', '00', '15', '17']) {
      for (const given of [`${prefix}${digitsOf(n)}`, `${prefix}${n}`]) {
        assertValidation(await post(m.access, { name: uniqueName('Prefix'), kind: 'annan', org_number: given }), ['/org_number'], `org_number ${given}`);
      }
    }
    // The number itself is free: nothing was stored under it.
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '0');
  });

  test('letters, wrong lengths, misplaced dashes and non-strings → 422', async () => {
    const m = await newSession();
    const n = validOrgNumber();
    const d = digitsOf(n);
    const bad = [
      `${n.slice(0, 5)}A-${n.slice(7)}`,
      'abcdef-ghij',
      `${n}x`,
      `${n.slice(0, -1)}`,
      `${d}0`,
      d.slice(0, 9),
      `${d.slice(0, 4)}-${d.slice(4)}`,
      `${n.slice(0, 6)}--${n.slice(7)}`,
      `${n.slice(0, 6)}+${n.slice(7)}`,
      `16${d}0`,
      '',
      '０１２３４５-６７８９',
    ];
    for (const given of bad) {
      assertValidation(await post(m.access, { name: uniqueName('Skräpnummer'), kind: 'annan', org_number: given }), ['/org_number'], `org_number ${JSON.stringify(given)}`);
    }
    assertValidation(await post(m.access, { name: uniqueName('Taltyp'), kind: 'annan', org_number: Number(d) }), ['/org_number'], 'org_number as a JSON number');
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '0');
  });

  test('legal_form follows the first digit, also after a PATCH of the number', async () => {
    const m = await newSession();
    const expected = {
      8: 'ideell_forening_eller_stiftelse',
      7: 'ekonomisk_forening',
      2: 'offentlig',
      5: 'aktiebolag',
      9: 'handelsbolag_kommanditbolag',
    };
    for (const [first, legal] of Object.entries(expected)) {
      const { org } = await createOrg(m.access, { org_number: validOrgNumber({ first: Number(first) }) });
      assert.equal(org.legal_form, legal, `first digit ${first}`);
    }
    const { org, etag } = await createOrg(m.access, { org_number: validOrgNumber({ first: 8 }) });
    const seven = validOrgNumber({ first: 7 });
    const p = await api('PATCH', `${ORGS}/${org.id}`, { token: m.access, body: { org_number: digitsOf(seven) }, headers: { 'if-match': etag } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.org_number, seven);
    assert.equal(p.json.legal_form, 'ekonomisk_forening');
    const p2 = await api('PATCH', `${ORGS}/${org.id}`, { token: m.access, body: { org_number: null }, headers: { 'if-match': p.headers.etag } });
    assert.equal(p2.status, 200, p2.text);
    assert.equal(p2.json.org_number, null);
    assert.equal(p2.json.legal_form, null);
  });
});

// ------------------------------------------------------------------------------------------

describe('duplicate organisation numbers', () => {
  test('a second create with the same number (in any form) → 409 naming /org_number; so is a PATCH onto it', async () => {
    const m = await newSession();
    const other = await newSession();
    const n = validOrgNumber();
    const { org } = await createOrg(m.access, { org_number: n });
    for (const given of [n, digitsOf(n), `16${digitsOf(n)}`]) {
      assertConflict(await post(other.access, { name: uniqueName('Dubblett'), kind: 'annan', org_number: given }), '/org_number', `duplicate ${given}`);
      assertConflict(await post(m.access, { name: uniqueName('Dubblett'), kind: 'annan', org_number: given }), '/org_number', `duplicate ${given} by the same member`);
    }
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '1');
    // PATCH another organisation onto the taken number.
    const { org: o2 } = await createOrg(m.access);
    assertConflict(await patchOrg(o2.id, m.access, { org_number: n }), '/org_number', 'PATCH onto a taken number');
    assert.equal((await getOrgAsAdmin(o2.id)).org.org_number, o2.org_number, 'the refused PATCH changed the number');
    assert.equal((await getOrgAsAdmin(org.id)).org.org_number, n);
  });

  async function sessions(count) {
    const out = [];
    for (let i = 0; i < count; i += 5) {
      out.push(...(await Promise.all(Array.from({ length: Math.min(5, count - i) }, () => newSession()))));
    }
    return out;
  }

  function assertOneWinner(results, n, what) {
    const statuses = results.map((r) => r.status);
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1, `${what}: exactly one 201, got ${JSON.stringify(statuses)}`);
    const conflicts = results.filter((r) => r.status === 409);
    assert.equal(conflicts.length, results.length - 1, `${what}: the others 409, got ${JSON.stringify(statuses)}`);
    for (const c of conflicts) assertConflict(c, '/org_number', what);
    assert.equal(created[0].json.org_number, n);
    assert.equal(psql(`select count(*) from organisation where org_number = ${sqlLit(n)}`), '1', `${what}: rows with the number`);
    return created[0];
  }

  test('twenty members race with the same number: exactly one 201, nineteen 409', async () => {
    const members = await sessions(20);
    const n = validOrgNumber();
    const results = await Promise.all(
      members.map((m, i) => post(m.access, { name: uniqueName(`Kapplöpning ${i}`), kind: 'ideell_forening', org_number: i % 2 ? n : digitsOf(n) })),
    );
    const winner = assertOneWinner(results, n, '20 members');
    // Only the winner became a signatory of anything.
    const winnerIndex = results.indexOf(winner);
    for (const [i, m] of members.entries()) {
      const me = await api('GET', '/api/v1/me', { token: m.access });
      assert.equal(me.json.organisations.length, i === winnerIndex ? 1 : 0, `member ${i}: /me organisations ${me.text}`);
    }
  });

  test('one member sends twenty creates with the same number at once: exactly one 201', async () => {
    const m = await newSession();
    const n = validOrgNumber();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(m.access, { name: uniqueName(`Samtidig ${i}`), kind: 'stiftelse', org_number: n })));
    const winner = assertOneWinner(results, n, '20 creates by one member');
    const me = await api('GET', '/api/v1/me', { token: m.access });
    assert.deepEqual(me.json.organisations.map((o) => o.id), [winner.json.id]);
  });
});

// ------------------------------------------------------------------------------------------

describe('umbrella organisations', () => {
  test('umbrella_id of a verified organisation is accepted and the member is listed under it', async () => {
    const admin = await adminToken();
    const { org: umbrella } = await createOrg(admin, { kind: 'paraplyorganisation', name: uniqueName('Paraplyet') });
    await verifyOrg(umbrella.id);
    const m = await newSession();
    const { org } = await createOrg(m.access, { umbrella_id: umbrella.id });
    assert.equal(org.umbrella_id, umbrella.id);
    const list = await api('GET', `${ORGS}/${umbrella.id}/members`, { token: admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((o) => o.id), [org.id]);
    // PATCH null clears it.
    const p = await patchOrg(org.id, m.access, { umbrella_id: null });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.umbrella_id, null);
    const list2 = await api('GET', `${ORGS}/${umbrella.id}/members`, { token: admin });
    assert.deepEqual(list2.json.items, []);
  });

  test('an umbrella that does not exist, is not a UUID, or that the caller may not see → 422 /umbrella_id', async () => {
    const m = await newSession();
    const stranger = await newSession();
    const { org: hidden } = await createOrg(stranger.access); // pending: invisible to m
    const base = { name: uniqueName('Utan paraply'), kind: 'ideell_forening' };
    assertValidation(await post(m.access, { ...base, umbrella_id: crypto.randomUUID() }), ['/umbrella_id'], 'unknown umbrella');
    assertValidation(await post(m.access, { ...base, umbrella_id: 'inte-ett-uuid' }), ['/umbrella_id'], 'not a uuid');
    assertValidation(await post(m.access, { ...base, umbrella_id: 12 }), ['/umbrella_id'], 'a number');
    assertValidation(await post(m.access, { ...base, umbrella_id: hidden.id }), ['/umbrella_id'], "another member's pending organisation");
    assert.equal(psql(`select count(*) from organisation where name = ${sqlLit(base.name)}`), '0');
    // The stranger, who represents it, may use it.
    const { org } = await createOrg(stranger.access, { umbrella_id: hidden.id });
    assert.equal(org.umbrella_id, hidden.id);
  });

  test('a cycle (two, three, or itself) → 422 /umbrella_id, and nothing changes', async () => {
    const m = await newSession();
    const { org: b } = await createOrg(m.access, { name: uniqueName('Cykel B') });
    const { org: a } = await createOrg(m.access, { name: uniqueName('Cykel A'), umbrella_id: b.id });
    assert.equal(a.umbrella_id, b.id);
    const bEtag = (await getOrgAsAdmin(b.id)).etag;
    assertValidation(await patchOrg(b.id, m.access, { umbrella_id: a.id }), ['/umbrella_id'], 'B under A while A is under B');
    assertValidation(await patchOrg(a.id, m.access, { umbrella_id: a.id }), ['/umbrella_id'], 'A under itself');
    const { org: c } = await createOrg(m.access, { name: uniqueName('Cykel C'), umbrella_id: a.id });
    assertValidation(await patchOrg(b.id, m.access, { umbrella_id: c.id }), ['/umbrella_id'], 'C → A → B → C');
    // The admin gets the same answer.
    assertValidation(await patchOrg(b.id, await adminToken(), { umbrella_id: c.id }), ['/umbrella_id'], 'admin: C → A → B → C');
    const after = await getOrgAsAdmin(b.id);
    assert.equal(after.org.umbrella_id, null);
    assert.equal(after.etag, bEtag, 'a refused PATCH changed the version');
    // Not a cycle: a fresh organisation under C is fine.
    const { org: d } = await createOrg(m.access, { umbrella_id: c.id });
    assert.equal(d.umbrella_id, c.id);
  });
});

// ------------------------------------------------------------------------------------------

describe('PATCH', () => {
  test('If-Match: missing → 428, stale → 412, malformed → 412, * → 200', async () => {
    const m = await newSession();
    const { org, etag } = await createOrg(m.access);
    const url = `${ORGS}/${org.id}`;
    assertProblem(await api('PATCH', url, { token: m.access, body: { description: 'utan' } }), 428);
    assertProblem(await api('PATCH', url, { token: m.access, body: { description: 'gammal' }, headers: { 'if-match': '"999"' } }), 412);
    assertProblem(await api('PATCH', url, { token: m.access, body: { description: 'svag' }, headers: { 'if-match': `W/${etag}` } }), 412);
    const ok = await api('PATCH', url, { token: m.access, body: { description: 'första' }, headers: { 'if-match': etag } });
    assert.equal(ok.status, 200, ok.text);
    // The old ETag is now stale.
    assertProblem(await api('PATCH', url, { token: m.access, body: { description: 'andra' }, headers: { 'if-match': etag } }), 412);
    const star = await api('PATCH', url, { token: m.access, body: { description: 'stjärna' }, headers: { 'if-match': '*' } });
    assert.equal(star.status, 200, star.text);
    assert.equal(star.json.description, 'stjärna');
    const g = await getOrgAsAdmin(org.id);
    assert.equal(g.org.description, 'stjärna');
  });

  test('merge patch: null clears, absent keeps, arrays replace; updated_at and ETag change', async () => {
    const m = await newSession();
    const { org, etag } = await createOrg(m.access, {
      description: 'En beskrivning',
      website: 'https://example.se',
      email: 'info@example.se',
      phone: '031-10 20 30',
      member_count: 40,
      areas: ['kultur', 'idrott'],
      districts: ['lundby'],
    });
    await sleep(1100); // updated_at must visibly move even at one-second precision
    const p = await api('PATCH', `${ORGS}/${org.id}`, {
      token: m.access,
      body: { description: null, areas: ['miljo'], name: `  ${org.name} (ny)  ` },
      headers: { 'if-match': etag },
    });
    assert.equal(p.status, 200, p.text);
    assertOrg(p.json);
    assert.equal(p.json.description, null);
    assert.deepEqual(p.json.areas, ['miljo']);
    assert.equal(p.json.name, `${org.name} (ny)`);
    // Absent fields keep their values.
    for (const k of ['website', 'email', 'phone', 'member_count', 'districts', 'kind', 'org_number', 'status', 'created_at', 'id']) {
      assert.deepEqual(p.json[k], org[k], `${k} changed by a PATCH that did not name it`);
    }
    assert.ok(Date.parse(p.json.updated_at) > Date.parse(org.updated_at), `updated_at ${org.updated_at} → ${p.json.updated_at}`);
    assert.equal(etagNumber(p.headers.etag), etagNumber(etag) + 1, 'the version grows by one');
    const g = await api('GET', `${ORGS}/${org.id}`, { token: m.access });
    assert.deepEqual(g.json, p.json);
    assert.equal(g.headers.etag, p.headers.etag);
    assert.equal(storedRow(org.id).description, null);
  });

  test('invalid or read-only fields → 422 and nothing changes', async () => {
    const m = await newSession();
    const { org, etag } = await createOrg(m.access, { description: 'orörd' });
    const url = `${ORGS}/${org.id}`;
    const patch = (body) => api('PATCH', url, { token: m.access, body, headers: { 'if-match': etag } });
    assertValidation(await patch({ name: ' x ' }), ['/name']);
    assertValidation(await patch({ name: null }), ['/name']);
    assertValidation(await patch({ kind: null }), ['/kind']);
    assertValidation(await patch({ kind: 'bolag' }), ['/kind']);
    assertValidation(await patch({ website: 'javascript:alert(1)' }), ['/website']);
    assertValidation(await patch({ member_count: -1 }), ['/member_count']);
    assertValidation(await patch({ id: crypto.randomUUID() }), ['/id']);
    assertValidation(await patch({ created_at: '2001-01-01T00:00:00Z' }), ['/created_at']);
    assertValidation(await patch({ legal_form: 'aktiebolag' }), ['/legal_form']);
    assertValidation(await patch({ endorsement: null }), ['/endorsement']);
    assertValidation(await patch({ description: 'ny', foo: 1 }), ['/foo']);
    assertValidation(await patch({ description: 'ny', website: 'ftp://x', email: 'nej' }), ['/website', '/email']);
    const g = await getOrgAsAdmin(org.id);
    assert.equal(g.etag, etag, 'a refused PATCH changed the version');
    assert.equal(g.org.description, 'orörd');
    assert.equal(g.org.name, org.name);
  });

  test('PATCH of a non-UUID id or an unknown id → 404; anonymous → 401', async () => {
    const m = await newSession();
    assertProblem(await api('PATCH', `${ORGS}/inte-ett-id`, { token: m.access, body: { description: 'x' }, headers: { 'if-match': '*' } }), 404);
    assertProblem(await api('PATCH', `${ORGS}/${crypto.randomUUID()}`, { token: m.access, body: { description: 'x' }, headers: { 'if-match': '*' } }), 404);
    assertProblem(await api('PATCH', `${ORGS}/${crypto.randomUUID()}`, { token: await adminToken(), body: { description: 'x' }, headers: { 'if-match': '*' } }), 404);
    assertProblem(await api('GET', `${ORGS}/inte-ett-id`), 404);
    assertProblem(await api('GET', `${ORGS}/${crypto.randomUUID()}`, { token: await adminToken() }), 404);
    const { org, etag } = await createOrg(m.access);
    assertUnauthorized(await api('PATCH', `${ORGS}/${org.id}`, { body: { description: 'x' }, headers: { 'if-match': etag } }));
  });
});

// ------------------------------------------------------------------------------------------

describe('audit', () => {
  function orgRows(id, rid) {
    return auditRowsWhere({ entityId: id, requestId: rid, entityType: 'organisation' });
  }

  test('create writes an audit row: entity organisation, before null, after the organisation, the request id', async () => {
    const m = await newSession();
    const rid = newRequestId('org-create');
    const { org, res } = await createOrg(m.access, {}, { headers: { 'x-request-id': rid } });
    assert.equal(res.headers['x-request-id'], rid);
    const rows = orgRows(org.id, rid);
    const snapshots = rows.filter((a) => a.after && a.after.name === org.name);
    assert.equal(snapshots.length, 1, `expected one organisation audit row for the create, found ${JSON.stringify(rows)}`);
    const a = snapshots[0];
    assert.equal(a.before, null);
    assert.equal(a.after.org_number, org.org_number);
    assert.equal(a.after.status, 'pending');
    assert.equal(a.request_id, rid);
    assert.ok(JSON.stringify(a).includes(m.id), 'the audit row does not name the member as the actor');
  });

  test('PATCH writes one audit row with before and after', async () => {
    const m = await newSession();
    const { org, etag } = await createOrg(m.access, { description: 'före' });
    const rid = newRequestId('org-patch');
    const p = await api('PATCH', `${ORGS}/${org.id}`, { token: m.access, body: { description: 'efter' }, headers: { 'if-match': etag, 'x-request-id': rid } });
    assert.equal(p.status, 200, p.text);
    const rows = orgRows(org.id, rid);
    assert.equal(rows.length, 1, `expected one audit row, found ${JSON.stringify(rows)}`);
    assert.equal(rows[0].before.description, 'före');
    assert.equal(rows[0].after.description, 'efter');
    assert.equal(rows[0].entity_id, org.id);
  });

  test('verify and reject each write one audit row; a refused write writes none', async () => {
    const m = await newSession();
    const admin = await adminToken();
    const { org: v } = await createOrg(m.access);
    const rid1 = newRequestId('org-verify');
    const r1 = await api('POST', `${ORGS}/${v.id}/verify`, { token: admin, headers: { 'x-request-id': rid1 } });
    assert.equal(r1.status, 200, r1.text);
    const rows1 = orgRows(v.id, rid1);
    assert.equal(rows1.length, 1, JSON.stringify(rows1));
    assert.equal(rows1[0].before.status, 'pending');
    assert.equal(rows1[0].after.status, 'verified');

    const { org: rj } = await createOrg(m.access);
    const rid2 = newRequestId('org-reject');
    const r2 = await api('POST', `${ORGS}/${rj.id}/reject`, { token: admin, body: { reason: 'Inte en idéburen organisation' }, headers: { 'x-request-id': rid2 } });
    assert.equal(r2.status, 200, r2.text);
    const rows2 = orgRows(rj.id, rid2);
    assert.equal(rows2.length, 1, JSON.stringify(rows2));
    assert.equal(rows2[0].before.status, 'pending');
    assert.equal(rows2[0].after.status, 'rejected');
    assert.equal(rows2[0].after.status_reason, 'Inte en idéburen organisation');

    // Refused: verify again (409), a 422 PATCH, a 412 PATCH.
    const rid3 = newRequestId('org-refused');
    assertProblem(await api('POST', `${ORGS}/${v.id}/verify`, { token: admin, headers: { 'x-request-id': rid3 } }), 409);
    assertValidation(await patchOrg(v.id, m.access, { name: 'x' }, { headers: { 'x-request-id': rid3 } }), ['/name']);
    assertProblem(await api('PATCH', `${ORGS}/${v.id}`, { token: m.access, body: { description: 'x' }, headers: { 'if-match': '"999"', 'x-request-id': rid3 } }), 412);
    assert.deepEqual(auditRowsWhere({ requestId: rid3 }), [], 'a refused write left an audit row');
  });
});
