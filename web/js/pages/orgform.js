// Register an organisation (POST) or edit its profile (PATCH with If-Match; a clash with
// another editor is explained and nothing typed is lost)
import { api, qs, loadMe, roleIn, vocabularies } from '../api.js?v=8157fd9ca674';
import { h, put, field, checkGroup, notice, readForm, showErrors, clearErrors, onSubmit, announce, needLogin, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, label } from '../i18n.js?v=8157fd9ca674';
import { clashBox, same } from '../clash.js?v=8157fd9ca674';

const TEXT = ['org_number', 'name', 'kind', 'umbrella_id', 'description', 'website', 'email', 'phone', 'member_count', 'status', 'status_reason'];
const LISTS = ['areas', 'districts'];

// A form value as the API wants it
function toApi(name, v) {
  if (LISTS.includes(name)) return [...(v || [])].sort();
  if (v === '' || v == null) return name === 'name' || name === 'kind' ? v ?? '' : null;
  if (name === 'member_count' && /^\d+$/.test(v)) return Number(v);
  return v;
}

export default async function orgform(view, ctx) {
  const me = needLogin(view, ctx);
  if (!me) return;
  const edit = ctx.opts.mode === 'edit';
  const vocab = await vocabularies();
  let base = null; // the version the person started from
  let etag = null;
  if (edit) {
    const r = await api(`/organisations/${encodeURIComponent(ctx.params.id)}`);
    base = r.data;
    etag = r.etag;
  }
  const admin = me.role === 'admin';
  if (edit && !roleIn(base.id)) {
    ctx.title(t('problems.forbidden'));
    put(view, h('h1', {}, t('problems.forbidden')));
    return;
  }
  const title = edit ? t('orgForm.editTitle', { name: base.name }) : t('orgForm.createTitle');
  ctx.title(title);

  const umbrellas = (await api(`/organisations${qs({ kind: 'paraplyorganisation', limit: 100 })}`)).data.items
    .filter((o) => !base || o.id !== base.id);
  if (base && base.umbrella_id && !umbrellas.some((o) => o.id === base.umbrella_id)) {
    try { umbrellas.push((await api(`/organisations/${base.umbrella_id}`)).data); } catch { /* not visible */ }
  }
  const v = base || {};
  const labels = {
    org_number: t('org.orgNumber'), name: t('orgForm.name'), kind: t('org.kind'), umbrella_id: t('org.umbrella'),
    areas: t('org.areas'), districts: t('org.districts'), description: t('org.description'), website: t('org.website'),
    email: t('org.email'), phone: t('org.phone'), member_count: t('org.memberCount'), status: t('org.status'), status_reason: t('org.statusReason'),
  };
  // a retired code is offered only to a record that already holds it (it may keep it)
  const held = new Set([v.kind, ...(v.areas || []), ...(v.districts || [])]);
  const opts = (list) => list.filter((e) => !e.retired || held.has(e.code)).map((e) => [e.code, label(e)]);
  const lockedNumber = edit && base.status === 'verified' && !admin;
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'name', label: labels.name, required: true, value: v.name, hint: t('orgForm.nameHint'), maxlength: 200, autocomplete: 'organization' }),
    field({ name: 'org_number', label: labels.org_number, optional: true, value: v.org_number, hint: t('orgForm.orgNumberHint'), inputmode: 'numeric', maxlength: 13 }),
    field({ name: 'kind', type: 'select', label: labels.kind, required: true, value: v.kind || '',
      options: [['', t('orgForm.kindChoose')], ...opts(vocab.kinds)] }),
    field({ name: 'umbrella_id', type: 'select', label: labels.umbrella_id, optional: true, value: v.umbrella_id || '', hint: t('orgForm.umbrellaHint'),
      options: [['', t('common.none')], ...umbrellas.map((o) => [o.id, o.name])] }),
    checkGroup({ name: 'areas', label: labels.areas, optional: true, hint: t('orgForm.areasHint'), options: opts(vocab.areas), value: v.areas }),
    checkGroup({ name: 'districts', label: labels.districts, optional: true, hint: t('orgForm.districtsHint'), options: opts(vocab.districts), value: v.districts }),
    field({ name: 'description', type: 'textarea', label: labels.description, optional: true, value: v.description, hint: t('orgForm.descriptionHint'), maxlength: 5000 }),
    field({ name: 'website', type: 'url', label: labels.website, optional: true, value: v.website, hint: t('orgForm.websiteHint'), autocomplete: 'url', spellcheck: 'false' }),
    field({ name: 'email', type: 'email', label: labels.email, optional: true, value: v.email, autocomplete: 'email', spellcheck: 'false' }),
    field({ name: 'phone', type: 'tel', label: labels.phone, optional: true, value: v.phone, hint: t('orgForm.phoneHint'), autocomplete: 'tel' }),
    field({ name: 'member_count', label: labels.member_count, optional: true, value: v.member_count ?? '', hint: t('orgForm.memberCountHint'), inputmode: 'numeric' }),
    edit && admin ? field({ name: 'status', type: 'select', label: labels.status, value: v.status,
      options: ['pending', 'verified', 'rejected', 'inactive'].map((s) => [s, t(`status.${s}`)]) }) : null,
    edit && admin ? field({ name: 'status_reason', type: 'textarea', label: labels.status_reason, optional: true, value: v.status_reason, rows: 2, maxlength: 1000 }) : null,
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t(edit ? 'orgForm.save' : 'orgForm.create'))));
  if (lockedNumber) form.elements.org_number.readOnly = true;
  const done = h('div');
  put(view, h('h1', {}, title), h('p', { class: 'lead' }, t(edit ? 'orgForm.editLead' : 'orgForm.createLead')), done, form);

  const values = () => {
    const r = readForm(form);
    const out = {};
    for (const k of [...TEXT, ...LISTS]) if (k in r) out[k] = toApi(k, r[k]);
    return out;
  };
  const baseValues = (o) => Object.fromEntries([...TEXT, ...LISTS].filter((k) => form.elements[k]).map((k) => [k, toApi(k, o[k] ?? '')]));

  function display(name, val) {
    if (val == null || val === '' || (Array.isArray(val) && !val.length)) return t('common.notGiven');
    if (Array.isArray(val)) return val.map((c) => form.querySelector(`label[for="f-${name}-${c}"]`)?.textContent || c).join(', ');
    const el = form.elements[name];
    if (el && el.tagName === 'SELECT') return [...el.options].find((o) => o.value === val)?.textContent || val;
    return String(val);
  }

  function fill(o) {
    for (const k of TEXT) if (form.elements[k]) form.elements[k].value = o[k] ?? '';
    for (const k of LISTS) for (const cb of form.querySelectorAll(`input[name="${k}"]`)) cb.checked = (o[k] || []).includes(cb.value);
  }

  async function clash() {
    const r = await api(`/organisations/${base.id}`);
    etag = r.etag; // the next save goes on top of their version
    const box = clashBox({
      started: baseValues(base), theirs: baseValues(r.data), mine: values(), labels, show: display,
      onSaveMine: () => form.requestSubmit(),
      onUseTheirs: () => {
        base = r.data;
        fill(base);
        form.elements.name.focus();
        announce(t('clash.resolved'));
      },
    });
    done.replaceChildren(box);
    box.focus();
  }

  onSubmit(form, async () => {
    clearErrors(form);
    const val = values();
    const missing = ['name', 'kind'].filter((k) => !val[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
    if (missing.length) return showErrors(form, missing, labels);
    try {
      if (!edit) {
        const body = Object.fromEntries(Object.entries(val).filter(([, x]) => x !== null && !(Array.isArray(x) && !x.length)));
        const { data } = await api('/organisations', { method: 'POST', body });
        await loadMe();
        return ctx.go(`/organisationer/${data.id}`, { flash: t('orgForm.created') });
      }
      const started = baseValues(base);
      const patch = Object.fromEntries(Object.entries(val).filter(([k, x]) => !same(x, started[k])));
      if (!Object.keys(patch).length) {
        done.replaceChildren(notice('info', h('p', { role: 'status' }, t('orgForm.nothingChanged'))));
        return;
      }
      await api(`/organisations/${base.id}`, { method: 'PATCH', body: patch, ifMatch: etag });
      return ctx.go(`/organisationer/${base.id}`, { flash: t('form.saved') });
    } catch (e) {
      if (e.status === 412) {
        try { return await clash(); } catch (e2) { e = e2; }
      }
      if (e.type === 'session') done.replaceChildren(problemBox(e));
      showErrors(form, e.errors || [], labels, e);
    }
  });
}
