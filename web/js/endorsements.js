// Shared by the agreement, organisation and secretariat pages: statuses and the register table
import { apiBlob, BASE } from './api.js?v=b950594d39fa';
import { h, announce, problemText } from './dom.js?v=b950594d39fa';
import { t, label, fmtDate } from './i18n.js?v=b950594d39fa';

export const agreementStatus = (s) => h('span', { class: `badge badge-ag-${s}` }, t(`agreement.status.${s}`));

function endorsementStatus(e) {
  if (e.status === 'withdrawn') return [t('agreement.endStatus.withdrawn'), ' ', fmtDate(e.withdrawn_at), e.withdrawal_reason ? `: ${e.withdrawal_reason}` : ''];
  return t(`agreement.endStatus.${e.status}`);
}

// A document only the signed-in person may read (a paper's scan): the API wants the token,
// which a plain link does not send, so the file is fetched and then handed to the browser
function privateLink(d, text) {
  const a = h('a', { href: `${BASE}/documents/${d.id}/content`, download: d.filename }, text);
  a.addEventListener('click', async (ev) => {
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

// Who signed, their title and the mandate: the API sends them only to the secretariat and
// the organisation's own people, and then the table shows them in a column of their own.
// An endorsement received on paper: when it came and its scans (the secretariat only).
function signatory(e) {
  const kb = (d) => t('life.kb', { n: Math.max(1, Math.round(d.size / 1024)) });
  return h('td', { class: 'signatory' }, e.signatory_name, e.signatory_title ? `, ${e.signatory_title}` : '',
    h('br'), h('span', { class: 'meta' }, t('agreement.mandateShown', { mandate: e.mandate })),
    e.paper ? [h('br'), h('span', { class: 'meta' }, t('agreement.paperOn', { date: fmtDate(`${e.paper.received_on}T12:00:00Z`) })),
      e.paper.documents.map((d) => [h('br'), privateLink(d, t('agreement.scan', { title: d.title, size: kb(d) }))])] : null);
}

export function endorsementTable(items, vocab, withOrg = true, titles = null) {
  const signed = items.some((e) => 'signatory_name' in e);
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, [withOrg ? t('agreement.organisation') : t('agreement.version'), withOrg ? t('org.kind') : null,
      t('agreement.endorsedAt'), t('org.status'), signed ? t('agreement.signedBy') : null, t('agreement.statement')].filter(Boolean).map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, items.map((e) => h('tr', { 'data-id': e.id },
      withOrg ? h('td', {}, h('a', { href: `/organisationer/${e.organisation.id}` }, e.organisation.name)) : h('td', {}, (titles && titles.get(e.agreement_id)) || ''),
      withOrg ? h('td', {}, label(vocab.kinds.find((k) => k.code === e.organisation.kind))) : null,
      h('td', {}, fmtDate(e.endorsed_at)), h('td', {}, endorsementStatus(e)),
      signed ? ('signatory_name' in e ? signatory(e) : h('td')) : null,
      h('td', {}, e.statement || '')))));
}
