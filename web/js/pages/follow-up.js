// The follow-up (uppföljning) of an agreement's commitments, one year at a time: per
// principle, the action plan, the status of every year; printable as the yearly report for
// the council and the political bodies. The secretariat records the year's follow-up here.
import { api, qs, session } from '../api.js?v=8157fd9ca674';
import { h, put, sv, field, notice, showErrors, onSubmit } from '../dom.js?v=8157fd9ca674';
import { t, fmtDate, fmtNum, fmtSek as sek } from '../i18n.js?v=8157fd9ca674';

const STATUSES = ['not_started', 'ongoing', 'done', 'discontinued'];

export default async function followUp(view, ctx) {
  const ref = encodeURIComponent(ctx.params.ref);
  const { data: a } = await api(`/agreements/${ref}`);
  const { data: all } = await api(`/agreements/${ref}/follow-up`);
  const asked = Number(ctx.query.get('ar'));
  const years = [...new Set([...all.years, new Date().getFullYear()])].sort();
  const year = years.includes(asked) ? asked : (all.years.at(-1) || new Date().getFullYear());
  const [{ data: fu }, { data: plan }, { data: stats }] = await Promise.all([
    api(`/agreements/${ref}/follow-up${qs({ year })}`), api(`/agreements/${ref}/action-plan/${year}`), api(`/agreements/${ref}/follow-up/stats`)]);
  const title = t('life.followUpTitle', { title: a.title });
  ctx.title(`${title} ${year}`);
  const picker = h('form', { class: 'search no-print', 'aria-label': t('life.year') },
    h('div', { class: 'filters' }, field({ name: 'ar', type: 'select', label: t('life.year'), value: String(year), options: years.map((y) => [String(y), String(y)]) })),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('life.showYear'))));
  picker.addEventListener('submit', (e) => { e.preventDefault(); ctx.go(`/overenskommelsen/${a.slug}/uppfoljning?ar=${picker.elements.ar.value}`); });
  const print = h('button', { type: 'button', class: 'button button-secondary no-print' }, t('life.print'));
  print.addEventListener('click', () => window.print());
  put(view, h('h1', {}, sv('span', {}, title), ' ', String(year)),
    h('p', { class: 'no-print' }, h('a', { href: `/overenskommelsen/${a.slug}` }, a.title)),
    picker, h('p', {}, print));

  const demo = fu.commitments.some((c) => c.entries.some((e) => e.demo)) || plan.activities.some((x) => x.demo);
  if (demo) put(view, notice('warning', h('p', {}, t('life.demo'), ': ', t('life.exampleNote'))));

  // per principle: the commitments that serve it, and those that serve none
  const sec = h('section', { 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, t('life.byPrinciple')));
  put(view, sec);
  const entryOf = (c) => c.entries.find((e) => e.year === year);
  const card = (c) => {
    const e = entryOf(c);
    return h('article', { class: 'card commitment' },
      h('h4', {}, t('life.commitment', { n: c.number })),
      sv('p', {}, c.text),
      c.city_owner ? h('p', { class: 'meta' }, t('life.owner', { name: c.city_owner })) : null,
      c.organisation_owners.length ? h('p', { class: 'meta' }, t('life.orgOwners', { names: c.organisation_owners.map((o) => o.name).join(', ') })) : null,
      c.indicators.length ? [h('p', { class: 'meta' }, t('life.indicators')), h('ul', {}, c.indicators.map((x) => sv('li', {}, x)))] : null,
      h('p', {}, h('strong', {}, e ? t(`life.fuStatus.${e.status}`) : t('life.notReported')), e && e.demo ? ` (${t('life.demo')})` : ''),
      e ? sv('p', {}, e.text) : null);
  };
  for (const p of a.principles) {
    const list = fu.commitments.filter((c) => c.principles.includes(p.code));
    if (list.length) put(sec, h('h3', {}, sv('span', {}, p.title)), list.map(card));
  }
  const rest = fu.commitments.filter((c) => !c.principles.length);
  if (rest.length) put(sec, h('h3', {}, t('life.noPrinciple')), rest.map(card));

  // the action plan of the year
  const ap = h('section', { 'aria-labelledby': 'ap-h' }, h('h2', { id: 'ap-h' }, t('life.actionPlan', { year })));
  put(view, ap);
  if (!plan.activities.length) put(ap, h('p', { class: 'empty' }, t('life.actionPlanEmpty')));
  else {
    put(ap, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, [t('life.activity'), t('life.responsible'), t('life.period'), t('life.budget')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, plan.activities.map((x) => h('tr', {},
        h('td', {}, sv('span', {}, x.title), x.demo ? ` (${t('life.demo')})` : ''),
        sv('td', {}, x.responsible),
        h('td', { class: 'nowrap' }, `${fmtDate(`${x.starts_on}T12:00:00Z`)} – ${fmtDate(`${x.ends_on}T12:00:00Z`)}`),
        h('td', { class: 'num' }, x.budget_sek == null ? '–' : sek(x.budget_sek)))))),
    h('p', {}, t('life.budgetTotal', { sum: sek(plan.budget_total_sek) })));
  }

  // the status of the commitments, every year
  if (stats.commitments_by_status.length) {
    put(view, h('section', { 'aria-labelledby': 'st-h' }, h('h2', { id: 'st-h' }, t('life.stats')),
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('life.year')), [...STATUSES.map((s) => t(`life.fuStatus.${s}`)), t('life.notReported')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, stats.commitments_by_status.map((r) => h('tr', {}, h('th', { scope: 'row' }, String(r.year)),
          [...STATUSES, 'not_reported'].map((s) => h('td', { class: 'num' }, fmtNum(r[s])))))))));
  }

  const me = session();
  if (me && me.role === 'admin' && (a.status === 'adopted' || a.status === 'superseded')) record(view, a, fu, year, ctx);
}

// The secretariat records the year's follow-up, one commitment at a time
function record(view, a, fu, year, ctx) {
  const sec = h('section', { 'aria-labelledby': 'rec-h', id: 'registrera', class: 'no-print' }, h('h2', { id: 'rec-h' }, t('life.record'), ` ${year}`),
    h('p', {}, t('life.planElsewhere'), ' ', h('a', { href: `/kansli/uppfoljning/${a.slug}?ar=${year}` }, t('life.toPlan'))));
  put(view, sec);
  for (const c of fu.commitments) {
    const e = c.entries.find((x) => x.year === year);
    const form = h('form', { class: 'form', novalidate: true, 'aria-label': t('life.commitment', { n: c.number }) },
      h('h3', {}, t('life.commitment', { n: c.number })),
      field({ name: 'status', id: `st-${c.number}`, type: 'select', label: `${t('life.status')} – ${t('life.commitment', { n: c.number })}`, value: e ? e.status : 'ongoing', options: STATUSES.map((s) => [s, t(`life.fuStatus.${s}`)]) }),
      field({ name: 'text', id: `tx-${c.number}`, type: 'textarea', label: `${t('life.text')} – ${t('life.commitment', { n: c.number })}`, required: true, rows: 3, maxlength: 10000, value: e ? e.text : '' }),
      h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('life.recordSave'))));
    onSubmit(form, async () => {
      const body = { status: form.elements.status.value, text: form.elements.text.value.trim() };
      if (!body.text) return showErrors(form, [{ field: '/text', code: 'required' }]);
      try {
        await api(`/agreements/${a.id}/follow-up/commitments/${c.number}/years/${year}`, { method: 'PUT', body });
        ctx.go(`/overenskommelsen/${a.slug}/uppfoljning?ar=${year}#registrera`, { replace: true, flash: t('life.recorded', { n: c.number }) });
      } catch (err) { showErrors(form, err.errors || [], {}, err); }
    });
    put(sec, form);
  }
}
