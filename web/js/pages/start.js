// Start: what Idékom and the agreement are, live figures (GET /stats), the next dialogues
import { api, qs, session, vocabularies } from '../api.js?v=8157fd9ca674';
import { put, h } from '../dom.js?v=8157fd9ca674';
import { t, fmtNum } from '../i18n.js?v=8157fd9ca674';
import { dialogueItem } from './dialogues.js?v=8157fd9ca674';

export default async function start(view, ctx) {
  ctx.title(t('nav.start'));
  const figures = h('div', {}, h('p', {}, t('site.loading')));
  const next = h('div', {}, h('p', {}, t('site.loading')));
  put(view, 
    h('div', { class: 'intro' },
      h('h1', {}, t('start.title')),
      h('p', { class: 'lead' }, t('start.lead')),
      h('p', {}, t('start.agreementText'), ' ', h('a', { href: '/overenskommelsen' }, t('start.readAgreement')))),
    h('section', { 'aria-labelledby': 'fig-h' }, h('h2', { id: 'fig-h' }, t('start.figures')), figures),
    h('section', { 'aria-labelledby': 'dlg-h' }, h('h2', { id: 'dlg-h' }, t('start.nextDialogues')), next),
    h('div', { class: 'cards' },
      h('section', { class: 'card', 'aria-labelledby': 'find-h' },
        h('h2', { id: 'find-h' }, t('start.findOrg')),
        h('p', {}, t('orgs.lead')),
        h('p', {}, h('a', { class: 'button', href: '/organisationer' }, t('start.findOrg')))),
      h('section', { class: 'card', 'aria-labelledby': 'reg-h' },
        h('h2', { id: 'reg-h' }, t('start.registerOrg')),
        h('p', {}, t('start.registerOrgText')),
        h('p', {}, h('a', { class: 'button button-secondary', href: session() ? '/mina-organisationer/ny' : '/skapa-konto?next=/mina-organisationer/ny' }, t('start.registerOrg'))))));

  const [stats, vocab, upcoming] = await Promise.allSettled([
    api('/stats'), vocabularies(),
    api(`/dialogues${qs({ from: new Date().toISOString(), status: 'scheduled', limit: 3 })}`),
  ]);
  if (stats.status === 'fulfilled') {
    const s = stats.value.data;
    const fig = (n, key, href) => h('li', {}, h('a', { href, class: 'figure-link' },
      h('span', { class: 'figure' }, fmtNum(n)), ' ', h('span', {}, t(key, { n }))));
    figures.replaceChildren(h('ul', { class: 'figures' },
      fig(s.endorsements.active, 'start.endorsing', '/overenskommelsen#register'),
      fig(s.dialogues.upcoming, 'start.upcoming', '/dialoger'),
      fig(s.organisations.total, 'start.verified', '/organisationer')),
    h('p', { class: 'hint' }, t('start.figuresFrom'), ' ', h('a', { href: '/statistik' }, t('start.moreStats'))));
  } else figures.replaceChildren(h('p', {}, t('start.figuresFailed')));
  if (upcoming.status === 'fulfilled' && vocab.status === 'fulfilled') {
    const items = upcoming.value.data.items;
    next.replaceChildren(
      items.length ? h('ul', { class: 'org-list' }, items.map((d) => dialogueItem(d, vocab.value, 'h3'))) : h('p', { class: 'empty' }, t('dialogues.noneUpcoming')),
      h('p', {}, h('a', { href: '/dialoger' }, t('start.allDialogues'))));
  } else next.replaceChildren(h('p', {}, t('start.figuresFailed')));
}
