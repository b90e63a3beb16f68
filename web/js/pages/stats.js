// Statistics (GET /stats): figures and accessible SVG charts, each with its data as a table
import { api, vocabularies } from '../api.js?v=8157fd9ca674';
import { put, h } from '../dom.js?v=8157fd9ca674';
import { t, label, fmtNum, getLang } from '../i18n.js?v=8157fd9ca674';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, v);
  for (const k of kids.flat()) if (k != null) put(el, k instanceof Node ? k : String(k));
  return el;
}

// A figure: the SVG (role img, named by its title, described by a summary) and a data table
function chart(id, title, rows, svgBody, height, width) {
  const max = rows.reduce((m, r) => (r[1] > m[1] ? r : m), rows[0] || ['', 0]);
  const desc = rows.length ? t('stats.desc', { n: rows.length, max: max[0], value: fmtNum(max[1]), total: fmtNum(rows.reduce((n, r) => n + r[1], 0)) }) : t('stats.noData');
  return h('figure', { class: 'chart', 'aria-labelledby': `${id}-cap` },
    h('figcaption', { id: `${id}-cap` }, title),
    s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, class: 'chart-svg', preserveAspectRatio: 'xMinYMin meet' },
      s('title', { id: `${id}-t` }, title), s('desc', { id: `${id}-d` }, desc), svgBody),
    h('details', {}, h('summary', {}, t('stats.asTable')),
      h('table', { class: 'table' }, h('caption', { class: 'sr-only' }, title),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('stats.category')), h('th', { scope: 'col' }, t('stats.count')))),
        h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, fmtNum(v))))))));
}

// Horizontal bars, the label above each bar: readable on a narrow phone
function bars(id, title, rows) {
  const W = 320;
  const row = 46;
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const g = rows.map(([k, v], i) => {
    const y = i * row;
    const w = Math.max(v ? 2 : 0, Math.round((v / max) * (W - 48)));
    return s('g', {}, s('text', { x: 0, y: y + 15, class: 'chart-label' }, k),
      s('rect', { x: 0, y: y + 21, width: w, height: 18, class: 'bar' }),
      s('text', { x: w + 6, y: y + 35, class: 'chart-value' }, fmtNum(v)));
  });
  return chart(id, title, rows, g, Math.max(row, rows.length * row), W);
}

// Vertical bars over time (per month, or per year when the series is long)
function columns(id, title, rows) {
  const W = 640;
  const H = 240;
  const base = H - 30;
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const step = W / Math.max(1, rows.length);
  const bw = Math.max(2, step * 0.7);
  const every = Math.ceil(rows.length / 8);
  const g = [s('line', { x1: 0, y1: base + 0.5, x2: W, y2: base + 0.5, class: 'axis' })];
  rows.forEach(([k, v], i) => {
    const hgt = Math.round((v / max) * (base - 24));
    const x = i * step + (step - bw) / 2;
    g.push(s('rect', { x, y: base - hgt, width: bw, height: hgt, class: 'bar' }));
    if (v && rows.length <= 24) g.push(s('text', { x: x + bw / 2, y: base - hgt - 6, class: 'chart-value', 'text-anchor': 'middle' }, fmtNum(v)));
    if (i % every === 0) g.push(s('text', { x: x + bw / 2, y: H - 8, class: 'chart-label', 'text-anchor': 'middle' }, k));
  });
  return chart(id, title, rows, g, H, W);
}

// by_month lists months with endorsements; fill the gaps with zeros, or count per year
function timeline(byMonth) {
  if (!byMonth.length) return [];
  const idx = (m) => { const [y, mo] = m.split('-').map(Number); return y * 12 + mo - 1; };
  const counts = new Map(byMonth.map((x) => [idx(x.month), x.count]));
  const first = idx(byMonth[0].month);
  const last = idx(byMonth[byMonth.length - 1].month);
  const fmt = new Intl.DateTimeFormat(getLang(), { month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (last - first < 36) {
    const out = [];
    for (let i = first; i <= last; i++) out.push([fmt.format(Date.UTC(Math.floor(i / 12), i % 12, 1)), counts.get(i) || 0]);
    return out;
  }
  const years = new Map();
  for (let i = first; i <= last; i++) years.set(Math.floor(i / 12), (years.get(Math.floor(i / 12)) || 0) + (counts.get(i) || 0));
  return [...years].map(([y, n]) => [String(y), n]);
}

export default async function stats(view, ctx) {
  ctx.title(t('stats.title'));
  const [{ data }, vocab] = await Promise.all([api('/stats'), vocabularies()]);
  const coded = (obj, list) => list.map((e) => [label(e), obj[e.code] || 0]);
  const fig = (n, key) => h('li', {}, h('span', { class: 'figure' }, fmtNum(n)), ' ', h('span', {}, t(key, { n })));
  put(view, 
    h('h1', {}, t('stats.title')), h('p', { class: 'lead' }, t('stats.lead')),
    h('ul', { class: 'figures' },
      fig(data.organisations.total, 'start.verified'),
      fig(data.endorsements.active, 'start.endorsing'),
      fig(data.dialogues.upcoming, 'start.upcoming'),
      fig(data.dialogues.held, 'stats.held'),
      fig(data.dialogues.participating_organisations, 'stats.participating')),
    // the endorsement figure and chart count the same thing: active endorsements of the current agreement
    data.endorsements.agreement_id ? null : h('p', { class: 'hint' }, t('stats.noAgreement')),
    h('div', { class: 'charts' },
      columns('c-month', t('stats.perMonth'), timeline(data.endorsements.by_month)),
      bars('c-district', t('stats.byDistrict'), coded(data.organisations.by_district, vocab.districts)),
      bars('c-kind', t('stats.byKind'), coded(data.organisations.by_kind, vocab.kinds))),
    h('p', { class: 'hint' }, t('stats.source')));
}
