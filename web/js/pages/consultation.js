// The consultation (remiss) on an agreement: its state, the organisation's own response
// (send, change, withdraw while open), the secretariat's view of every response with
// filters, CSV and comments, and after the close the public compilation (remissammanställning)
import { api, apiBlob, qs, session, vocabularies, BASE } from '../api.js?v=8157fd9ca674';
import { h, put, sv, field, checkGroup, notice, readForm, showErrors, onSubmit, confirmAction } from '../dom.js?v=8157fd9ca674';
import { t, label, fmtDate } from '../i18n.js?v=8157fd9ca674';
import { md } from '../markdown.js?v=8157fd9ca674';

export default async function consultation(view, ctx) {
  const ref = encodeURIComponent(ctx.params.ref);
  const [{ data: a }, { data: c }, vocab] = await Promise.all([api(`/agreements/${ref}`), api(`/agreements/${ref}/consultation`), vocabularies()]);
  const title = t('life.consultationTitle', { title: a.title });
  ctx.title(title);
  const state = c.state === 'open' ? t('life.consultationOpen', { date: fmtDate(c.consultation_closes_at) })
    : c.state === 'closed' ? t('life.consultationClosed', { date: fmtDate(c.consultation_closes_at) }) : t('life.consultationNotOpen');
  put(view, sv('h1', {}, title), h('p', { class: 'lead' }, state),
    h('p', {}, h('a', { href: `/overenskommelsen/${a.slug}` }, a.title)));
  const me = session();
  const again = (flash, hash = '') => ctx.go(`/overenskommelsen/${a.slug}/remiss${hash}`, { replace: true, flash });
  if (c.state === 'open') await respondSection(view, a, me, again);
  if (me && me.role === 'admin') await secretariat(view, a, vocab, ctx, again);
  else await compilation(view, a, c);
}

const choices = (a) => ({
  principles: a.principles.map((p) => [p.code, p.title]),
  commitments: a.commitments.map((x, i) => [String(i + 1), `${i + 1}. ${x.text}`]),
});

// The fields of a response; r: the response being changed, or none for a new one
function responseFields(a, r) {
  const ch = choices(a);
  return [
    field({ name: 'body', type: 'textarea', label: t('life.body'), required: true, hint: t('life.bodyHint'), rows: 8, maxlength: 20000, value: r ? r.body : '' }),
    ch.principles.length ? checkGroup({ name: 'principles', label: t('life.principles'), optional: true, hint: t('life.general'), options: ch.principles, value: r ? r.principles : [] }) : null,
    ch.commitments.length ? checkGroup({ name: 'commitments', label: t('life.commitments'), optional: true, options: ch.commitments, value: r ? r.commitments.map(String) : [] }) : null,
    h('div', { class: 'field check' },
      h('input', { type: 'checkbox', id: `nfp-${r ? r.id : 'new'}`, name: 'not_for_publication', value: 'yes', checked: r ? r.not_for_publication : false, 'aria-describedby': `nfp-${r ? r.id : 'new'}-hint` }),
      h('label', { for: `nfp-${r ? r.id : 'new'}` }, t('life.notForPublication')),
      h('p', { class: 'hint', id: `nfp-${r ? r.id : 'new'}-hint` }, t('life.notForPublicationHint'))),
  ];
}

function responseBody(form) {
  const v = readForm(form);
  return {
    body: v.body,
    principles: v.principles || [],
    commitments: (v.commitments || []).map(Number),
    not_for_publication: (v.not_for_publication || []).includes('yes'),
  };
}

// For the organisation's representatives: its response, or a form to send one
async function respondSection(view, a, me, again) {
  const sec = h('section', { 'aria-labelledby': 'resp-h', id: 'svara' }, h('h2', { id: 'resp-h' }, t('life.respond')));
  put(view, sec);
  if (!me) {
    put(sec, h('p', {}, t('life.respondLogin'), ' ', h('a', { href: `/logga-in?next=${encodeURIComponent(location.pathname)}` }, t('common.loginLink'))));
    return;
  }
  const mine = me.organisations || [];
  if (!mine.length) { put(sec, h('p', {}, t('life.notRepresentative'))); return; }
  put(sec, h('p', {}, t('life.respondLead')));
  const { data } = await api(`/agreements/${a.id}/consultation/responses${qs({ status: 'submitted', limit: 100 })}`);
  const answered = new Map(data.items.filter((r) => mine.some((o) => o.id === r.organisation.id)).map((r) => [r.organisation.id, r]));
  for (const r of answered.values()) {
    const form = h('form', { class: 'form', novalidate: true, 'aria-label': t('life.yourResponse', { name: r.organisation.name }) }, responseFields(a, r),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('life.save'))));
    const withdraw = h('button', { type: 'button', class: 'button button-danger' }, t('life.withdraw'));
    onSubmit(form, async () => {
      const body = responseBody(form);
      if (!body.body) return showErrors(form, [{ field: '/body', code: 'required' }]);
      try {
        const cur = await api(`/agreements/${a.id}/consultation/responses/${r.id}`);
        await api(`/agreements/${a.id}/consultation/responses/${r.id}`, { method: 'PATCH', body, ifMatch: cur.etag });
        again(t('life.saved'), '#svara');
      } catch (e) { showErrors(form, e.errors || [], {}, e); }
    });
    withdraw.addEventListener('click', async () => {
      if (!(await confirmAction({ title: t('life.withdrawTitle'), text: t('life.withdrawText'), yes: t('life.withdraw') }))) return;
      try {
        await api(`/agreements/${a.id}/consultation/responses/${r.id}/withdraw`, { method: 'POST' });
        again(t('life.withdrawn'), '#svara');
      } catch (e) { showErrors(form, e.errors || [], {}, e); }
    });
    put(sec, h('h3', {}, t('life.yourResponse', { name: r.organisation.name })), form, h('p', {}, withdraw));
  }
  const open = mine.filter((o) => !answered.has(o.id));
  if (!open.length) return;
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'resp-h' },
    field({ name: 'organisation_id', type: 'select', label: t('life.organisation'), options: open.map((o) => [o.id, o.name]) }),
    responseFields(a, null),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('life.send'))));
  onSubmit(form, async () => {
    const orgId = form.elements.organisation_id.value;
    const body = { organisation_id: orgId, ...responseBody(form) };
    if (!body.body) return showErrors(form, [{ field: '/body', code: 'required' }]);
    try {
      await api(`/agreements/${a.id}/consultation/responses`, { method: 'POST', body });
      again(t('life.sent', { name: open.find((o) => o.id === orgId).name }), '#svara');
    } catch (e) { showErrors(form, e.errors || [], {}, e); }
  });
  put(sec, form);
}

function responseArticle(r, extra) {
  if (r.withheld) return h('article', { class: 'card response' }, h('h3', {}, sv('span', {}, r.organisation.name)), h('p', {}, t('life.withheld', { name: r.organisation.name })));
  return h('article', { class: 'card response' },
    h('h3', {}, sv('span', {}, r.organisation.name), r.status === 'withdrawn' ? ` (${t('life.statusWithdrawn')})` : ''),
    h('p', { class: 'meta' }, fmtDate(r.submitted_at)),
    sv('div', { class: 'prose-md' }, md(r.body)),
    r.comment ? h('div', { class: 'comment' }, h('h4', {}, t('life.comment')), sv('div', { class: 'prose-md' }, md(r.comment))) : null,
    extra);
}

// The public compilation, after the close
async function compilation(view, a, c) {
  const sec = h('section', { 'aria-labelledby': 'comp-h', id: 'sammanstallning' }, h('h2', { id: 'comp-h' }, t('life.compilation')));
  put(view, sec);
  if (c.state !== 'closed') { put(sec, h('p', {}, t('life.compilationLater'))); return; }
  const { data } = await api(`/agreements/${a.id}/consultation/responses${qs({ limit: 100 })}`);
  put(sec, h('p', {}, t('life.compilationLead')), data.items.length ? data.items.map((r) => responseArticle(r)) : h('p', { class: 'empty' }, t('life.noResponses')));
}

// The secretariat: every response, filtered, as CSV, each with a comment form
async function secretariat(view, a, vocab, ctx, again) {
  const kind = ctx.query.get('kind') || '';
  const district = ctx.query.get('district') || '';
  const { data } = await api(`/agreements/${a.id}/consultation/responses${qs({ kind, district, limit: 100 })}`);
  const opts = (list) => [['', t('common.all')], ...list.map((e) => [e.code, label(e)])];
  const filters = h('form', { class: 'search', 'aria-label': t('life.allResponses', { n: data.items.length }) },
    h('div', { class: 'filters' },
      field({ name: 'kind', type: 'select', label: t('life.filterKind'), value: kind, options: opts(vocab.kinds) }),
      field({ name: 'district', type: 'select', label: t('life.filterDistrict'), value: district, options: opts(vocab.districts) })));
  filters.addEventListener('change', () => {
    const f = readForm(filters);
    ctx.go(`/overenskommelsen/${a.slug}/remiss${qs({ kind: f.kind, district: f.district })}`, { replace: true });
  });
  const csv = h('a', { class: 'button button-secondary', href: `${BASE}/agreements/${a.id}/consultation/responses.csv${qs({ kind, district })}` }, t('life.csv'));
  csv.addEventListener('click', async (e) => {
    e.preventDefault();
    const blob = await apiBlob(`/agreements/${a.id}/consultation/responses.csv${qs({ kind, district })}`);
    const link = h('a', { href: URL.createObjectURL(blob), download: `remissvar-${a.slug}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  });
  const sec = h('section', { 'aria-labelledby': 'all-h', id: 'alla' }, h('h2', { id: 'all-h' }, t('life.allResponses', { n: data.items.length })), filters, h('p', {}, csv));
  put(view, sec);
  if (!data.items.length) put(sec, h('p', { class: 'empty' }, t('life.noResponses')));
  for (const r of data.items) {
    const cid = `comment-${r.id}`;
    const form = r.status === 'submitted' ? h('form', { class: 'form', novalidate: true },
      field({ name: 'comment', id: cid, type: 'textarea', label: `${t('life.comment')} – ${r.organisation.name}`, hint: t('life.commentHint'), rows: 3, maxlength: 20000, value: r.comment || '' }),
      h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('life.saveComment')))) : null;
    if (form) {
      onSubmit(form, async () => {
        const comment = form.elements.comment.value.trim();
        if (!comment) return showErrors(form, [{ field: '/comment', code: 'required' }]);
        try {
          await api(`/agreements/${a.id}/consultation/responses/${r.id}/comment`, { method: 'PUT', body: { comment } });
          again(t('life.commented'), '#alla');
        } catch (e) { showErrors(form, e.errors || [], {}, e); }
      });
    }
    put(sec, responseArticle({ ...r, withheld: false, comment: null }, [r.not_for_publication ? notice('info', h('p', {}, t('life.notForPublication'))) : null, form]));
  }
}
