// Language: Swedish by default, English by choice; only the choice is remembered.
const KEY = 'idekom.lang';
const LANGS = ['sv', 'en'];
let lang = 'sv';
let dict = {};

function stored() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

export async function initLang(want) {
  const l = LANGS.includes(want) ? want : LANGS.includes(stored()) ? stored() : 'sv';
  dict = (await import(`../i18n/${l}.js`)).default;
  lang = l;
  document.documentElement.lang = l;
  if (want) try { localStorage.setItem(KEY, l); } catch { /* private mode: not remembered */ }
}

export const getLang = () => lang;

function lookup(key) {
  let v = dict;
  for (const k of key.split('.')) v = v == null ? undefined : v[k];
  return v;
}

// t('orgs.count', {n: 3}): plural objects {one, other} are chosen by Intl.PluralRules
export function t(key, params = {}) {
  let v = lookup(key);
  if (v && typeof v === 'object' && !Array.isArray(v) && 'other' in v)
    v = v[new Intl.PluralRules(lang).select(params.n ?? 0)] ?? v.other;
  if (typeof v !== 'string') return v ?? key;
  return v.replace(/\{(\w+)\}/g, (m, k) => (k in params ? (k === 'n' ? fmtNum(params.n) : String(params[k])) : m));
}

export const fmtNum = (n) => new Intl.NumberFormat(lang).format(n);
export const fmtDate = (iso) => new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));

// A vocabulary entry's label in the chosen language
export const label = (entry) => (entry ? entry[`label_${lang}`] || entry.code : '');

// An API field message in the chosen language; null when there is no translation
export function fieldMessage(msg) {
  for (const [re, out] of dict.fieldMessages || []) {
    const m = msg.match(new RegExp(re));
    if (m) return out.replace(/\$(\d)/g, (x, i) => m[i]);
  }
  return lang === 'en' ? msg : null;
}
