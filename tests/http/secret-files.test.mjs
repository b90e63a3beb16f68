// Files holding secrets are 0600 whatever the umask (finding 9 of the security review):
// `idekom seed-demo` writes the demo admin's password to IDEKOM_DEMO_ADMIN_FILE. It runs
// against a database of its own, so the demo data never mixes with the suite's.

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { requireEnv } from './support.mjs';

const bin = requireEnv('IDEKOM_BIN');
const pgPort = requireEnv('IDEKOM_PG_PORT');
const db = `idekom_secrets_${crypto.randomBytes(4).toString('hex')}`;
const admin = (sql) => execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', pgPort, '-U', 'postgres', '-d', 'postgres', '-c', sql], { encoding: 'utf8' });

describe('secret files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idekom-secret-'));
  after(() => {
    admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('seed-demo writes the demo admin file 0600 under umask 022, also over a 0644 file', () => {
    admin(`CREATE DATABASE ${db} OWNER idekom`);
    const env = { ...process.env, DATABASE_URL: `postgresql://idekom@127.0.0.1:${pgPort}/${db}` };
    execFileSync(bin, ['migrate'], { env, stdio: 'ignore' });
    const file = path.join(dir, 'demo-admin.txt');
    fs.writeFileSync(file, 'old\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const old = process.umask(0o022);
    try {
      execFileSync(bin, ['seed-demo'], { env: { ...env, IDEKOM_DEMO_ADMIN_FILE: file }, stdio: 'ignore' });
    } finally {
      process.umask(old);
    }
    const mode = fs.statSync(file).mode & 0o777;
    assert.equal(mode.toString(8), '600', 'the demo admin file must be readable by its owner only');
    assert.match(fs.readFileSync(file, 'utf8'), /^admin@idekom\.example \S{20,}\n$/);
  });
});
