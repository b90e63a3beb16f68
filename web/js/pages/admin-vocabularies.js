// The code lists the secretariat keeps: organisation kinds, interest areas and districts. A
// code is added, relabelled, retired (kept for old records, no longer offered) or taken into
// use again; codes are never deleted
import { api, vocabularies, forgetVocabularies } from '../api.js?v=8157fd9ca674';
import { h, put, field, readForm, showErrors, onSubmit, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t } from '../i18n.js?v=8157fd9ca674';

const LISTS = ['districts', 'areas', 'kinds'];

function done(slot, text) {
  const box = h('div', { class: 'notice notice-success', tabindex: '-1' }, h('p', {}, text));
  slot.replaceChildren(box);
  box.focus();
  announce(text);
}

async function list(sec, name) {
  forgetVocabularies();
  const entries = (await vocabularies())[name];
  const msg = h('div');
  const labels = { code: t('vocab.code'), label_sv: t('vocab.labelSv'), label_en: t('vocab.labelEn') };
  const rows = entries.map((e) => {
    const edit = h('form', { class: 'form vocab-edit', novalidate: true, hidden: true, 'aria-label': t('vocab.editName', { label: e.label_sv }) },
      field({ name: 'label_sv', id: `${name}-${e.code}-sv`, label: labels.label_sv, required: true, value: e.label_sv, maxlength: 200 }),
      field({ name: 'label_en', id: `${name}-${e.code}-en`, label: labels.label_en, required: true, value: e.label_en, maxlength: 200 }),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('vocab.save'))));
    const open = h('button', { type: 'button', class: 'button button-small button-secondary', 'aria-expanded': 'false', 'aria-label': t('vocab.editName', { label: e.label_sv }) }, t('vocab.edit'));
    open.addEventListener('click', () => { edit.hidden = !edit.hidden; open.setAttribute('aria-expanded', String(!edit.hidden)); if (!edit.hidden) edit.elements.label_sv.focus(); });
    onSubmit(edit, async () => {
      const v = readForm(edit);
      const missing = ['label_sv', 'label_en'].filter((k) => !v[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
      if (missing.length) return showErrors(edit, missing, labels);
      try {
        await api(`/vocabularies/${name}/codes/${e.code}`, { method: 'PATCH', body: v });
        await list(sec, name);
        done(sec.querySelector('.vocab-msg'), t('vocab.saved', { label: v.label_sv }));
      } catch (err) { showErrors(edit, err.errors || [], labels, err); }
    });
    const toggle = h('button', { type: 'button', class: `button button-small ${e.retired ? 'button-secondary' : 'button-danger'}`, 'aria-label': t(e.retired ? 'vocab.reinstateName' : 'vocab.retireName', { label: e.label_sv }) }, t(e.retired ? 'vocab.reinstate' : 'vocab.retire'));
    toggle.addEventListener('click', async () => {
      try {
        await api(`/vocabularies/${name}/codes/${e.code}`, { method: 'PATCH', body: { retired: !e.retired } });
        await list(sec, name);
        done(sec.querySelector('.vocab-msg'), t(e.retired ? 'vocab.reinstated' : 'vocab.retired', { label: e.label_sv }));
      } catch (err) { msg.replaceChildren(problemBox(err, null, 'h4')); }
    });
    return h('tr', {},
      h('th', { scope: 'row' }, e.label_sv), h('td', { lang: 'en' }, e.label_en), h('td', {}, h('code', {}, e.code)),
      h('td', {}, e.retired ? h('span', { class: 'badge badge-inactive' }, t('vocab.isRetired')) : t('vocab.inUse')),
      h('td', {}, h('p', { class: 'actions' }, open, toggle), edit));
  });
  const add = h('form', { class: 'form', novalidate: true, 'aria-labelledby': `${name}-add-h` },
    h('h4', { id: `${name}-add-h` }, t('vocab.add')),
    field({ name: 'label_sv', id: `${name}-new-sv`, label: labels.label_sv, required: true, maxlength: 200 }),
    field({ name: 'label_en', id: `${name}-new-en`, label: labels.label_en, required: true, maxlength: 200 }),
    field({ name: 'code', id: `${name}-new-code`, label: labels.code, required: true, hint: t('vocab.codeHint'), maxlength: 50, spellcheck: 'false' }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('vocab.addButton'))));
  onSubmit(add, async () => {
    const v = readForm(add);
    const missing = ['label_sv', 'label_en', 'code'].filter((k) => !v[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
    if (missing.length) return showErrors(add, missing, labels);
    try {
      await api(`/vocabularies/${name}/codes`, { method: 'POST', body: v });
      await list(sec, name);
      done(sec.querySelector('.vocab-msg'), t('vocab.added', { label: v.label_sv }));
    } catch (err) { showErrors(add, err.errors || [], labels, err); }
  });
  sec.querySelector('.vocab-body').replaceChildren(msg,
    h('table', { class: 'table' }, h('caption', { class: 'sr-only' }, t(`vocab.lists.${name}`)),
      h('thead', {}, h('tr', {}, [t('vocab.labelSv'), t('vocab.labelEn'), t('vocab.code'), t('org.status'), t('reps.actions')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)),
    add);
}

export default async function vocabulariesPage(section) {
  put(section, h('h2', { id: 'sec-h' }, t('admin.vocabularies')), h('p', {}, t('vocab.lead')));
  for (const name of LISTS) {
    const sec = h('section', { 'aria-labelledby': `${name}-h`, class: 'vocab' }, h('h3', { id: `${name}-h` }, t(`vocab.lists.${name}`)),
      h('div', { class: 'vocab-msg' }), h('div', { class: 'vocab-body' }));
    put(section, sec);
    try { await list(sec, name); } catch (e) { sec.append(problemBox(e, null, 'h4')); }
  }
}
