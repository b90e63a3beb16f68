// change-types.test.mjs -- the types of the change feed (organisation, endorsement, ...)
// are listed in several places, each for its own reader: the CHECK constraints of the migrated
// database (change_event.type and webhook.types), the C table that validates `types` in
// service/src/handlers/integration.c, the OpenAPI description (the ChangeType enum, the
// ChangeEvent oneOf and its discriminator mapping), the test suite's CHANGE_TYPES and the
// TypeScript client's exhaustive switch. A type added in one place and forgotten in another
// fails here: a webhook that cannot subscribe to it, an event a generated client cannot
// parse, or a 500 from a constraint.
//
// The reference is the database the suite has just migrated (DATABASE_URL): the newest
// migration's constraint, whatever earlier migrations said.
//
// Run by tests/run.sh after migrating: node --test tests/consistency/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const sorted = (xs) => [...xs].sort();

/** The quoted words of a constraint's definition, as PostgreSQL prints it. */
function constraintTypes(table, name) {
  const url = process.env.DATABASE_URL;
  assert.ok(url, 'DATABASE_URL (a migrated database) is needed');
  const def = execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', url, '-c',
    `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '${table}'::regclass AND conname = '${name}'`],
  { encoding: 'utf8' }).trim();
  assert.ok(def, `the migrated database has no constraint ${name} on ${table}`);
  return sorted(new Set([...def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1])));
}

const reference = constraintTypes('change_event', 'change_event_type_check');

test('the change feed has the types its constraint allows', () => {
  assert.ok(reference.length >= 10, `only ${reference.length} types parsed: ${reference}`);
});

test('a webhook can subscribe to exactly the types the feed has', () => {
  assert.deepEqual(constraintTypes('webhook', 'webhook_types_check'), reference);
});

test('the service validates `types` against the same list', () => {
  const m = /event_types\[\]\s*=\s*\{([^}]*)\}/.exec(read('service/src/handlers/integration.c'));
  assert.ok(m, 'no event_types[] table in service/src/handlers/integration.c');
  assert.deepEqual(sorted([...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1])), reference);
});

test('the OpenAPI description has one enum value, one shape and one mapping per type', () => {
  const schemas = YAML.parse(read('openapi/openapi.yaml')).components.schemas;
  assert.deepEqual(sorted(schemas.ChangeType.enum), reference, 'ChangeType.enum');
  const mapping = schemas.ChangeEvent.discriminator.mapping;
  assert.deepEqual(sorted(Object.keys(mapping)), reference, 'ChangeEvent.discriminator.mapping');
  assert.equal(schemas.ChangeEvent.oneOf.length, reference.length, 'ChangeEvent.oneOf: one shape per type');
  for (const [type, ref] of Object.entries(mapping)) {
    assert.ok(schemas.ChangeEvent.oneOf.some((s) => s.$ref === ref), `${type}: ${ref} is not in ChangeEvent.oneOf`);
    const shape = schemas[ref.split('/').at(-1)];
    assert.ok(shape, `${type}: ${ref} does not exist`);
    assert.deepEqual(shape.properties.type.enum ?? [shape.properties.type.const], [type], `${ref}: its type`);
  }
});

test('the test suite and the typed client know every type', () => {
  const m = /CHANGE_TYPES\s*=\s*Object\.freeze\(\[([^\]]*)\]\)/.exec(read('tests/http/support.mjs'));
  assert.ok(m, 'no CHANGE_TYPES in tests/http/support.mjs');
  assert.deepEqual(sorted([...m[1].matchAll(/'([a-z_]+)'/g)].map((x) => x[1])), reference, 'tests/http/support.mjs');
  const cases = [...read('tests/client-ts/calls.ts').matchAll(/case "([a-z_]+)":/g)].map((x) => x[1]);
  assert.deepEqual(sorted(new Set(cases)), reference, 'tests/client-ts/calls.ts: the switch on the event type');
});
