// Organisations: search as you type (300 ms), filters from the code lists, cursor paging
import { api, qs, vocabularies } from '../api.js?v=8157fd9ca674';
import { h, put, field, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, label } from '../i18n.js?v=8157fd9ca674';

const FILTERS = ['kind', 'area', 'district', 'endorsed'];

export function orgItem(o, vocab) {
  const kind = vocab.kinds.find((k) => k.code === o.kind);
  const districts = o.districts.map((d) => label(vocab.districts.find((x) => x.code === d))).join(', ');
  const desc = o.description && o.description.length > 220 ? `${o.description.slice(0, 217)}…` : o.description;
  return h('li', { class: 'org-item' },
    h('h3', {}, h('a', { href: `/organisationer/${o.id}` }, o.name)),
    h('p', { class: 'meta' }, [label(kind), districts].filter(Boolean).join(' · ')),
    o.status !== 'verified' ? h('p', {}, h('span', { class: `badge badge-${o.status}` }, t(`status.${o.status}`))) : null,
    o.endorsement ? h('p', {}, h('span', { class: 'badge badge-verified' }, t('orgs.endorsedBadge'))) : null,
    desc ? h('p', { class: 'desc' }, desc) : null);
}

export default async function organisations(view, ctx) {
  ctx.title(t('orgs.title'));
  const vocab = await vocabularies();
  const q0 = ctx.query;
  const opts = (list) => [['', t('common.all')], ...list.map((e) => [e.code, label(e)])];
  // on a phone the results are below a screenful of filters: the count shows next to them too
  const near = h('p', { class: 'count count-near' });
  const form = h('form', { class: 'search', role: 'search', 'aria-label': t('orgs.title') },
    field({ name: 'q', type: 'search', label: t('orgs.search'), value: q0.get('q') || '', maxlength: 200 }),
    h('div', { class: 'filters' },
      field({ name: 'kind', type: 'select', label: t('orgs.kind'), options: opts(vocab.kinds), value: q0.get('kind') || '' }),
      field({ name: 'area', type: 'select', label: t('orgs.area'), options: opts(vocab.areas), value: q0.get('area') || '' }),
      field({ name: 'district', type: 'select', label: t('orgs.district'), options: opts(vocab.districts), value: q0.get('district') || '' }),
      field({ name: 'endorsed', type: 'select', label: t('orgs.endorsed'), value: q0.get('endorsed') || '',
        options: [['', t('common.all')], ['true', t('orgs.endorsedYes')], ['false', t('orgs.endorsedNo')]] })),
    h('p', {}, h('button', { type: 'reset', class: 'button button-secondary' }, t('orgs.clear'))), near);
  const status = h('p', { class: 'count', role: 'status' });
  const list = h('ul', { class: 'org-list' });
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  const errors = h('div');
  put(view, 
    h('h1', {}, t('orgs.title')), h('p', { class: 'lead' }, t('orgs.lead')),
    form,
    h('section', { 'aria-labelledby': 'res-h', class: 'results' }, h('h2', { id: 'res-h', tabindex: '-1' }, t('orgs.results')), status, errors, list, more));

  let cursor = null;
  let shown = 0;
  let ctrl = null;
  let timer = null;

  const params = () => {
    const p = { q: form.elements.q.value.trim() };
    FILTERS.forEach((f) => { p[f] = form.elements[f].value; });
    return p;
  };

  async function load(append) {
    if (!ctx.live()) return; // a late timer after the person has moved on
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const p = params();
    if (!append) history.replaceState(null, '', `/organisationer${qs(p)}`);
    try {
      const { data } = await api(`/organisations${qs({ ...p, limit: 20, cursor: append ? cursor : null })}`, { signal: ctrl.signal });
      errors.replaceChildren();
      const items = data.items.map((o) => orgItem(o, vocab));
      if (!append) { list.replaceChildren(); shown = 0; }
      put(list, ...items);
      shown += items.length;
      cursor = data.next_cursor;
      more.hidden = !cursor;
      status.textContent = shown === 0 ? t('orgs.empty') : t(cursor ? 'orgs.countMore' : 'orgs.count', { n: shown });
      near.replaceChildren(status.textContent, ' ', h('a', { href: '#res-h' }, t('orgs.toResults')));
      if (append && items[0]) items[0].querySelector('a').focus();
    } catch (e) {
      if (e.name === 'AbortError') return;
      errors.replaceChildren(problemBox(e));
    }
  }

  form.elements.q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(false), 300);
  });
  // after a filter changes, the count next to the filters comes into view (on a phone)
  const showNear = () => { if (near.offsetParent) near.scrollIntoView({ block: 'nearest' }); };
  FILTERS.forEach((f) => form.elements[f].addEventListener('change', () => load(false).then(showNear)));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); clearTimeout(timer); load(false); });
  form.addEventListener('reset', () => setTimeout(() => load(false)));
  more.addEventListener('click', () => load(true));
  await load(false);
}
