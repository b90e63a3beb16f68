// Start: what Idékom is, live figures counted from the register, next dialogues (coming)
import { api, qs, session } from '../api.js';
import { h } from '../dom.js';
import { t, fmtNum } from '../i18n.js';

const MAX_PAGES = 10; // at most 1000 organisations are counted here; /stats will replace this

async function count() {
  let cursor = null;
  let n = 0;
  const districts = new Set();
  for (let i = 0; i < MAX_PAGES; i++) {
    const { data } = await api(`/organisations${qs({ status: 'verified', limit: 100, cursor })}`);
    n += data.items.length;
    data.items.forEach((o) => o.districts.forEach((d) => districts.add(d)));
    cursor = data.next_cursor;
    if (!cursor) return { n, districts: districts.size, more: false };
  }
  return { n, districts: districts.size, more: true };
}

export default async function start(view, ctx) {
  ctx.title(t('nav.start'));
  const figures = h('div', { class: 'figures-slot' }, h('p', {}, t('site.loading')));
  view.append(
    h('div', { class: 'intro' },
      h('h1', {}, t('start.title')),
      h('p', { class: 'lead' }, t('start.lead')),
      h('p', {}, t('start.agreementText'))),
    h('section', { 'aria-labelledby': 'fig-h' }, h('h2', { id: 'fig-h' }, t('start.figures')), figures),
    h('div', { class: 'cards' },
      h('section', { class: 'card', 'aria-labelledby': 'dlg-h' },
        h('h2', { id: 'dlg-h' }, t('start.nextDialogues')),
        h('p', {}, h('span', { class: 'badge badge-coming' }, t('common.coming'))),
        h('p', {}, t('start.nextDialoguesComing'))),
      h('section', { class: 'card', 'aria-labelledby': 'find-h' },
        h('h2', { id: 'find-h' }, t('start.findOrg')),
        h('p', {}, t('orgs.lead')),
        h('p', {}, h('a', { class: 'button', href: '/organisationer' }, t('start.findOrg')))),
      h('section', { class: 'card', 'aria-labelledby': 'reg-h' },
        h('h2', { id: 'reg-h' }, t('start.registerOrg')),
        h('p', {}, t('start.registerOrgText')),
        h('p', {}, h('a', { class: 'button button-secondary', href: session() ? '/mina-organisationer/ny' : '/skapa-konto' }, t('start.registerOrg'))))));
  try {
    const c = await count();
    figures.replaceChildren(
      h('ul', { class: 'figures' },
        h('li', {}, h('span', { class: 'figure' }, c.more ? t('start.figuresMore', { n: c.n }) : fmtNum(c.n)), ' ', h('span', {}, t('start.verified', { n: c.n }))),
        h('li', {}, h('span', { class: 'figure' }, fmtNum(c.districts)), ' ', h('span', {}, t('start.districts', { n: c.districts })))),
      h('p', { class: 'hint' }, t('start.figuresFrom')));
  } catch {
    figures.replaceChildren(h('p', {}, t('start.figuresFailed')));
  }
}
