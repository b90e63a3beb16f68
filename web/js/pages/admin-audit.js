// The audit log (GET /audit): who changed what and when, newest first, with filters
import { api, qs } from '../api.js?v=8157fd9ca674';
import { h, put, field, readForm, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, fmtDateTime } from '../i18n.js?v=8157fd9ca674';

const TYPES = ['organisation', 'endorsement', 'dialogue', 'registration', 'agreement', 'user', 'client', 'representative', 'webhook', 'vocabulary', 'council_seat', 'council_member', 'council_rule'];
const ACTIONS = ['create', 'update', 'delete', 'verify', 'reject', 'status_pending', 'status_verified', 'status_rejected', 'status_inactive', 'register', 'resubmit', 'endorse', 'record_paper', 'withdraw', 'cancel', 'promote', 'attendance', 'adopt', 'supersede', 'retry', 'retire', 'reinstate'];
const PAGES = { organisation: '/organisationer/', dialogue: '/dialoger/', agreement: '/overenskommelsen/', user: '/kansli/anvandare/' };
const word = (group, w) => { const x = t(`audit.${group}.${w}`); return x.startsWith('audit.') ? w : x; };

function brief(v) {
  if (v == null) return '–';
  const s = typeof v === 'string' ? v : JSON.stringify(v, (k, x) => (x === null ? undefined : x)); // empty fields left out
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

// What changed between before and after, field by field
function changes(e) {
  const b = e.before || {};
  const a = e.after || {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]) && k !== 'updated_at');
  if (!keys.length) return '';
  return h('details', {}, h('summary', {}, t('audit.fields', { n: keys.length })),
    h('ul', { class: 'changes' }, keys.map((k) => h('li', {}, word('fieldNames', k), ': ', brief(b[k]), ' → ', brief(a[k])))));
}

export default async function audit(section, ctx) {
  const q = ctx.query;
  const form = h('form', { class: 'search', 'aria-label': t('audit.filters') },
    h('div', { class: 'filters' },
      field({ name: 'entity_type', type: 'select', label: t('audit.entityType'), value: q.get('entity_type') || '', options: [['', t('common.all')], ...TYPES.map((x) => [x, word('types', x)])] }),
      field({ name: 'action', type: 'select', label: t('audit.action'), value: q.get('action') || '', options: [['', t('common.all')], ...ACTIONS.map((x) => [x, word('actions', x)])] }),
      field({ name: 'entity_id', label: t('audit.entityId'), value: q.get('entity_id') || '', hint: t('audit.entityIdHint'), spellcheck: 'false', maxlength: 36 })),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('audit.apply'))));
  const body = h('tbody');
  const slot = h('div');
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  put(section, h('h2', { id: 'sec-h' }, t('admin.audit')), h('p', {}, t('audit.lead')), form, slot,
    h('table', { class: 'table' }, h('thead', {}, h('tr', {}, [t('audit.when'), t('audit.who'), t('audit.action'), t('audit.what'), t('audit.changes')].map((x) => h('th', { scope: 'col' }, x)))), body), more);
  let cursor = null;
  async function load(append) {
    const f = readForm(form);
    if (!append) history.replaceState(null, '', `/kansli/logg${qs(f)}`);
    try {
      const { data } = await api(`/audit${qs({ ...f, limit: 50, cursor: append ? cursor : null })}`);
      slot.replaceChildren(data.items.length || append ? '' : h('p', { class: 'empty' }, t('audit.empty')));
      const rows = data.items.map((e) => h('tr', {},
        h('td', {}, fmtDateTime(e.occurred_at)),
        h('td', {}, e.actor.name || t(`audit.actor.${e.actor.type}`)),
        h('td', {}, word('actions', e.action)),
        h('td', {}, word('types', e.entity_type), ' ',
          e.entity_id && PAGES[e.entity_type] ? h('a', { href: `${PAGES[e.entity_type]}${e.entity_id}`, 'aria-label': t('audit.open', { type: word('types', e.entity_type) }) }, t('audit.show')) : ''),
        h('td', {}, changes(e))));
      append ? put(body, ...rows) : body.replaceChildren(...rows);
      cursor = data.next_cursor;
      more.hidden = !cursor;
      if (append && rows[0]) rows[0].querySelector('td').setAttribute('tabindex', '-1');
      if (append && rows[0]) rows[0].querySelector('td').focus();
    } catch (e) { slot.replaceChildren(problemBox(e)); }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  form.querySelectorAll('select').forEach((s) => s.addEventListener('change', () => load(false)));
  more.addEventListener('click', () => load(true));
  await load(false);
}
