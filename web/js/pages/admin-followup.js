// The secretariat plans the follow-up of an adopted agreement: each commitment's plan (who is
// responsible in the city and among the organisations, its indicators and principles) and the
// action plan (handlingsplan) of a year: activities with a responsible party, a time frame and
// a budget in kronor, added, changed (If-Match; clashes explained) and removed. The year's
// follow-up itself is recorded on the agreement's public follow-up page.
import { api, apiAll, qs } from '../api.js?v=8157fd9ca674';
import { h, put, sv, field, checkGroup, notice, readForm, showErrors, onSubmit, confirmAction, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, fmtDate, fmtSek } from '../i18n.js?v=8157fd9ca674';
import { clashBox, same } from '../clash.js?v=8157fd9ca674';
import { agreementStatus } from '../endorsements.js?v=8157fd9ca674';

const FOLLOWED = ['adopted', 'superseded'];
const day = (d) => fmtDate(`${d}T12:00:00Z`);
const home = (a, year, hash = '') => `/kansli/uppfoljning/${a.slug}${qs({ ar: year })}${hash}`;

export default async function followUpAdmin(section, ctx) {
  if (!ctx.params.ref) return list(section);
  const ref = encodeURIComponent(ctx.params.ref);
  const { data: a } = await api(`/agreements/${ref}`);
  put(section, h('p', {}, h('a', { href: '/kansli/uppfoljning' }, t('common.back'))));
  if (!FOLLOWED.includes(a.status)) {
    ctx.title(t('life.followUpTitle', { title: a.title }));
    put(section, h('h2', { id: 'sec-h' }, t('life.followUpTitle', { title: a.title })), h('p', {}, agreementStatus(a.status)),
      notice('info', h('p', {}, t('followUpAdmin.notAdopted'))));
    return;
  }
  if (ctx.opts.sub === 'activity') return activityPage(section, ctx, a);
  return agreementPage(section, ctx, a);
}

// The agreements that are followed up: the current one and those it superseded
async function list(section) {
  const { data } = await apiAll('/agreements');
  const items = data.items.filter((a) => FOLLOWED.includes(a.status));
  put(section, h('h2', { id: 'sec-h' }, t('admin.followup')), h('p', {}, t('followUpAdmin.lead')),
    items.length ? h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, [t('admin.dlgTitle'), t('org.status'), t('admin.adopted')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, items.map((a) => h('tr', {},
        h('td', {}, h('a', { href: `/kansli/uppfoljning/${a.slug}` }, a.title)),
        h('td', {}, agreementStatus(a.status)), h('td', {}, a.adopted_at ? fmtDate(a.adopted_at) : '')))))
      : h('p', { class: 'empty' }, t('followUpAdmin.none')));
}

async function agreementPage(section, ctx, a) {
  const now = new Date().getFullYear();
  const asked = Number(ctx.query.get('ar'));
  const year = asked >= 2000 && asked <= 2100 ? asked : now;
  const [{ data: fu }, { data: plan }, { data: orgs }] = await Promise.all([
    api(`/agreements/${a.id}/follow-up${qs({ year })}`), api(`/agreements/${a.id}/action-plan/${year}`),
    apiAll('/organisations?status=verified&sort=name')]);
  const title = t('life.followUpTitle', { title: a.title });
  ctx.title(`${title} ${year}`);
  put(section, h('h2', { id: 'sec-h' }, sv('span', {}, title)),
    h('p', {}, t('followUpAdmin.pageLead')),
    h('ul', { class: 'actions' },
      h('li', {}, h('a', { href: `/overenskommelsen/${a.slug}/uppfoljning?ar=${year}#registrera` }, t('life.record'))),
      h('li', {}, h('a', { href: `/overenskommelsen/${a.slug}/uppfoljning?ar=${year}` }, t('followUpAdmin.toPublic')))));
  actionPlan(section, ctx, a, year, [...new Set([...fu.years, now - 1, now, now + 1, year])].sort(), plan);
  plans(section, ctx, a, year, fu, orgs.items);
}

// The fields of an activity; x: the activity being changed, or none for a new one
function activityFields(a, x) {
  const v = x || {};
  return [
    field({ name: 'title', id: 'act-title', label: t('admin.dlgTitle'), required: true, maxlength: 300, value: v.title }),
    field({ name: 'description', id: 'act-description', type: 'textarea', label: t('dialogue.description'), optional: true, rows: 3, maxlength: 5000, value: v.description }),
    field({ name: 'responsible', id: 'act-responsible', label: t('life.responsible'), required: true, hint: t('followUpAdmin.responsibleHint'), maxlength: 300, value: v.responsible }),
    h('div', { class: 'filters' },
      field({ name: 'starts_on', id: 'act-starts_on', type: 'date', label: t('followUpAdmin.startsOn'), required: true, value: v.starts_on }),
      field({ name: 'ends_on', id: 'act-ends_on', type: 'date', label: t('followUpAdmin.endsOn'), required: true, value: v.ends_on })),
    field({ name: 'budget_sek', id: 'act-budget_sek', label: t('followUpAdmin.budget'), optional: true, hint: t('followUpAdmin.budgetHint'), inputmode: 'numeric', maxlength: 20, value: v.budget_sek == null ? '' : String(v.budget_sek) }),
    a.principles.length ? checkGroup({ name: 'principles', id: 'act-principles', label: t('followUpAdmin.activityPrinciples'), optional: true, options: a.principles.map((p) => [p.code, p.title]), value: v.principles || [] }) : null,
    a.commitments.length ? checkGroup({ name: 'commitments', id: 'act-commitments', label: t('followUpAdmin.activityCommitments'), optional: true, options: a.commitments.map((c, i) => [String(i + 1), `${i + 1}. ${c.text}`]), value: (v.commitments || []).map(String) }) : null,
  ];
}

// The form's activity, or the errors that keep it from being sent
function activityValue(form) {
  const r = readForm(form);
  const errs = ['title', 'responsible', 'starts_on', 'ends_on'].filter((k) => !r[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
  if (r.starts_on && r.ends_on && r.ends_on < r.starts_on) errs.push({ field: '/ends_on', code: 'ends_before_start' });
  const budget = r.budget_sek.replace(/[\s\u00a0]/g, '');
  if (budget && !/^\d{1,13}$/.test(budget)) errs.push({ field: '/budget_sek', code: 'invalid_format' });
  return {
    errs,
    value: { title: r.title, description: r.description || null, responsible: r.responsible, starts_on: r.starts_on, ends_on: r.ends_on,
      budget_sek: budget ? Number(budget) : null, principles: r.principles || [], commitments: (r.commitments || []).map(Number) },
  };
}

function actionPlan(section, ctx, a, year, years, plan) {
  const sec = h('section', { 'aria-labelledby': 'ap-h', id: 'handlingsplan' }, h('h3', { id: 'ap-h' }, t('life.actionPlan', { year })));
  put(section, sec);
  const picker = h('form', { class: 'search', 'aria-label': t('life.year') },
    h('div', { class: 'filters' }, field({ name: 'ar', id: 'ap-year', type: 'select', label: t('life.year'), value: String(year), options: years.map((y) => [String(y), String(y)]) })),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('life.showYear'))));
  picker.addEventListener('submit', (e) => { e.preventDefault(); ctx.go(home(a, picker.elements.ar.value, '#handlingsplan')); });
  const msg = h('div');
  put(sec, h('p', {}, t('followUpAdmin.actionPlanLead')), picker, msg);
  if (!plan.activities.length) put(sec, h('p', { class: 'empty' }, t('life.actionPlanEmpty')));
  else {
    put(sec, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, [t('life.activity'), t('life.responsible'), t('life.period'), t('life.budget'), t('followUpAdmin.actions')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, plan.activities.map((x) => h('tr', {},
        h('td', {}, sv('span', {}, x.title), x.demo ? ` (${t('life.demo')})` : ''),
        sv('td', {}, x.responsible),
        h('td', { class: 'nowrap' }, `${day(x.starts_on)} – ${day(x.ends_on)}`),
        h('td', { class: 'num' }, x.budget_sek == null ? '–' : fmtSek(x.budget_sek)),
        h('td', {}, h('div', { class: 'row-actions' },
          h('a', { class: 'button button-secondary button-small', href: `/kansli/uppfoljning/${a.slug}/handlingsplan/${year}/${x.id}`, 'aria-label': t('followUpAdmin.editName', { title: x.title }) }, t('followUpAdmin.edit')),
          removeButton(a, year, x, msg, ctx))))))),
    h('p', {}, t('life.budgetTotal', { sum: fmtSek(plan.budget_total_sek) })));
  }
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'add-h' }, activityFields(a, null),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('followUpAdmin.addButton'))));
  onSubmit(form, async () => {
    const { errs, value } = activityValue(form);
    if (errs.length) return showErrors(form, errs);
    try {
      await api(`/agreements/${a.id}/action-plan/${year}/activities`, { method: 'POST', body: value });
      ctx.go(home(a, year, '#handlingsplan'), { replace: true, flash: t('followUpAdmin.added', { title: value.title, year }) });
    } catch (e) { showErrors(form, e.errors || [], {}, e); }
  });
  put(sec, h('h4', { id: 'add-h' }, t('followUpAdmin.addActivity', { year })), form);
}

// Removing asks first, and removes only the version the page shows (If-Match)
function removeButton(a, year, x, msg, ctx) {
  const b = h('button', { type: 'button', class: 'button button-danger button-small', 'aria-label': t('followUpAdmin.removeName', { title: x.title }) }, t('followUpAdmin.remove'));
  b.addEventListener('click', async () => {
    if (!(await confirmAction({ title: t('followUpAdmin.removeTitle', { title: x.title }), text: t('followUpAdmin.removeText'), yes: t('followUpAdmin.removeYes') }))) return;
    const url = `/agreements/${a.id}/action-plan/${year}/activities/${x.id}`;
    try {
      const cur = await api(url);
      if (cur.data.updated_at !== x.updated_at) {
        msg.replaceChildren(notice('warning', h('p', {}, t('followUpAdmin.changedMeanwhile', { title: x.title }))));
        return;
      }
      await api(url, { method: 'DELETE', ifMatch: cur.etag });
      ctx.go(home(a, year, '#handlingsplan'), { replace: true, flash: t('followUpAdmin.removed', { title: x.title }) });
    } catch (e) { msg.replaceChildren(problemBox(e)); }
  });
  return b;
}

// One activity, changed with a merge patch and If-Match
async function activityPage(section, ctx, a) {
  const year = Number(ctx.params.year);
  const url = `/agreements/${a.id}/action-plan/${encodeURIComponent(ctx.params.year)}/activities/${encodeURIComponent(ctx.params.id)}`;
  let { data: x, etag } = await api(url);
  const title = t('followUpAdmin.editActivity', { title: x.title });
  ctx.title(title);
  put(section, h('h2', { id: 'sec-h' }, title), h('p', {}, h('a', { href: home(a, year, '#handlingsplan') }, t('life.actionPlan', { year }))));
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'sec-h' }, activityFields(a, x),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('followUpAdmin.saveActivity'))));
  const done = h('div');
  put(section, done, form);
  const L = { title: t('admin.dlgTitle'), description: t('dialogue.description'), responsible: t('life.responsible'), starts_on: t('followUpAdmin.startsOn'),
    ends_on: t('followUpAdmin.endsOn'), budget_sek: t('followUpAdmin.budget'), principles: t('followUpAdmin.activityPrinciples'), commitments: t('followUpAdmin.activityCommitments') };
  const fromServer = (y) => Object.fromEntries(Object.keys(L).map((k) => [k, y[k] ?? null]));
  const started = fromServer(x);
  onSubmit(form, async () => {
    const { errs, value } = activityValue(form);
    if (errs.length) return showErrors(form, errs);
    const patch = Object.fromEntries(Object.entries(value).filter(([k, v]) => !same(v, started[k])));
    if (!Object.keys(patch).length) { done.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('orgForm.nothingChanged'))); return; }
    try {
      await api(url, { method: 'PATCH', body: patch, ifMatch: etag });
      ctx.go(home(a, year, '#handlingsplan'), { flash: t('followUpAdmin.activitySaved', { title: value.title }) });
    } catch (e) {
      if (e.status !== 412) return showErrors(form, e.errors || [], {}, e);
      ({ data: x, etag } = await api(url));
      const box = clashBox({
        started, theirs: fromServer(x), mine: value, labels: L,
        show: (k, v) => (Array.isArray(v) ? v.join(', ') || t('common.notGiven') : v == null || v === '' ? t('common.notGiven') : String(v)),
        onSaveMine: () => form.requestSubmit(),
        onUseTheirs: () => ctx.go(location.pathname, { replace: true, flash: t('clash.resolved') }),
      });
      done.replaceChildren(box);
      box.focus();
    }
  });
}

// Each commitment's plan: owners in the city and among the organisations, indicators,
// principles (PUT replaces the whole plan)
function plans(section, ctx, a, year, fu, orgs) {
  const sec = h('section', { 'aria-labelledby': 'plans-h', id: 'atagandena' }, h('h3', { id: 'plans-h' }, t('followUpAdmin.plans')),
    h('p', {}, t('followUpAdmin.plansLead')));
  put(section, sec);
  for (const c of fu.commitments) put(sec, planForm(ctx, a, year, c, orgs));
}

function planForm(ctx, a, year, c, orgs) {
  const n = c.number;
  const hid = `c-${n}-h`;
  let owners = c.organisation_owners.map((o) => ({ ...o }));
  const ownerList = h('ul', { class: 'owners' });
  const pick = h('select', { id: `c-${n}-add` });
  const addBtn = h('button', { type: 'button', class: 'button button-secondary button-small' }, t('followUpAdmin.addOrgButton'));
  const adder = h('div', { class: 'row-actions' }, h('label', { for: `c-${n}-add` }, t('followUpAdmin.addOrg')), pick, addBtn);
  const allAdded = h('p', { class: 'hint', hidden: true }, t('followUpAdmin.allAdded'));
  const draw = () => {
    ownerList.replaceChildren(...owners.map((o, i) => {
      const rm = h('button', { type: 'button', class: 'button button-small button-danger' }, t('followUpAdmin.removeOrg', { name: o.name }));
      rm.addEventListener('click', () => {
        owners.splice(i, 1);
        draw();
        (ownerList.querySelectorAll('button')[Math.min(i, owners.length - 1)] || pick).focus();
        announce(t('followUpAdmin.orgRemoved', { name: o.name }));
      });
      return h('li', {}, sv('span', {}, o.name), ' ', rm);
    }));
    if (!owners.length) ownerList.replaceChildren(h('li', { class: 'empty' }, t('followUpAdmin.noOrgOwners')));
    const left = orgs.filter((o) => !owners.some((x) => x.id === o.id));
    pick.replaceChildren(...left.map((o) => h('option', { value: o.id }, o.name)));
    adder.hidden = !left.length;
    allAdded.hidden = Boolean(left.length) || !orgs.length;
  };
  addBtn.addEventListener('click', () => {
    const o = orgs.find((x) => x.id === pick.value);
    if (!o) return;
    owners.push({ id: o.id, name: o.name });
    draw();
    (adder.hidden ? ownerList.querySelector('li:last-child button') : pick).focus();
    announce(t('followUpAdmin.orgAdded', { name: o.name }));
  });
  draw();
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': hid },
    field({ name: 'city_owner', id: `c-${n}-city_owner`, label: t('followUpAdmin.cityOwner'), optional: true, hint: t('followUpAdmin.cityOwnerHint'), maxlength: 300, value: c.city_owner || '' }),
    h('fieldset', { class: 'field', id: `c-${n}-owners`, 'data-field': 'organisation_owners', 'data-label': t('followUpAdmin.orgOwners') },
      h('legend', {}, t('followUpAdmin.orgOwners'), ' ', h('span', { class: 'opt' }, t('common.optional'))),
      h('p', { class: 'field-error', id: `c-${n}-owners-error`, hidden: true }),
      ownerList,
      orgs.length ? [adder, allAdded] : h('p', { class: 'empty' }, t('followUpAdmin.noVerified'))),
    field({ name: 'indicators', id: `c-${n}-indicators`, type: 'textarea', label: t('followUpAdmin.indicators'), optional: true, hint: t('followUpAdmin.indicatorsHint'), rows: 3, value: c.indicators.join('\n') }),
    a.principles.length ? checkGroup({ name: 'principles', id: `c-${n}-principles`, label: t('followUpAdmin.planPrinciples'), optional: true, options: a.principles.map((p) => [p.code, p.title]), value: c.principles }) : null,
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('followUpAdmin.savePlan', { n }))));
  onSubmit(form, async () => {
    const r = readForm(form);
    const indicators = r.indicators.split('\n').map((x) => x.trim()).filter(Boolean);
    const errs = [];
    if (indicators.length > 20) errs.push({ field: '/indicators', code: 'too_many_items', max: 20 });
    else if (indicators.some((x) => x.length > 500)) errs.push({ field: '/indicators', code: 'length', min: 1, max: 500 });
    if (errs.length) return showErrors(form, errs);
    const body = { city_owner: r.city_owner || null, organisation_owners: owners.map((o) => o.id), indicators, principles: r.principles || [] };
    try {
      await api(`/agreements/${a.id}/follow-up/commitments/${n}`, { method: 'PUT', body });
      ctx.go(home(a, year, `#c-${n}`), { replace: true, flash: t('followUpAdmin.planSaved', { n }) });
    } catch (e) { showErrors(form, e.errors || [], {}, e); }
  });
  return h('article', { class: 'card commitment', id: `c-${n}`, 'aria-labelledby': hid },
    h('h4', { id: hid }, t('life.commitment', { n })), sv('p', {}, c.text), form);
}
