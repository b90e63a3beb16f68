// audit-labels.test.mjs -- the secretariat's audit log shows words, not codes: every action
// the migrations write to the audit log (audit_write calls, and the organisation's
// 'status_' || status actions) and every field of the resources it records (their OpenAPI
// schemas) has a label in web/i18n/sv.js and en.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SQL = fs.readdirSync(path.join(ROOT, 'db', 'migrations')).filter((f) => f.endsWith('.sql')).sort()
  .map((f) => fs.readFileSync(path.join(ROOT, 'db', 'migrations', f), 'utf8')).join('\n');
const C = fs.readFileSync(path.join(ROOT, 'service', 'src', 'main.c'), 'utf8');
const OPENAPI = YAML.parse(fs.readFileSync(path.join(ROOT, 'openapi', 'openapi.yaml'), 'utf8'));

function actions() {
  const out = new Set();
  for (const m of (SQL + C).matchAll(/audit_write\((?!\))[^;]*?'([a-z_]+)'\s*,\s*'([a-z_]+)'/g)) out.add(m[1]);
  // organisation_update writes 'status_' || new.status when the status changes
  if (/'status_' \|\| new\.status/.test(SQL)) {
    for (const s of OPENAPI.components.schemas.Organisation.properties.status.enum ?? ['pending', 'verified', 'rejected', 'inactive']) out.add(`status_${s}`);
  }
  // organisation_decide passes its p_action through: the verify and reject routes
  assert.match(SQL, /organisation_decide\(p_id uuid, p_action text/);
  out.add('verify').add('reject');
  return out;
}

function recordedFields() {
  const S = OPENAPI.components.schemas;
  const out = new Set();
  for (const name of ['Organisation', 'Dialogue', 'Registration', 'Agreement', 'Endorsement', 'User', 'Client', 'Representative', 'Webhook']) {
    for (const k of Object.keys(S[name]?.properties ?? {})) out.add(k);
  }
  return out;
}

for (const lang of ['sv', 'en']) {
  test(`${lang}: every audit action and recorded field has a label`, async () => {
    const dict = (await import(pathToFileURL(path.join(ROOT, 'web', 'i18n', `${lang}.js`)).href)).default;
    const acts = actions();
    assert.ok(acts.size >= 15, `only ${acts.size} actions found: ${[...acts]}`);
    for (const a of acts) assert.equal(typeof dict.audit.actions[a], 'string', `${lang}: audit.actions.${a}`);
    for (const f of recordedFields()) assert.equal(typeof dict.audit.fieldNames[f], 'string', `${lang}: audit.fieldNames.${f}`);
  });
}
