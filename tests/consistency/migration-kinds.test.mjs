// migration-kinds.test.mjs -- every migration declares, on its first line, what it does to
// replicas that do not know it yet: `-- migration: additive` (they keep working and stay
// ready) or `-- migration: breaking` (`idekom migrate` refuses it while such replicas are
// connected, unless --force). docs/operations.md, "Rolling upgrades". A file without the
// line fails here (and `idekom migrate` refuses to start). The database the suite has just
// migrated (DATABASE_URL) must have recorded each file's kind in schema_migration.
//
// Run by tests/run.sh after migrating: node --test tests/consistency/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIGRATIONS = path.join(ROOT, 'db', 'migrations');
const FILES = fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort();
const MARKER = /^-- migration: (additive|breaking)\r?\n/;

test('every migration starts with -- migration: additive or -- migration: breaking', () => {
  assert.ok(FILES.length > 0, 'no migrations found');
  const unmarked = FILES.filter((f) => !MARKER.test(fs.readFileSync(path.join(MIGRATIONS, f), 'utf8')));
  assert.deepEqual(unmarked, [], `first line must be "-- migration: additive" or "-- migration: breaking" in: ${unmarked.join(', ')}`);
});

test('the migrated database recorded each migration with the kind its file declares', () => {
  const url = process.env.DATABASE_URL;
  assert.ok(url, 'DATABASE_URL (a database migrated by idekom migrate) is required');
  const rows = execFileSync('psql', [url, '-qAt', '-F', ' ', '-v', 'ON_ERROR_STOP=1', '-c',
    'SELECT version, coalesce(kind, \'(none)\') FROM schema_migration ORDER BY version'], { encoding: 'utf8' })
    .trim().split('\n').filter(Boolean);
  const recorded = Object.fromEntries(rows.map((r) => r.split(' ')));
  for (const f of FILES) {
    const name = f.slice(0, -'.sql'.length);
    const kind = MARKER.exec(fs.readFileSync(path.join(MIGRATIONS, f), 'utf8'))?.[1];
    assert.equal(recorded[name], kind, `${name}: schema_migration.kind`);
  }
});
