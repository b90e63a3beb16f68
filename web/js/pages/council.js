// The council (rådet): its seats and members today, or on any earlier or later date, read
// from the kept terms. Names and roles only: they are public by office. The secretariat ends
// a member's term here (the last day; the member stays in the council's history).
import { api, qs, session } from '../api.js?v=8157fd9ca674';
import { h, put, field, showErrors, onSubmit, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, fmtDate } from '../i18n.js?v=8157fd9ca674';

const CATEGORIES = ['politician', 'official', 'organisation'];

// The secretariat's "end the term": a date (the last day in the council) and PATCH {to}
function endTerm(m, again) {
  const labels = { to: t('council.endTo') };
  const form = h('form', { class: 'form', novalidate: true, hidden: true, 'aria-label': t('council.endFor', { name: m.name }) },
    field({ name: 'to', id: `to-${m.id}`, type: 'date', label: labels.to, required: true, hint: t('council.endHint'), min: m.from, value: m.to || '' }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('council.end'))));
  const to = form.elements.to;
  onSubmit(form, async () => {
    if (to.validity.badInput || !to.value) return showErrors(form, [{ field: '/to', code: to.value ? 'invalid_format' : 'required' }], labels);
    try {
      await api(`/council/seats/${m.seat_id}/members/${m.id}`, { method: 'PATCH', body: { to: to.value } });
      again(t('council.ended', { name: m.name, date: fmtDate(`${to.value}T12:00:00Z`) }));
    } catch (e) { showErrors(form, e.errors || [], labels, e); }
  });
  const open = h('button', { type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-label': t('council.endFor', { name: m.name }) }, t('council.end'));
  open.addEventListener('click', () => { form.hidden = false; open.setAttribute('aria-expanded', 'true'); to.focus(); });
  return [h('br'), open, form];
}

function member(m, again) {
  const who = m.party ? `${m.name} (${m.party})` : m.organisation ? `${m.name}, ${m.organisation.name}` : m.name;
  const term = m.to ? t('council.term', { from: fmtDate(m.from), to: fmtDate(m.to) }) : t('council.termOpen', { from: fmtDate(m.from) });
  return h('li', {}, h('strong', {}, who), ' – ', t(`council.role.${m.role}`), h('br'), h('span', { class: 'meta' }, term),
    again ? endTerm(m, again) : null);
}

export default async function council(view, ctx) {
  ctx.title(t('council.title'));
  const asOf = ctx.query.get('as_of') || '';
  const slot = h('div');
  const form = h('form', { class: 'search', 'aria-label': t('council.filters') },
    field({ name: 'as_of', type: 'date', label: t('council.asOf'), value: asOf, hint: t('council.asOfHint') }),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('council.show'))));
  put(view, h('h1', {}, t('council.title')), h('p', { class: 'lead' }, t('council.lead')), form, slot);
  const again = session()?.role === 'admin' ? (flash) => ctx.go(location.pathname + location.search, { replace: true, flash }) : null;
  async function load() {
    const day = form.elements.as_of.value;
    if (day && !/^\d{4}-\d\d-\d\d$/.test(day)) return showErrors(form, [{ field: '/as_of', code: 'invalid_format' }], { as_of: t('council.asOf') });
    history.replaceState(null, '', `/radet${qs({ as_of: day })}`);
    try {
      const { data } = await api(`/council${qs({ as_of: day })}`);
      const shown = h('p', { role: 'status' }, t('council.shown', { date: fmtDate(data.as_of) }));
      const groups = CATEGORIES.map((c) => [c, data.seats.filter((s) => s.category === c)]).filter(([, seats]) => seats.length);
      slot.replaceChildren(shown, ...(groups.length ? groups.map(([c, seats]) => h('section', { 'aria-labelledby': `cat-${c}` },
        h('h2', { id: `cat-${c}` }, t(`council.category.${c}`)),
        h('ul', { class: 'org-list' }, seats.map((s) => h('li', { class: 'org-item' },
          h('h3', {}, s.title),
          s.members.length ? h('ul', {}, s.members.map((m) => member(m, again))) : h('p', { class: 'empty' }, t('council.vacant'))))))) : [h('p', { class: 'empty' }, t('council.empty'))]));
    } catch (e) { slot.replaceChildren(problemBox(e)); }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  await load();
}
