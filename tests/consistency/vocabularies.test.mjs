// vocabularies.test.mjs -- the vocabularies (organisation kinds, interest areas, districts,
// dialogue kinds) and the constraint names the service maps to fields, checked across the
// places that each hold a copy: the `vocabulary` rows and CHECK lists in db/migrations, the
// C tables in service/src, and the enums of openapi/openapi.yaml. A code added in one place
// and forgotten in another fails here, not in production as a 500 or a refused value.
//
// The reference is the migrations' `INSERT INTO vocabulary` rows (their order is `position`).
// Organisation kinds, interest areas and districts are only seeded there: the secretariat edits
// them (POST/PATCH /api/v1/vocabularies/{vocabulary}/codes, migration 0016), so no other place
// may hold a copy of them (an enum would refuse the secretariat's new codes). Dialogue kinds
// stay fixed, and a list elsewhere that shares two or more codes with them must hold exactly
// their codes. The constraint names are checked against the database the suite
// has just migrated (DATABASE_URL; constraints, indexes, and names raised by functions).
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
const MIGRATIONS = path.join(ROOT, 'db', 'migrations');
const SQL = fs
  .readdirSync(MIGRATIONS)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => fs.readFileSync(path.join(MIGRATIONS, f), 'utf8'))
  .join('\n');

function cFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...cFiles(p));
    else if (e.name.endsWith('.c')) out.push(p);
  }
  return out;
}
const C_SOURCES = cFiles(path.join(ROOT, 'service', 'src')).map((file) => ({ file: path.relative(ROOT, file), text: fs.readFileSync(file, 'utf8') }));
const OPENAPI = YAML.parse(fs.readFileSync(path.join(ROOT, 'openapi', 'openapi.yaml'), 'utf8'));

// the OpenAPI schema that names each vocabulary
const SCHEMA_OF = { kind: 'OrganisationKind', area: 'Area', district: 'District', dialogue_kind: 'DialogueKind' };
// the vocabularies the secretariat edits: seeded by the migrations, copied nowhere
const EDITABLE = ['kind', 'area', 'district'];

/** vocabulary name -> codes in position order, from the migrations' INSERT rows. */
function vocabularies() {
  // outside function bodies (the secretariat's edits run in functions, at run time)
  const topLevel = SQL.replace(/\$\$[\s\S]*?\$\$/g, '');
  assert.ok(!/\b(DELETE\s+FROM|UPDATE)\s+vocabulary\b/i.test(topLevel), 'a migration deletes or updates vocabulary rows: teach this test to follow it');
  const rows = [...SQL.matchAll(/\(\s*'(kind|area|district|dialogue_kind)'\s*,\s*'([a-z0-9_]+)'\s*,\s*'[^']*'\s*,\s*'[^']*'\s*,\s*(\d+)\s*\)/g)];
  const vocab = {};
  for (const [, name, code, pos] of rows) (vocab[name] ||= []).push([Number(pos), code]);
  for (const name of Object.keys(vocab)) vocab[name] = vocab[name].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  return vocab;
}
const VOCAB = vocabularies();

/** The vocabulary a list copies (two or more codes in common), or null. */
function copyOf(list) {
  for (const [name, codes] of Object.entries(VOCAB)) {
    if (list.filter((v) => codes.includes(v)).length >= 2) return name;
  }
  return null;
}

function sameSet(a, b) {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

test('the migrations define the four vocabularies', () => {
  assert.deepEqual(Object.keys(VOCAB).sort(), ['area', 'dialogue_kind', 'district', 'kind']);
  for (const [name, codes] of Object.entries(VOCAB)) {
    assert.ok(codes.length >= 2, `${name}: ${codes.length} codes`);
    assert.equal(new Set(codes).size, codes.length, `${name}: a code twice`);
  }
});

test('CHECK lists in the migrations that copy a vocabulary hold exactly its codes', () => {
  let copies = 0;
  for (const m of SQL.matchAll(/\bIN\s*\(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\)/gi)) {
    const list = [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
    const name = copyOf(list);
    if (!name) continue;
    copies++;
    assert.ok(!EDITABLE.includes(name), `a CHECK list copies ${name}, which the secretariat edits: (${list.join(', ')})`);
    assert.ok(sameSet(list, VOCAB[name]), `a CHECK list copies ${name} but differs: (${list.join(', ')}) vs (${VOCAB[name].join(', ')})`);
  }
  assert.ok(copies >= 1, 'no CHECK list copies a vocabulary (dialogue.kind has one): is the parse broken?');
});

test('C tables that copy a vocabulary hold exactly its codes', () => {
  const found = {};
  for (const { file, text } of C_SOURCES) {
    for (const m of text.matchAll(/static\s+const\s+char\s*\*\s*const\s+(\w+)\[\]\s*=\s*\{([^}]*)\}/g)) {
      const list = [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
      const name = copyOf(list);
      if (!name) continue;
      (found[name] ||= []).push(`${file}:${m[1]}`);
      assert.ok(!EDITABLE.includes(name), `${file}: ${m[1]}[] copies ${name}, which the secretariat edits: read it from the vocabulary table instead`);
      assert.ok(sameSet(list, VOCAB[name]), `${file}: ${m[1]}[] copies ${name} but differs: {${list.join(', ')}} vs {${VOCAB[name].join(', ')}}`);
    }
  }
  assert.ok(found.dialogue_kind?.length >= 1, 'no C table of dialogue kinds found (domain/dialogue.c validates them): is the parse broken?');
});

test('OpenAPI: dialogue kinds are an enum in order; the editable vocabularies are a code pattern, never an enum', () => {
  const schemas = OPENAPI.components?.schemas || {};
  for (const [name, schema] of Object.entries(SCHEMA_OF)) {
    if (EDITABLE.includes(name)) {
      assert.equal(schemas[schema]?.enum, undefined, `components.schemas.${schema} has an enum, but the secretariat edits ${name}`);
      const re = new RegExp(schemas[schema]?.pattern);
      for (const code of VOCAB[name]) assert.match(code, re, `${schema}.pattern refuses the seeded code ${code}`);
    } else {
      assert.deepEqual(schemas[schema]?.enum, VOCAB[name], `components.schemas.${schema}.enum differs from the vocabulary ${name} (order = position)`);
    }
  }
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node.enum)) {
      const name = copyOf(node.enum.map(String));
      assert.ok(!EDITABLE.includes(name), `${where}.enum copies ${name}, which the secretariat edits`);
      if (name) assert.ok(sameSet(node.enum.map(String), VOCAB[name]), `${where}.enum copies ${name} but differs: [${node.enum.join(', ')}]`);
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
  };
  walk(OPENAPI, '#');
});

test('every constraint name the service maps to a field exists in the migrated database', () => {
  const common = C_SOURCES.find((s) => s.file.endsWith(path.join('handlers', 'common.c')));
  assert.ok(common, 'service/src/handlers/common.c is missing');
  const table = /constraint_fields\[\]\s*=\s*\{([\s\S]*?)\n\};/.exec(common.text);
  assert.ok(table, 'no constraint_fields[] table in handlers/common.c');
  const names = [...table[1].matchAll(/\{\s*"([a-z0-9_]+)"\s*,/g)].map((m) => m[1]);
  assert.ok(names.length >= 10, `only ${names.length} constraint names parsed`);

  const url = process.env.DATABASE_URL;
  assert.ok(url, 'DATABASE_URL (a migrated database) is needed');
  const known = new Set(
    execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', url, '-c',
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
       UNION SELECT indexname FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
       UNION SELECT m[1] FROM pg_proc p, regexp_matches(p.prosrc, 'CONSTRAINT\\s*=\\s*''([a-z0-9_]+)''', 'g') m`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean),
  );
  const missing = names.filter((n) => !known.has(n));
  assert.deepEqual(missing, [], `handlers/common.c maps constraints the migrated database does not have: ${missing.join(', ')}`);
});
