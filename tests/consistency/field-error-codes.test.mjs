// field-error-codes.test.mjs -- the stable codes of field errors, across the places that hold
// them: the C list (service/src/http/problem_code.c), the enum FieldErrorCode in
// openapi/openapi.yaml, and the front end's catalogues (web/i18n/sv.js and en.js). A code the
// service can send without a Swedish text would put English on a Swedish page: it fails here.
// And the front end must translate field errors by code: no page script may render a
// problem's `detail` or a field error's `message` (the API's English).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OPENAPI = YAML.parse(fs.readFileSync(path.join(ROOT, 'openapi', 'openapi.yaml'), 'utf8'));
const C = fs.readFileSync(path.join(ROOT, 'service', 'src', 'http', 'problem_code.c'), 'utf8');

function cCodes() {
  const m = C.match(/const char \*const problem_codes\[\] = \{([\s\S]*?)\};/);
  assert.ok(m, 'problem_codes[] not found in problem_code.c');
  return [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
}

/** Codes that problem_code.c returns (every `return "…"` and every table row's code). */
function cCodesUsed() {
  const used = new Set([...C.matchAll(/return "([a-z_]+)";/g)].map((x) => x[1]));
  for (const x of C.matchAll(/\{"[^"]*", "([a-z_]+)"\}/g)) used.add(x[1]);
  for (const file of walk(path.join(ROOT, 'service', 'src')).filter((f) => !f.endsWith(path.join('http', 'problem.c')))) {
    for (const x of fs.readFileSync(file, 'utf8').matchAll(/problem_add_error_coded\([^;]*?"([a-z_]+)"/g)) used.add(x[1]);
    for (const x of fs.readFileSync(file, 'utf8').matchAll(/\? "(too_[a-z_]+)"\s*:\s*"(too_[a-z_]+)"/g)) { used.add(x[1]); used.add(x[2]); }
  }
  return used;
}

function walk(dir, ext = '.c') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

test('the C list of codes is the OpenAPI enum, in the same order', () => {
  assert.deepEqual(cCodes(), OPENAPI.components.schemas.FieldErrorCode.enum);
});

test('every code the C code can produce is in the list', () => {
  const list = new Set(cCodes());
  for (const code of cCodesUsed()) assert.ok(list.has(code), `${code} is produced but not listed`);
});

for (const lang of ['sv', 'en']) {
  test(`web/i18n/${lang}.js has a text for every code, and for every limit variant`, async () => {
    const dict = (await import(pathToFileURL(path.join(ROOT, 'web', 'i18n', `${lang}.js`)).href)).default;
    for (const code of cCodes()) {
      const v = dict.fieldErrors[code];
      assert.ok(typeof v === 'string' || (v && typeof v.plain === 'string'), `${lang}: no text for ${code}`);
      if (typeof v === 'object') {
        for (const [variant, text] of Object.entries(v)) {
          for (const p of text.match(/\{(\w+)\}/g) || []) {
            const wants = { min: ['min', 'range'], max: ['max', 'range'] }[p.slice(1, -1)];
            assert.ok(wants && wants.includes(variant), `${lang}: ${code}.${variant} uses ${p}, which that variant does not have`);
          }
        }
      }
    }
    for (const key of Object.keys(dict.fieldErrors)) {
      const code = key.split(':')[0];
      assert.ok(cCodes().includes(code), `${lang}: fieldErrors.${key} is not a code`);
    }
  });
}

test('no page script renders a problem detail or a field error message', () => {
  for (const file of walk(path.join(ROOT, 'web', 'js'), '.js')) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file);
    // api.js keeps them on the ApiError (for the console and Error.message); nothing shows them
    const body = rel === path.join('web', 'js', 'api.js') ? text.replace(/class ApiError[\s\S]*?\n\}\n/, '') : text;
    assert.doesNotMatch(body, /\.detail\b/, `${rel} reads .detail`);
    assert.doesNotMatch(body, /\be(rr)?\.message\b/, `${rel} reads an error's .message`);
  }
});
