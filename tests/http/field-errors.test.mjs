// Stable field-error codes (FieldError.code in openapi/openapi.yaml): every 422 and the
// field-naming 409s carry a code beside the English message, the limits a rule states travel
// as min/max, and the code is the one a client can translate by. Every response is validated
// against the OpenAPI description (support.mjs), so a code outside the enum fails there too.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, adminToken, newSession, createOrg, validOrgNumber, personnummer, isoFromNow, uniqueWord } from './support.mjs';

const DAY = 24 * 3600 * 1000;

/** The error naming `field` in a problem's errors[]. */
function errorOf(res, field) {
  assert.ok(Array.isArray(res.json?.errors), `no errors[]: ${res.status} ${res.text}`);
  const e = res.json.errors.find((x) => x.field === field);
  assert.ok(e, `no error for ${field}: ${res.text}`);
  return e;
}

test('organisation fields: required, too_short, too_long with limits, unknown_value, not_found, invalid_format', async () => {
  const s = await newSession();
  const post = (body) => api('POST', '/api/v1/organisations', { token: s.access, body });

  let r = await post({ org_number: validOrgNumber() });
  assert.equal(r.status, 422);
  assert.equal(errorOf(r, '/name').code, 'required');

  r = await post({ name: 'x'.repeat(201), kind: 'ideell_forening', org_number: validOrgNumber() });
  assert.equal(r.status, 422);
  assert.deepEqual(errorOf(r, '/name'), { field: '/name', code: 'too_long', message: 'must be 2 to 200 characters long', min: 2, max: 200 });

  r = await post({ name: 'x', kind: 'ideell_forening', org_number: validOrgNumber() });
  assert.equal(errorOf(r, '/name').code, 'too_short');
  assert.equal(errorOf(r, '/name').min, 2);

  r = await post({ name: `Förening ${uniqueWord()}`, kind: 'fika', org_number: validOrgNumber() });
  assert.equal(errorOf(r, '/kind').code, 'unknown_value');

  r = await post({ name: `Förening ${uniqueWord()}`, kind: 'ideell_forening', org_number: validOrgNumber(), umbrella_id: '00000000-0000-4000-8000-000000000000' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorOf(r, '/umbrella_id').code, 'not_found');

  r = await post({ name: `Förening ${uniqueWord()}`, kind: 'ideell_forening', org_number: validOrgNumber(), email: 'not-an-address' });
  assert.equal(errorOf(r, '/email').code, 'invalid_format');

  r = await post({ name: `Förening ${uniqueWord()}`, kind: 'ideell_forening', org_number: personnummer() });
  assert.equal(errorOf(r, '/org_number').code, 'personal_identity_number');

  r = await post({ name: `Förening ${uniqueWord()}`, kind: 'ideell_forening', org_number: validOrgNumber(), colour: 'red' });
  assert.equal(errorOf(r, '/colour').code, 'unknown_field');
});

test('a duplicate organisation number is a 409 whose field error is not_unique', async () => {
  const s = await newSession();
  const number = validOrgNumber();
  await createOrg(s.access, { org_number: number });
  const r = await api('POST', '/api/v1/organisations', { token: s.access, body: { name: `Förening ${uniqueWord()}`, kind: 'ideell_forening', org_number: number } });
  assert.equal(r.status, 409, r.text);
  assert.equal(errorOf(r, '/org_number').code, 'not_unique');
});

test('a dialogue ending before it starts is ends_before_start; a bad capacity is out_of_range with limits', async () => {
  const token = await adminToken();
  const starts = isoFromNow(40 * DAY);
  const body = { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: isoFromNow(39 * DAY) };
  let r = await api('POST', '/api/v1/dialogues', { token, body });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorOf(r, '/ends_at').code, 'ends_before_start');

  r = await api('POST', '/api/v1/dialogues', { token, body: { ...body, ends_at: isoFromNow(41 * DAY), capacity: 0 } });
  assert.equal(r.status, 422, r.text);
  const e = errorOf(r, '/capacity');
  assert.equal(e.code, 'out_of_range');
  assert.equal(e.min, 1);
});

test('every field error of a body with many faults has a code from the enum', async () => {
  const s = await newSession();
  const r = await api('POST', '/api/v1/organisations', { token: s.access, body: { name: 5, kind: ['x'], member_count: -1, website: 'ftp://x', districts: 'all' } });
  assert.equal(r.status, 422);
  assert.ok(r.json.errors.length >= 4, r.text);
  for (const e of r.json.errors) assert.match(e.code, /^[a-z_]+$/, JSON.stringify(e));
  assert.equal(errorOf(r, '/name').code, 'wrong_type');
});
