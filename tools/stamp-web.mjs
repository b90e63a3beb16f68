#!/usr/bin/env node
// tools/stamp-web.mjs -- versioned URLs for the front end's modules and style sheet, without a
// build step. Every module import in web/js and web/i18n, and every /js/ and /css/ address in
// web/index.html, carries ?v=<version>, where the version is a hash of the contents of all of
// them (with the stamps themselves left out). After an upgrade a browser that still holds
// index.html of the last release keeps loading the last release's modules, and a new
// index.html loads only new ones: no browser mixes old and new modules, whatever it cached.
//
//   node tools/stamp-web.mjs          rewrite the stamps (run it after changing web/js, web/i18n or web/css)
//   node tools/stamp-web.mjs --check  exit 1 when a stamp is missing or out of date (tests/browser/static.test.mjs)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web');
const STAMP = /\?v=[0-9a-f]{12}/g;
// static imports (from './x.js'), dynamic ones (import(`./pages/${page}.js`)) and the page's
// own references (src="/js/app.js", href="/css/app.css")
const MODULE_REFS = [/(from\s+'\.{1,2}\/[^'?]+\.js)(?:\?v=[0-9a-f]{12})?(')/g, /(import\(`\.{1,2}\/[^`?]+\.js)(?:\?v=[0-9a-f]{12})?(`\))/g];
const PAGE_REFS = [/((?:src|href)="\/(?:js|css)\/[^"?]+\.(?:js|css))(?:\?v=[0-9a-f]{12})?(")/g];

function files(dir, ext) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  }).sort();
}

export function stampWeb({ check = false } = {}) {
  const sources = [...files(path.join(WEB, 'js'), '.js'), ...files(path.join(WEB, 'i18n'), '.js'), ...files(path.join(WEB, 'css'), '.css')];
  const hash = crypto.createHash('sha256');
  for (const f of sources) hash.update(`${path.relative(WEB, f)}\0${fs.readFileSync(f, 'utf8').replace(STAMP, '')}\0`);
  const version = hash.digest('hex').slice(0, 12);
  const stale = [];
  const stamp = (file, patterns) => {
    const before = fs.readFileSync(file, 'utf8');
    const after = patterns.reduce((s, re) => s.replace(re, `$1?v=${version}$2`), before);
    if (after === before) return;
    stale.push(path.relative(WEB, file));
    if (!check) fs.writeFileSync(file, after);
  };
  for (const f of sources) if (f.endsWith('.js')) stamp(f, MODULE_REFS);
  stamp(path.join(WEB, 'index.html'), PAGE_REFS);
  return { version, stale };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const { version, stale } = stampWeb({ check });
  if (check && stale.length) {
    console.error(`stamp-web: out of date (run node tools/stamp-web.mjs): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`stamp-web: version ${version}${stale.length ? `, ${check ? 'stale' : 'stamped'}: ${stale.length} files` : ', all current'}`);
}
