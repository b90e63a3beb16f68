// Shared by the agreement, organisation and secretariat pages: statuses and the register table
import { h } from './dom.js?v=8157fd9ca674';
import { t, label, fmtDate } from './i18n.js?v=8157fd9ca674';
import { documentLink } from './documents.js?v=8157fd9ca674';

export const agreementStatus = (s) => h('span', { class: `badge badge-ag-${s}` }, t(`agreement.status.${s}`));

function endorsementStatus(e) {
  if (e.status === 'withdrawn') return [t('agreement.endStatus.withdrawn'), ' ', fmtDate(e.withdrawn_at), e.withdrawal_reason ? `: ${e.withdrawal_reason}` : ''];
  return t(`agreement.endStatus.${e.status}`);
}

// Who signed, their title and the mandate: the API sends them only to the secretariat and
// the organisation's own people, and then the table shows them in a column of their own.
// An endorsement received on paper: when it came and its scans (the secretariat only).
function signatory(e) {
  const kb = (d) => t('life.kb', { n: Math.max(1, Math.round(d.size / 1024)) });
  return h('td', { class: 'signatory' }, e.signatory_name, e.signatory_title ? `, ${e.signatory_title}` : '',
    h('br'), h('span', { class: 'meta' }, t('agreement.mandateShown', { mandate: e.mandate })),
    e.paper ? [h('br'), h('span', { class: 'meta' }, t('agreement.paperOn', { date: fmtDate(`${e.paper.received_on}T12:00:00Z`) })),
      e.paper.documents.map((d) => [h('br'), documentLink(d, t('agreement.scan', { title: d.title, size: kb(d) }))])] : null);
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
