// Documents attached to an agreement or a dialogue: the public list with download links, and
// for the secretariat an upload form (the file's type is checked by the service, up to 10 MB)
import { api, apiBlob, apiUpload, qs, session, BASE } from './api.js?v=8157fd9ca674';
import { h, put, field, showErrors, onSubmit, announce, problemText } from './dom.js?v=8157fd9ca674';
import { t } from './i18n.js?v=8157fd9ca674';

const TYPES = ['signed_agreement', 'decision', 'agenda', 'minutes', 'presentation', 'other'];
const MAX = 10 * 1024 * 1024;

// A link to a document's content. Signed in, the file is fetched with the token and then
// handed to the browser: a plain link sends none, and a draft's documents and the scans of
// paper endorsements are the secretariat's only. Anonymous, the plain link serves.
export function documentLink(d, text) {
  const a = h('a', { href: `${BASE}/documents/${d.id}/content`, download: d.filename }, text);
  a.addEventListener('click', async (ev) => {
    if (!session()) return;
    ev.preventDefault();
    try {
      const link = h('a', { href: URL.createObjectURL(await apiBlob(`/documents/${d.id}/content`)), download: d.filename, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (e) { announce(problemText(e)); }
  });
  return a;
}

// parent: '/agreements/<id>' or '/dialogues/<id>'; again(flash): reload the page at the list
export async function documentsSection(view, parent, again) {
  const { data } = await api(`${parent}/documents${qs({ limit: 100 })}`);
  const admin = session() && session().role === 'admin';
  if (!data.items.length && !admin) return;
  const sec = h('section', { 'aria-labelledby': 'docs-h', id: 'handlingar' }, h('h2', { id: 'docs-h' }, t('life.documents')));
  put(view, sec);
  put(sec, data.items.length ? h('ul', {}, data.items.map((d) => h('li', {},
    documentLink(d, t('life.download', { title: d.title, size: t('life.kb', { n: Math.max(1, Math.round(d.size / 1024)) }) })),
    ' – ', t(`life.docType.${d.type}`)))) : h('p', { class: 'empty' }, t('life.documentsEmpty')));
  if (!admin) return;
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'up-h' },
    h('h3', { id: 'up-h' }, t('life.upload')),
    field({ name: 'title', label: t('life.docTitle'), required: true, maxlength: 300 }),
    field({ name: 'type', type: 'select', label: t('life.docKind'), options: TYPES.map((x) => [x, t(`life.docType.${x}`)]) }),
    field({ name: 'language', type: 'select', label: t('life.docLanguage'), options: [['sv', 'svenska'], ['en', 'English']] }),
    h('div', { class: 'field', 'data-field': 'file', 'data-label': t('life.file') },
      h('label', { for: 'f-file' }, t('life.file'), ' ', h('span', { class: 'opt' }, t('common.required'))),
      h('p', { class: 'hint', id: 'f-file-hint' }, t('life.fileHint')),
      h('p', { class: 'field-error', id: 'f-file-error', hidden: true }),
      h('input', { type: 'file', id: 'f-file', name: 'file', required: true, 'aria-describedby': 'f-file-hint', accept: '.pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,.txt,.png,.jpg,.jpeg' })),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('life.uploadButton'))));
  onSubmit(form, async () => {
    const file = form.elements.file.files[0];
    const title = form.elements.title.value.trim();
    const errs = [];
    if (!title) errs.push({ field: '/title', code: 'required' });
    if (!file) errs.push({ field: '/file', text: t('life.fileMissing') });
    else if (file.size > MAX) errs.push({ field: '/file', text: t('life.fileTooLarge') });
    if (errs.length) return showErrors(form, errs);
    try {
      await apiUpload(`${parent}/documents${qs({ title, type: form.elements.type.value, language: form.elements.language.value, filename: file.name })}`, file);
      again(t('life.uploaded', { title }));
    } catch (e) {
      if (e.status === 415) return showErrors(form, [{ field: '/file', text: t('life.fileRefused') }], {}, e);
      showErrors(form, e.errors || [], {}, e);
    }
  });
  put(sec, form);
}
