// Static checks of web/: both languages hold the same strings, every key the code asks for
// exists, no HTML is built from strings, nothing inline that the CSP would refuse; and the size
// of the JavaScript shipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './support.mjs';
import { stampWeb } from '../../tools/stamp-web.mjs';

const WEB = path.join(REPO_ROOT, 'web');
const files = (dir, ext) => fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
const sv = (await import(path.join(WEB, 'i18n/sv.js'))).default;
const en = (await import(path.join(WEB, 'i18n/en.js'))).default;

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) && !('other' in v) ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
const lookup = (o, key) => key.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);

test('Swedish and English have the same strings', () => {
  assert.deepEqual(keys(en).sort(), keys(sv).sort());
  for (const k of keys(sv)) assert.equal(typeof lookup(sv, k), typeof lookup(en, k), k);
});

test('every string key used in the code exists in both languages', () => {
  const used = new Set();
  for (const f of files(path.join(WEB, 'js'), '.js')) {
    // every 'section.key' literal, also in t(x ? 'a.b' : 'c.d'), and the prefix of t(`a.b.${x}`)
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/'([a-zA-Z]+)\.([\w.-]+)'|t\(`([\w.]+)\.\$\{/g)) {
      if (m[3]) used.add(m[3]);
      else if (m[1] in sv && !/\.(js|json|ics|csv)$/.test(m[2])) used.add(`${m[1]}.${m[2]}`);
    }
  }
  assert.ok(used.size > 100, `found only ${used.size} keys`);
  const missing = [...used].filter((k) => lookup(sv, k) === undefined || lookup(en, k) === undefined);
  assert.deepEqual(missing, []);
});

test('no HTML from strings and nothing inline that the CSP refuses', () => {
  for (const f of files(path.join(WEB, 'js'), '.js')) {
    const src = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // without comments
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, f);
    assert.doesNotMatch(src, /['"]style['"]\s*:|setAttribute\('style'|\.style\./, `${f} sets inline styles`);
    assert.doesNotMatch(src, /localStorage\.setItem\((?!KEY)/, `${f} stores something other than the language`);
  }
  for (const f of files(WEB, '.html')) {
    const html = fs.readFileSync(f, 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${f} has an inline script`);
    assert.doesNotMatch(html, /\sstyle=|<style|\son\w+=/, `${f} has inline style or handlers`);
  }
});

// What one page costs: the shell, one language and the page with everything it imports
test('every module address carries the release version (node tools/stamp-web.mjs)', () => {
  const { stale } = stampWeb({ check: true });
  assert.deepEqual(stale, [], 'these files need node tools/stamp-web.mjs');
});

test('the JavaScript shipped stays small', () => {
  const js = files(path.join(WEB, 'js'), '.js');
  const bytes = js.reduce((n, f) => n + fs.statSync(f).size, 0);
  const lang = fs.statSync(path.join(WEB, 'i18n/sv.js')).size;
  const closure = (f, seen = new Set()) => {
    if (seen.has(f)) return seen;
    seen.add(f);
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/^import [^;]*? from '(\.[^']+)';/gm)) closure(path.resolve(path.dirname(f), m[1].replace(/\?v=\w+$/, '')), seen);
    return seen;
  };
  const size = (set) => [...set].reduce((n, f) => n + fs.statSync(f).size, 0);
  const shell = closure(path.join(WEB, 'js/app.js'));
  const pages = files(path.join(WEB, 'js/pages'), '.js').map((f) => [path.basename(f), size(closure(f, new Set(shell))) + lang]);
  pages.sort((a, b) => b[1] - a[1]);
  process.stderr.write(`web/js: ${js.length} files, ${bytes} bytes in all; the shell ${size(shell)} bytes, one language ${lang} bytes; ` +
    `the heaviest page (${pages[0][0]}) loads ${pages[0][1]} bytes, the start page ${pages.find((p) => p[0] === 'start.js')[1]}\n`);
  assert.ok(pages[0][1] < 120_000, `${pages[0][0]} loads ${pages[0][1]} bytes`);
});
