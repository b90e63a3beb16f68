// The secretariat's part of the agreement page, loaded for admin only: recording an
// endorsement that came on paper, on the organisation's behalf, with the mandate read from
// the paper, and its scanned copy. The scan carries a signature, so it is kept with the
// endorsement (only the secretariat sees it), never among the agreement's public documents.
import { api, apiAll, apiUpload, qs } from './api.js?v=8157fd9ca674';
import { h, put, field, notice, readForm, showErrors, onSubmit, problemText } from './dom.js?v=8157fd9ca674';
import { t } from './i18n.js?v=8157fd9ca674';

const MAX = 10 * 1024 * 1024;

function fileField(id, label, optional) {
  return h('div', { class: 'field', 'data-field': 'file', 'data-label': label },
    h('label', { for: id }, label, ' ', h('span', { class: 'opt' }, t(optional ? 'common.optional' : 'common.required'))),
    h('p', { class: 'hint', id: `${id}-hint` }, t('agreement.scanHint')),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
    h('input', { type: 'file', id, name: 'file', 'aria-describedby': `${id}-hint`, accept: '.pdf,.png,.jpg,.jpeg' }));
}

// What is wrong with the file before anything is sent, or null
function fileProblem(file) {
  if (!file) return [{ field: '/file', text: t('life.fileMissing') }];
  return file.size > MAX ? [{ field: '/file', text: t('life.fileTooLarge') }] : null;
}

// Uploads the scan of endorsement e (of organisation name); null, or the errors to show
async function sendScan(a, e, name, file) {
  try {
    await apiUpload(`/agreements/${a.id}/endorsements/${e.id}/paper/documents${qs({ title: t('agreement.scanTitle', { name }), type: 'other', language: 'sv', filename: file.name })}`, file);
    return null;
  } catch (err) {
    if (err.status === 415) return [{ field: '/file', text: t('life.fileRefused') }];
    return err.errors?.length ? err.errors : [{ field: '/file', text: problemText(err) }];
  }
}

// A form that uploads the scan of endorsement e; done() after it is stored
function scanForm(a, e, name, done) {
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': t('agreement.scanAddFor', { name }) },
    fileField(`scan-${e.id}`, t('agreement.scanFor', { name })),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('agreement.scanSave'))));
  onSubmit(form, async () => {
    const file = form.elements.file.files[0];
    const errs = fileProblem(file) || await sendScan(a, e, name, file);
    if (errs) return showErrors(form, errs);
    done();
  });
  return form;
}

// In the register: a paper endorsement without its scan gets a way to add it
export function decorate(slot, rows, a, again) {
  for (const e of rows) {
    const cell = e.paper && !e.paper.documents.length && slot.querySelector(`tr[data-id="${e.id}"] .signatory`);
    if (!cell) continue;
    const name = e.organisation.name;
    const form = scanForm(a, e, name, () => again(t('agreement.scanSaved', { name })));
    form.hidden = true;
    const open = h('button', { type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-label': t('agreement.scanAddFor', { name }) }, t('agreement.scanAdd'));
    open.addEventListener('click', () => { form.hidden = false; open.setAttribute('aria-expanded', 'true'); form.elements.file.focus(); });
    put(cell, h('br'), open, form);
  }
}

export default async function paper(sec, a, ctx) {
  const orgs = (await apiAll('/organisations?status=verified&sort=name')).data.items.filter((o) => !o.endorsement || o.endorsement.agreement_id !== a.id);
  const labels = { organisation_id: t('agreement.organisation'), signatory_name: t('agreement.signatoryName'), signatory_title: t('agreement.signatoryTitle'), mandate: t('agreement.mandate'), received_on: t('agreement.paperReceived'), statement: t('agreement.statement') };
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
  const again = (flash) => ctx.go('/overenskommelsen#anslut', { replace: true, flash });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'paper-h' },
    h('p', {}, t('agreement.paperLead')),
    field({ name: 'organisation_id', type: 'select', label: labels.organisation_id, required: true, options: [['', t('admin.choose')], ...orgs.map((o) => [o.id, o.name])] }),
    field({ name: 'signatory_name', label: labels.signatory_name, required: true, maxlength: 200 }),
    field({ name: 'signatory_title', label: labels.signatory_title, optional: true, hint: t('agreement.signatoryTitleHint'), maxlength: 200 }),
    field({ name: 'mandate', label: labels.mandate, required: true, hint: t('agreement.mandateHint'), maxlength: 500 }),
    field({ name: 'received_on', type: 'date', label: labels.received_on, required: true, value: today, max: today }),
    field({ name: 'statement', type: 'textarea', label: labels.statement, optional: true, rows: 3, maxlength: 2000 }),
    fileField('f-scan', t('agreement.paperScan'), true),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('agreement.paperButton'))));
  onSubmit(form, async () => {
    const v = readForm(form);
    const file = form.elements.file.files[0];
    delete v.file; // the input's value is only the file's name
    const missing = ['organisation_id', 'signatory_name', 'mandate', 'received_on'].filter((k) => !v[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
    const bad = file ? fileProblem(file) || [] : [];
    if (missing.length || bad.length) return showErrors(form, [...missing, ...bad], labels);
    const name = orgs.find((o) => o.id === v.organisation_id).name;
    let e;
    try {
      e = (await api(`/agreements/${a.id}/paper-endorsements`, { method: 'POST', body: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '')) })).data;
    } catch (err) { return showErrors(form, err.errors || [], labels, err); }
    if (!file) return again(t('agreement.paperDone', { name }));
    const errs = await sendScan(a, e, name, file);
    if (!errs) return again(t('agreement.paperDoneScan', { name }));
    // the endorsement stands; only the file is asked for again
    const retry = scanForm(a, e, name, () => again(t('agreement.paperDoneScan', { name })));
    form.replaceWith(notice('warning', h('p', {}, t('agreement.paperScanFailed', { name }))), retry);
    showErrors(retry, errs);
  });
  put(sec, h('h3', { id: 'paper-h' }, t('agreement.paperTitle')), orgs.length ? form : h('p', { class: 'empty' }, t('agreement.paperNone')));
}
