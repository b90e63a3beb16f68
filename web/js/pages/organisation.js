// An organisation's page: profile, legal form, code labels, members, representatives
import { api, apiAll, qs, roleIn, absolute, vocabularies } from '../api.js?v=8157fd9ca674';
import { h, put, notice, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, label, fmtDate, fmtNum } from '../i18n.js?v=8157fd9ca674';
import { orgItem } from './organisations.js?v=8157fd9ca674';
import { endorsementTable } from '../endorsements.js?v=8157fd9ca674';


const labels = (codes, list) => codes.map((c) => label(list.find((e) => e.code === c))).join(', ');

function dl(rows) {
  return h('dl', { class: 'facts' }, rows.filter((r) => r[1] != null && r[1] !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function repsTable(items) {
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('reps.name')), h('th', { scope: 'col' }, t('reps.email')),
      h('th', { scope: 'col' }, t('reps.role')), h('th', { scope: 'col' }, t('reps.since')))),
    h('tbody', {}, items.map((r) => h('tr', {}, h('td', {}, r.name), h('td', {}, r.email), h('td', {}, t(`roles.${r.role}`)), h('td', {}, fmtDate(r.since))))));
}

export default async function organisation(view, ctx) {
  const id = ctx.params.id;
  const vocab = await vocabularies();
  let o;
  try {
    o = (await api(`/organisations/${encodeURIComponent(id)}`)).data;
  } catch (e) {
    ctx.title(t('problems.not-found'));
    if (e.status === 404) {
      put(view, h('h1', {}, t('problems.not-found')), h('p', {}, t('org.notFound')));
      return;
    }
    throw e;
  }
  ctx.title(o.name);
  const role = roleIn(o.id);
  const actions = h('ul', { class: 'actions' },
    role ? h('li', {}, h('a', { class: 'button', href: `/organisationer/${o.id}/redigera` }, t('org.edit'))) : null,
    role === 'admin' || role === 'signatory' ? h('li', {}, h('a', { class: 'button button-secondary', href: `/organisationer/${o.id}/foretradare` }, t('org.manageReps'))) : null,
    role === 'admin' ? h('li', {}, h('a', { class: 'button button-secondary', href: `/kansli/logg?entity_id=${o.id}` }, t('org.auditLog'))) : null);
  const umbrella = h('span');
  const endorsements = h('section', { 'aria-labelledby': 'end-h' }, h('h2', { id: 'end-h' }, t('org.endorsement')),
    h('p', {}, o.endorsement ? t('org.endorsedSince', { date: fmtDate(o.endorsement.endorsed_at) }) : t('org.notEndorsed')),
    role === 'signatory' && o.status === 'verified' ? h('p', {}, h('a', { href: '/overenskommelsen#anslut' }, t(o.endorsement ? 'org.manageEndorsement' : 'org.endorseNow'))) : null);
  const website = o.website && /^https?:\/\//i.test(o.website) ? h('a', { href: o.website, rel: 'noopener noreferrer nofollow' }, o.website) : o.website;
  put(view,
    h('h1', {}, o.name),
    o.status !== 'verified' ? h('p', {}, h('span', { class: `badge badge-${o.status}` }, t(`status.${o.status}`))) : null,
    o.status === 'pending' ? notice('info', h('p', {}, t('org.pendingNote'))) : null,
    o.status_reason ? notice('warning', h('p', {}, h('strong', {}, t('org.statusReason'), ': '), o.status_reason)) : null,
    actions.children.length ? actions : null,
    o.description ? h('section', { 'aria-labelledby': 'about-h' }, h('h2', { id: 'about-h' }, t('org.description')), h('p', { class: 'prose' }, o.description)) : null,
    h('section', { 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, t('org.facts')),
      dl([
        [t('org.orgNumber'), o.org_number || t('common.notGiven')],
        [t('org.legalForm'), o.legal_form ? t(`legalForms.${o.legal_form}`) : null],
        [t('org.kind'), label(vocab.kinds.find((k) => k.code === o.kind))],
        [t('org.areas'), labels(o.areas, vocab.areas)],
        [t('org.districts'), labels(o.districts, vocab.districts)],
        [t('org.memberCount'), o.member_count == null ? null : fmtNum(o.member_count)],
        [t('org.umbrella'), o.umbrella_id ? umbrella : null],
        [t('org.registered'), fmtDate(o.created_at)],
        [t('org.updated'), fmtDate(o.updated_at)],
      ])),
    o.website || o.email || o.phone ? h('section', { 'aria-labelledby': 'contact-h' }, h('h2', { id: 'contact-h' }, t('org.contact')),
      dl([
        [t('org.website'), website],
        [t('org.email'), o.email ? h('a', { href: `mailto:${o.email}` }, o.email) : null],
        [t('org.phone'), o.phone ? h('a', { href: `tel:${o.phone.replace(/[^0-9+]/g, '')}` }, o.phone) : null],
      ])) : null,
    endorsements);

  const members = h('section', { 'aria-labelledby': 'mem-h' }, h('h2', { id: 'mem-h' }, t('org.members')));
  put(view, members);
  if (role === 'admin' || role === 'signatory') {
    const reps = h('section', { 'aria-labelledby': 'reps-h' }, h('h2', { id: 'reps-h' }, t('org.representatives')));
    put(view, reps);
    apiAll(`/organisations/${o.id}/representatives`).then(
      ({ data }) => put(reps, data.items.length ? repsTable(data.items) : h('p', {}, t('reps.empty'))),
      (e) => put(reps, problemBox(e)));
  }
  put(view, h('section', { 'aria-labelledby': 'dlg-h' }, h('h2', { id: 'dlg-h' }, t('org.dialogues')),
    h('p', {}, t('org.dialoguesText')),
    h('p', {}, h('a', { href: absolute(`/organisations/${o.id}/dialogues.ics`), download: 'idekom-dialoger.ics' }, t('org.dialoguesCalendar')))));
  Promise.all([apiAll(`/organisations/${o.id}/endorsements`), api(`/agreements${qs({ limit: 100 })}`)]).then(([{ data }, { data: ags }]) => {
    const titles = new Map(ags.items.map((x) => [x.id, `${x.title} (${t('agreement.versionN', { n: x.version })})`]));
    if (data.items.length) put(endorsements, h('h3', {}, t('org.endorsementHistory')), endorsementTable(data.items, vocab, false, titles));
  }, (e) => put(endorsements, problemBox(e)));

  if (o.umbrella_id) {
    api(`/organisations/${o.umbrella_id}`).then(({ data }) => put(umbrella, h('a', { href: `/organisationer/${data.id}` }, data.name)), () => {});
  }
  // member organisations, a page at a time
  const list = h('ul', { class: 'org-list' });
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  let cursor = null;
  async function page(append) {
    const { data } = await api(`/organisations/${o.id}/members${qs({ limit: 20, cursor })}`);
    const items = data.items.map((m) => orgItem(m, vocab));
    put(list, ...items);
    cursor = data.next_cursor;
    more.hidden = !cursor;
    if (append && items[0]) items[0].querySelector('a').focus();
    return data.items.length;
  }
  more.addEventListener('click', () => page(true).catch((e) => put(members, problemBox(e))));
  try {
    if (await page(false)) put(members, list, more);
    else put(members, h('p', {}, t('org.membersEmpty')));
  } catch (e) {
    put(members, problemBox(e));
  }
}
