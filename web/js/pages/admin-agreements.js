// The secretariat's agreements: versions, drafting (If-Match; clashes explained), adopting
import { api, qs } from '../api.js?v=8157fd9ca674';
import { h, put, field, notice, readForm, showErrors, onSubmit } from '../dom.js?v=8157fd9ca674';
import { t, getLang, fmtDate, fmtNum } from '../i18n.js?v=8157fd9ca674';
import { clashBox, same } from '../clash.js?v=8157fd9ca674';
import { agreementStatus } from '../endorsements.js?v=8157fd9ca674';

const PARTIES = ['city', 'organisations', 'both'];

async function list(section) {
  const { data } = await api(`/agreements${qs({ limit: 100 })}`);
  put(section, h('h2', { id: 'sec-h' }, t('admin.agreements')),
    h('p', {}, h('a', { class: 'button', href: '/kansli/overenskommelser/ny' }, t('admin.newAgreement'))),
    data.items.length ? h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, [t('admin.dlgTitle'), t('agreement.version'), t('org.status'), t('admin.adopted'), t('admin.endorsements')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, data.items.map((a) => h('tr', {},
        h('td', {}, h('a', { href: `/kansli/overenskommelser/${a.slug}` }, a.title)),
        h('td', {}, fmtNum(a.version)), h('td', {}, agreementStatus(a.status)),
        h('td', {}, a.adopted_at ? fmtDate(a.adopted_at) : ''), h('td', {}, fmtNum(a.endorsement_count))))))
      : h('p', { class: 'empty' }, t('agreement.none')));
}

// Repeating groups of fields (principles, commitments, decisions), each row removable
function rowsEditor(name, legend, item, cols, initial) {
  let data = initial.map((x) => ({ ...x }));
  const rows = h('div', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'button button-secondary button-small' }, t('admin.addRow', { item }));
  const el = h('fieldset', { class: 'field rows-field', id: `f-${name}`, 'data-field': name, 'data-label': legend },
    h('legend', {}, legend), h('p', { class: 'field-error', id: `f-${name}-error`, hidden: true }), rows, h('p', {}, add));
  const read = () => [...rows.children].map((row) => Object.fromEntries(cols.map((c) => [c.key, row.querySelector(`[data-key="${c.key}"]`).value.trim()])));
  function draw() {
    rows.replaceChildren(...data.map((x, i) => {
      const remove = h('button', { type: 'button', class: 'button button-small button-danger' }, t('admin.removeRow', { item: item.toLocaleLowerCase(getLang()), n: i + 1 }));
      remove.addEventListener('click', () => {
        data = read();
        data.splice(i, 1);
        draw();
        (rows.querySelectorAll('.row button')[Math.min(i, data.length - 1)] || add).focus();
      });
      const row = h('fieldset', { class: 'row' }, h('legend', {}, `${item} ${i + 1}`),
        cols.map((c) => field({ name: `${name}-${i}-${c.key}`, field: `${name}/${i}/${c.key}`, type: c.type, label: c.label, value: x[c.key] ?? (c.options ? c.options[0][0] : ''),
          options: c.options, required: c.required, optional: !c.required, rows: c.rows, maxlength: c.max })),
        h('p', {}, remove));
      cols.forEach((c) => {
        row.querySelector(`#f-${name}-${i}-${c.key}`).dataset.key = c.key;
        row.querySelector(`[data-field="${name}/${i}/${c.key}"]`).dataset.label = `${item} ${i + 1}, ${c.label.toLowerCase()}`;
      });
      return row;
    }));
  }
  add.addEventListener('click', () => {
    data = read();
    data.push({});
    draw();
    rows.lastChild.querySelector('input,select,textarea').focus();
  });
  draw();
  return { el, value: () => read().filter((r) => cols.some((c) => !c.options && r[c.key])).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ''))) };
}

export default async function agreements(section, ctx) {
  if (!ctx.opts.sub) return list(section);
  const edit = ctx.opts.sub === 'edit';
  let base = null;
  let etag = null;
  if (edit) ({ data: base, etag } = await api(`/agreements/${encodeURIComponent(ctx.params.ref)}`));
  const title = edit ? t('admin.editAgreement', { name: base.title }) : t('admin.newAgreement');
  ctx.title(title);
  put(section, h('p', {}, h('a', { href: '/kansli/overenskommelser' }, t('common.back'))), h('h2', { id: 'sec-h' }, title));
  if (edit && !['draft', 'consultation'].includes(base.status)) {
    put(section, h('p', {}, agreementStatus(base.status)), notice('info', h('p', {}, t('admin.adoptedNoEdit')),
      h('p', {}, h('a', { href: `/overenskommelsen/${base.slug}` }, t('admin.publicPage')), ' · ', h('a', { href: `/kansli/uppfoljning/${base.slug}` }, t('life.toPlan')), ' · ', h('a', { href: '/kansli/overenskommelser/ny' }, t('admin.newAgreement')))));
    return;
  }
  let v = base;
  if (!edit) { // a new version starts from the current one
    const { data } = await api(`/agreements${qs({ limit: 20 })}`);
    const cur = data.items.find((a) => a.status === 'adopted');
    v = { title: cur ? cur.title : '', goals: cur ? cur.goals : [], principles: cur ? cur.principles : [], commitments: cur ? cur.commitments : [], body: cur ? cur.body : '', decisions: [], status: 'draft' };
    if (cur) put(section, notice('info', h('p', {}, t('admin.startsFromCurrent'))));
  }
  const L = { slug: t('admin.slug'), title: t('admin.dlgTitle'), status: t('org.status'), goals: t('agreement.goals'), principles: t('agreement.principles'),
    commitments: t('agreement.commitments'), body: t('agreement.text'), decisions: t('agreement.history') };
  const principles = rowsEditor('principles', L.principles, t('admin.principle'), [
    { key: 'code', label: t('admin.code'), required: true, max: 40 }, { key: 'title', label: t('admin.dlgTitle'), required: true, max: 200 },
    { key: 'description', label: t('dialogue.description'), type: 'textarea', rows: 3, max: 5000 }], v.principles);
  const commitments = rowsEditor('commitments', L.commitments, t('admin.commitment'), [
    { key: 'party', label: t('admin.party'), type: 'select', options: PARTIES.map((p) => [p, t(`agreement.party.${p}`)]) },
    { key: 'text', label: t('admin.text'), type: 'textarea', rows: 2, required: true, max: 5000 }], v.commitments);
  const decisions = rowsEditor('decisions', L.decisions, t('admin.decision'), [
    { key: 'body', label: t('agreement.decidedBy'), required: true, max: 300 }, { key: 'date', label: t('agreement.date'), type: 'date', required: true },
    { key: 'reference', label: t('agreement.reference'), max: 100 }, { key: 'summary', label: t('agreement.summary'), type: 'textarea', rows: 2, max: 5000 }], v.decisions);
  const form = h('form', { class: 'form form-wide', novalidate: true },
    field({ name: 'slug', label: L.slug, required: true, value: base ? base.slug : '', hint: t('admin.slugHint'), maxlength: 63, spellcheck: 'false' }),
    field({ name: 'title', label: L.title, required: true, value: v.title, maxlength: 300 }),
    field({ name: 'status', type: 'select', label: L.status, value: v.status, options: ['draft', 'consultation'].map((s) => [s, t(`agreement.status.${s}`)]) }),
    field({ name: 'goals', type: 'textarea', label: L.goals, optional: true, value: v.goals.join('\n'), hint: t('admin.goalsHint'), rows: 5 }),
    principles.el, commitments.el,
    field({ name: 'body', type: 'textarea', label: L.body, optional: true, value: v.body, rows: 12, hint: t('admin.markdownHint') }),
    decisions.el,
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t(edit ? 'orgForm.save' : 'admin.createAgreement'))));
  const done = h('div');
  put(section, done, form);

  const values = () => {
    const r = readForm(form);
    return { slug: r.slug, title: r.title, status: r.status, goals: r.goals.split('\n').map((x) => x.trim()).filter(Boolean),
      principles: principles.value(), commitments: commitments.value(), body: r.body || null, decisions: decisions.value() };
  };
  const fromServer = (a) => ({ slug: a.slug, title: a.title, status: a.status, goals: a.goals,
    principles: a.principles.map((p) => Object.fromEntries(Object.entries(p).filter(([, x]) => x != null && x !== ''))),
    commitments: a.commitments, body: a.body || null,
    decisions: a.decisions.map((d) => Object.fromEntries(Object.entries(d).filter(([, x]) => x != null && x !== '')))});
  const started = edit ? fromServer(base) : null;
  const show = (k, x) => (Array.isArray(x) ? t('admin.items', { n: x.length }) : x == null || x === '' ? t('common.notGiven') : String(x).slice(0, 120));

  onSubmit(form, async () => {
    const val = values();
    const missing = ['slug', 'title'].filter((k) => !val[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
    if (missing.length) return showErrors(form, missing, L);
    try {
      if (!edit) {
        const { data } = await api('/agreements', { method: 'POST', body: val });
        return ctx.go(`/kansli/overenskommelser/${data.slug}`, { flash: t('admin.agreementCreated') });
      }
      const patch = Object.fromEntries(Object.entries(val).filter(([k, x]) => !same(x, started[k])));
      if (!Object.keys(patch).length) { done.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('orgForm.nothingChanged'))); return; }
      const r = await api(`/agreements/${base.id}`, { method: 'PATCH', body: patch, ifMatch: etag });
      return ctx.go(`/kansli/overenskommelser/${r.data.slug}`, { replace: true, flash: t('form.saved') });
    } catch (e) {
      if (e.status !== 412) return showErrors(form, e.errors || [], L, e);
      const r = await api(`/agreements/${base.id}`);
      etag = r.etag;
      const box = clashBox({
        started, theirs: fromServer(r.data), mine: values(), labels: L, show,
        onSaveMine: () => form.requestSubmit(),
        onUseTheirs: () => ctx.go(location.pathname, { replace: true, flash: t('clash.resolved') }),
      });
      done.replaceChildren(box);
      box.focus();
    }
  });

  if (!edit) return;
  // adopting: the decision behind it is appended to the case history
  const DL = { body: t('agreement.decidedBy'), date: t('agreement.date'), reference: t('agreement.reference'), summary: t('agreement.summary') };
  const adopt = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'adopt-h' },
    h('p', {}, t('admin.adoptLead')),
    field({ name: 'body', id: 'f-adopt-body', field: 'decision/body', label: DL.body, required: true, hint: t('admin.decidedByHint'), maxlength: 300 }),
    field({ name: 'date', id: 'f-adopt-date', field: 'decision/date', type: 'date', label: DL.date, required: true }),
    field({ name: 'reference', id: 'f-adopt-reference', field: 'decision/reference', label: DL.reference, optional: true, hint: t('admin.referenceHint'), maxlength: 100 }),
    field({ name: 'summary', id: 'f-adopt-summary', field: 'decision/summary', type: 'textarea', label: DL.summary, optional: true, rows: 3, maxlength: 5000 }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('admin.adopt'))));
  put(section, h('h3', { id: 'adopt-h' }, t('admin.adoptTitle')), adopt);
  onSubmit(adopt, async () => {
    const d = readForm(adopt);
    const missing = ['body', 'date'].filter((k) => !d[k]).map((k) => ({ field: `/decision/${k}`, code: 'required' }));
    if (missing.length) return showErrors(adopt, missing, DL);
    const decision = Object.fromEntries(Object.entries(d).filter(([, x]) => x !== ''));
    try {
      await api(`/agreements/${base.id}/adopt`, { method: 'POST', body: { decision } });
      ctx.go('/overenskommelsen', { flash: t('admin.adoptedNow') });
    } catch (e) { showErrors(adopt, e.errors || [], DL, e); }
  });
}
