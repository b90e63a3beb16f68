// The agreement (Överenskommelsen): text, goals, principles, commitments, case history, the
// public register of endorsements with a CSV link; a signatory endorses or withdraws here
import { api, apiAll, qs, session, vocabularies, BASE } from '../api.js?v=8157fd9ca674';
import { h, put, sv, field, notice, readForm, showErrors, onSubmit, problemBox } from '../dom.js?v=8157fd9ca674';
import { spreadsheetCsv } from '../spreadsheet.js?v=8157fd9ca674';
import { t, label, fmtDate, fmtNum } from '../i18n.js?v=8157fd9ca674';
import { md } from '../markdown.js?v=8157fd9ca674';
import { agreementStatus, endorsementTable } from '../endorsements.js?v=8157fd9ca674';
import { documentsSection } from '../documents.js?v=8157fd9ca674';

const PARTIES = ['city', 'organisations', 'both'];
// the paper endorsement's form and scans: the secretariat's only, so loaded for admin alone
const secretariat = () => import(`../paper-endorsement.js?v=8157fd9ca674`);
export default async function agreement(view, ctx) {
  const vocab = await vocabularies();
  const { data: all } = await api(`/agreements${qs({ limit: 100 })}`);
  const current = all.items.find((x) => x.status === 'adopted');
  let a = current || all.items[0];
  if (ctx.params.ref) {
    try { a = (await api(`/agreements/${encodeURIComponent(ctx.params.ref)}`)).data; } catch (e) {
      if (e.status !== 404) throw e;
      a = null;
    }
  }
  if (!a) {
    ctx.title(t('nav.agreement'));
    put(view, h('h1', {}, t('nav.agreement')), h('p', { class: 'empty' }, t(ctx.params.ref ? 'problems.not-found' : 'agreement.none')));
    return;
  }
  ctx.title(t('nav.agreement'));
  const byParty = (p) => a.commitments.filter((c) => c.party === p);
  put(view,
    sv('h1', {}, a.title),
    h('p', { class: 'meta' }, agreementStatus(a.status), ' ', t('agreement.versionN', { n: a.version }),
      a.adopted_at ? ` · ${t('agreement.adoptedOn', { date: fmtDate(a.adopted_at) })}` : ''),
    a !== current && current && a.id !== current.id ? notice('info', h('p', {}, t('agreement.notCurrent'), ' ', h('a', { href: '/overenskommelsen' }, t('agreement.toCurrent')))) : null,
    a.status === 'adopted' ? h('p', { class: 'lead' }, t('agreement.count', { n: a.endorsement_count }), ' ', h('a', { href: '#register' }, t('agreement.seeRegister'))) : null,
    a.goals.length ? h('section', { 'aria-labelledby': 'goals-h' }, h('h2', { id: 'goals-h' }, t('agreement.goals')), sv('ol', {}, a.goals.map((g) => h('li', {}, g)))) : null,
    a.principles.length ? h('section', { 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, t('agreement.principles')),
      sv('dl', { class: 'principles' }, a.principles.map((p) => [h('dt', {}, p.title), h('dd', {}, p.description || '')]))) : null,
    a.commitments.length ? h('section', { 'aria-labelledby': 'com-h' }, h('h2', { id: 'com-h' }, t('agreement.commitments')),
      PARTIES.filter((p) => byParty(p).length).map((p) => [h('h3', {}, t(`agreement.party.${p}`)), sv('ul', {}, byParty(p).map((c) => h('li', {}, c.text)))])) : null,
    a.body ? h('section', { 'aria-labelledby': 'body-h' }, h('h2', { id: 'body-h' }, t('agreement.text')), sv('div', { class: 'prose-md' }, md(a.body))) : null,
    a.decisions.length ? h('section', { 'aria-labelledby': 'dec-h' }, h('h2', { id: 'dec-h' }, t('agreement.history')),
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, [t('agreement.date'), t('agreement.decidedBy'), t('agreement.reference'), t('agreement.summary')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, a.decisions.map((d) => h('tr', {}, h('td', { class: 'nowrap' }, fmtDate(`${d.date}T12:00:00Z`), isExample(d) ? [' ', h('span', { class: 'badge badge-example' }, t('life.example'))] : null), sv('td', {}, d.body), h('td', {}, d.reference || ''), sv('td', {}, d.summary || ''))))),
      a.decisions.some(isExample) ? h('p', { class: 'hint' }, t('life.exampleNote')) : null) : null);
  await life(view, a, ctx.go);

  if (a.status === 'adopted' || a.status === 'superseded') await register(view, a, vocab, ctx);
  if (a.status === 'adopted') await endorse(view, a, ctx);
  if (all.items.length > 1) {
    put(view, h('section', { 'aria-labelledby': 'ver-h' }, h('h2', { id: 'ver-h' }, t('agreement.versions')),
      h('ul', {}, all.items.map((x) => h('li', {}, sv('a', { href: `/overenskommelsen/${x.slug}`, 'aria-current': x.id === a.id ? 'page' : null }, x.title),
        ' – ', t('agreement.versionN', { n: x.version }), ', ', t(`agreement.status.${x.status}`))))));
  }
}

// Demo data marks the decisions it invented: their summary starts with "Exempel"
const isExample = (d) => /^exempel\b/i.test(d.summary || '');

// Around the text: the consultation, the follow-up and the attached documents
async function life(view, a, go) {
  const links = [];
  if (a.status !== 'draft') {
    const { data: c } = await api(`/agreements/${a.id}/consultation`);
    if (c.state !== 'not_open') {
      put(view, h('section', { 'aria-labelledby': 'remiss-h' }, h('h2', { id: 'remiss-h' }, t('life.consultation')),
        h('p', {}, c.state === 'open' ? t('life.consultationOpen', { date: fmtDate(c.consultation_closes_at) }) : t('life.consultationClosed', { date: fmtDate(c.consultation_closes_at) })),
        h('p', {}, h('a', { href: `/overenskommelsen/${a.slug}/remiss` }, c.state === 'open' ? t('life.toConsultation') : t('life.toCompilation')))));
    }
  }
  if (a.status === 'adopted' || a.status === 'superseded') links.push(h('a', { href: `/overenskommelsen/${a.slug}/uppfoljning` }, t('life.toFollowUp')));
  if (links.length) put(view, h('section', { 'aria-labelledby': 'fu-h' }, h('h2', { id: 'fu-h' }, t('life.followUp')), h('p', {}, links)));
  await documentsSection(view, `/agreements/${a.id}`, (flash) => go(`${location.pathname}#handlingar`, { replace: true, flash }));
}

// The public register, with filters (kept in the address, so a view can be linked and
// survives a reload), paging, and the same filters as CSV: the open-data file for machines
// and a file made here for Swedish spreadsheets
const FILTERS = ['status', 'kind', 'area', 'as_of'];
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// a calendar day that exists, from 1900 to today (the register has no future)
function realDay(v) {
  const m = DAY.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && +m[1] >= 1900 && d.getTime() <= Date.now();
}

async function register(view, a, vocab, ctx) {
  const paper = session()?.role === 'admin' ? await secretariat() : null;
  const again = (flash) => ctx.go(`${location.pathname}${location.search}#register`, { replace: true, flash });
  const opts = (list) => [['', t('common.all')], ...list.map((e) => [e.code, label(e)])];
  const q0 = (k) => ctx.query.get(k) || '';
  const form = h('form', { class: 'search', 'aria-label': t('agreement.registerFilters'), novalidate: true },
    h('div', { class: 'filters' },
      field({ name: 'status', type: 'select', label: t('org.status'), value: q0('status'), options: [['', t('common.all')], ...['active', 'withdrawn', 'renewal_needed'].map((s) => [s, t(`agreement.endStatus.${s}`)])] }),
      field({ name: 'kind', type: 'select', label: t('org.kind'), value: q0('kind'), options: opts(vocab.kinds) }),
      field({ name: 'area', type: 'select', label: t('orgs.area'), value: q0('area'), options: opts(vocab.areas) }),
      field({ name: 'as_of', type: 'date', label: t('agreement.asOf'), value: q0('as_of'), hint: t('agreement.asOfHint'), min: '1900-01-01' })));
  const status = h('p', { class: 'count', role: 'status' });
  const slot = h('div');
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  const csv = h('a', { class: 'button button-secondary' }, t('agreement.csv'));
  const excel = h('button', { type: 'button', class: 'button button-secondary' }, t('agreement.csvExcel'));
  put(view, h('section', { 'aria-labelledby': 'register-h', id: 'register' }, h('h2', { id: 'register-h' }, t('agreement.register')),
    h('p', {}, t('agreement.registerLead')), form, h('p', { class: 'actions' }, csv, ' ', excel), h('p', { class: 'hint' }, t('agreement.csvHint')), status, slot, more));
  let cursor = null;
  let rows = [];
  // the filters as the API takes them, or null after showing why the date cannot be used
  const filters = () => {
    const f = readForm(form);
    const date = form.elements.as_of;
    if (date.validity.badInput || (f.as_of && !realDay(f.as_of))) {
      showErrors(form, [{ field: '/as_of', text: t('agreement.asOfBad') }]);
      return null;
    }
    form.querySelector('.error-summary')?.remove();
    const box = form.querySelector('[data-field="as_of"]');
    if (box.classList.contains('has-error')) {
      box.classList.remove('has-error');
      box.querySelector('.field-error').hidden = true;
      date.removeAttribute('aria-invalid');
    }
    return Object.fromEntries(FILTERS.map((k) => [k, f[k]]));
  };
  async function load(append) {
    const f = filters();
    if (!f) { // the count and the table go together: neither shows a view that was not asked for
      status.textContent = '';
      slot.replaceChildren();
      more.hidden = true;
      return;
    }
    if (!append) history.replaceState(null, '', `${location.pathname}${qs(f)}${location.hash}`);
    csv.setAttribute('href', `${BASE}/agreements/${a.id}/endorsements.csv${qs(f)}`);
    try {
      const { data } = await api(`/agreements/${a.id}/endorsements${qs({ ...f, limit: 50, cursor: append ? cursor : null })}`);
      rows = append ? [...rows, ...data.items] : data.items;
      cursor = data.next_cursor;
      more.hidden = !cursor;
      slot.replaceChildren(rows.length ? endorsementTable(rows, vocab) : h('p', { class: 'empty' }, t('agreement.registerEmpty')));
      paper?.decorate(slot, rows, a, again);
      status.textContent = rows.length ? t(cursor ? 'agreement.shownMore' : 'agreement.shown', { n: rows.length }) : '';
    } catch (e) {
      status.textContent = '';
      more.hidden = true;
      slot.replaceChildren(problemBox(e));
    }
  }
  form.addEventListener('change', () => load(false));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  more.addEventListener('click', async () => {
    const n = rows.length;
    await load(true);
    slot.querySelectorAll('tbody tr a')[n]?.focus();
  });
  excel.addEventListener('click', async () => {
    const f = filters();
    if (!f) return;
    try {
      const all = [];
      let c = null;
      do {
        const { data } = await api(`/agreements/${a.id}/endorsements${qs({ ...f, limit: 100, cursor: c })}`);
        all.push(...data.items);
        c = data.next_cursor;
      } while (c);
      const file = new Blob([spreadsheetCsv(all, vocab)], { type: 'text/csv;charset=utf-8' });
      const link = h('a', { href: URL.createObjectURL(file), download: `anslutna-${a.slug}${f.as_of ? `-${f.as_of}` : ''}.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000); // after the download has started
    } catch (e) { slot.replaceChildren(problemBox(e)); }
  });
  await load(false);
}

// Endorsing, for the signatories of verified organisations; withdrawing with a reason
async function endorse(view, a, ctx) {
  const me = session();
  const signs = me ? me.organisations.filter((o) => o.role === 'signatory') : [];
  const sec = h('section', { 'aria-labelledby': 'end-h', id: 'anslut' }, h('h2', { id: 'end-h' }, t('agreement.endorse')));
  put(view, sec);
  if (!me) {
    put(sec, h('p', {}, t('agreement.endorseLogin'), ' ', h('a', { href: `/logga-in?next=${encodeURIComponent('/overenskommelsen')}` }, t('common.loginLink'))));
    return;
  }
  if (me.role === 'admin' && a.status === 'adopted') await (await secretariat()).default(sec, a, ctx);
  if (!signs.length) { if (me.role !== 'admin') put(sec, h('p', {}, t('agreement.notSignatory'))); return; }
  const again = (flash) => ctx.go('/overenskommelsen#anslut', { replace: true, flash });
  const orgs = (await Promise.all(signs.map((o) => api(`/organisations/${o.id}`).then((r) => r.data, () => null)))).filter(Boolean);
  const eligible = [];
  for (const o of orgs) {
    if (o.endorsement && o.endorsement.agreement_id === a.id) {
      const reasonId = `wd-${o.id}`;
      const wform = h('form', { class: 'form', novalidate: true, hidden: true },
        field({ name: 'reason', id: reasonId, type: 'textarea', label: t('agreement.withdrawReason'), required: true, rows: 3, maxlength: 1000, hint: t('agreement.withdrawHint') }),
        h('p', {}, h('button', { type: 'submit', class: 'button button-danger' }, t('agreement.withdrawConfirm'))));
      const open = h('button', { type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-label': t('agreement.withdrawName', { name: o.name }) }, t('agreement.withdraw'));
      open.addEventListener('click', () => { wform.hidden = false; open.setAttribute('aria-expanded', 'true'); wform.elements.reason.focus(); });
      onSubmit(wform, async () => {
        const reason = wform.elements.reason.value.trim();
        if (!reason) return showErrors(wform, [{ field: '/reason', code: 'required' }]);
        try {
          await api(`/agreements/${a.id}/endorsements/${o.endorsement.id}/withdraw`, { method: 'POST', body: { reason } });
          again(t('agreement.withdrawn', { name: o.name }));
        } catch (e) { showErrors(wform, e.errors || [], {}, e); }
      });
      put(sec, notice('success', h('p', {}, t('agreement.isEndorsing', { name: o.name, date: fmtDate(o.endorsement.endorsed_at) })), h('p', {}, open), wform));
    } else if (o.status !== 'verified') {
      put(sec, h('p', {}, t('agreement.notVerified', { name: o.name })));
    } else eligible.push(o);
  }
  if (!eligible.length) return;
  const labels = { organisation_id: t('agreement.organisation'), signatory_name: t('agreement.signatoryName'), signatory_title: t('agreement.signatoryTitle'), mandate: t('agreement.mandate'), statement: t('agreement.statement') };
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'end-h' },
    h('p', {}, t('agreement.endorseLead')),
    field({ name: 'organisation_id', type: 'select', label: labels.organisation_id, options: eligible.map((o) => [o.id, o.name]) }),
    field({ name: 'signatory_name', label: labels.signatory_name, required: true, value: me.name, autocomplete: 'name', maxlength: 200 }),
    field({ name: 'signatory_title', label: labels.signatory_title, optional: true, hint: t('agreement.signatoryTitleHint'), maxlength: 200 }),
    field({ name: 'mandate', label: labels.mandate, required: true, hint: t('agreement.mandateHint'), maxlength: 500 }),
    field({ name: 'statement', type: 'textarea', label: labels.statement, optional: true, hint: t('agreement.statementHint'), rows: 3, maxlength: 2000 }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('agreement.endorseButton'))));
  onSubmit(form, async () => {
    const v = readForm(form);
    const missing = ['signatory_name', 'mandate'].filter((k) => !v[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
    if (missing.length) return showErrors(form, missing, labels);
    const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== ''));
    try {
      await api(`/agreements/${a.id}/endorsements`, { method: 'POST', body });
      again(t('agreement.endorsed', { name: eligible.find((o) => o.id === v.organisation_id).name, n: fmtNum(1) }));
    } catch (e) { showErrors(form, e.errors || [], labels, e); }
  });
  put(sec, form);
}
