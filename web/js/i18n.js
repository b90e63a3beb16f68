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
  dict = (await import(`../i18n/${l}.js?v=8157fd9ca674`)).default;
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

// Times are shown in Göteborg's time zone, whatever the device's zone is
export const TZ = 'Europe/Stockholm';
export const fmtNum = (n) => new Intl.NumberFormat(lang).format(n);
export const fmtSek = (n) => new Intl.NumberFormat(lang, { style: 'currency', currency: 'SEK', maximumFractionDigits: 0 }).format(n);
export const fmtDate = (iso) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: TZ }).format(new Date(iso));
export const fmtDateTime = (iso) => new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone: TZ }).format(new Date(iso));
export const fmtTime = (iso) => new Intl.DateTimeFormat(lang, { timeStyle: 'short', timeZone: TZ }).format(new Date(iso));
export const fmtMonth = (y, m) => new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));

// The wall-clock parts of a moment in Göteborg: {year, month, day, hour, minute, weekday(1=Mon)}
export function local(date) {
  const p = {};
  for (const x of new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' }).formatToParts(date)) p[x.type] = x.value;
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour, minute: +p.minute, second: +p.second,
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday) + 1 };
}
const pad = (n) => String(n).padStart(2, '0');
// <input type="datetime-local"> value (Göteborg time) ⇄ RFC 3339 in UTC
export function toLocalInput(iso) {
  if (!iso) return '';
  const l = local(new Date(iso));
  return `${l.year}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}`;
}
export function fromLocalInput(v) {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v || '')) return v || null;
  const guess = new Date(`${v.slice(0, 16)}:00Z`);
  const l = local(guess);
  const offset = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - guess.getTime();
  let at = new Date(guess.getTime() - offset);
  const l2 = local(at); // across a change of summer time the offset of the result decides
  const offset2 = Date.UTC(l2.year, l2.month - 1, l2.day, l2.hour, l2.minute, l2.second) - at.getTime();
  if (offset2 !== offset) at = new Date(guess.getTime() - offset2);
  return at.toISOString().replace('.000Z', 'Z');
}

// A vocabulary entry's label in the chosen language
export const label = (entry) => (entry ? entry[`label_${lang}`] || entry.code : '');

// A field error's text in the chosen language, from its stable code (FieldError.code in the
// API): the API's English message is never shown, so a Swedish page stays Swedish.
export function fieldErrorText(e) {
  const own = e && typeof e.code === 'string' && dict.fieldErrors[`${e.code}:${e.field}`];
  if (own) return own;
  const code = e && typeof e.code === 'string' && Object.hasOwn(dict.fieldErrors, e.code) ? e.code : 'invalid';
  const has = (x) => Number.isInteger(x);
  const variant = has(e.min) && has(e.max) ? 'range' : has(e.max) ? 'max' : has(e.min) ? 'min' : 'plain';
  const v = dict.fieldErrors[code];
  const text = typeof v === 'string' ? v : v[variant] || v.plain;
  return text.replace(/\{(min|max)\}/g, (m, k) => fmtNum(e[k]));
}
