// The accessibility statement (tillgänglighetsredogörelse) and the open-data page
import { BASE, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

const sec = (id, title, ...kids) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...kids);
const list = (items) => h('ul', {}, items.map((x) => h('li', {}, x)));

export default async function info(view, ctx) {
  if (ctx.opts.page === 'a11y') {
    ctx.title(t('a11y.title'));
    view.append(h('h1', {}, t('a11y.title')), h('p', { class: 'lead' }, t('a11y.intro')),
      sec('a-status', t('a11y.statusTitle'), h('p', {}, t('a11y.status'))),
      sec('a-gaps', t('a11y.gapsTitle'), list(t('a11y.gaps'))),
      sec('a-report', t('a11y.reportTitle'), h('p', {}, t('a11y.report'))),
      sec('a-sup', t('a11y.supervisionTitle'), h('p', {}, t('a11y.supervision')),
        h('p', {}, h('a', { href: 'https://www.digg.se/tdosanmalan', lang: 'sv' }, t('a11y.diggLink')))),
      sec('a-method', t('a11y.methodTitle'), h('p', {}, t('a11y.method'))));
    return;
  }
  ctx.title(t('openData.title'));
  view.append(h('h1', {}, t('openData.title')), h('p', { class: 'lead' }, t('openData.intro')),
    sec('o-api', t('openData.apiTitle'), h('p', {}, t('openData.api')),
      h('p', {}, h('a', { href: `${BASE}/openapi.json` }, t('openData.apiLink')))),
    sec('o-orgs', t('openData.orgsTitle'), h('p', {}, t('openData.orgs')),
      list([h('a', { href: `${BASE}/organisations${qs({ status: 'verified', limit: 100 })}` }, t('openData.orgsLink')),
        h('a', { href: `${BASE}/vocabularies` }, t('openData.vocabLink'))])),
    sec('o-coming', t('openData.comingTitle'), h('p', {}, h('span', { class: 'badge badge-coming' }, t('common.coming'))), list(t('openData.coming'))),
    h('p', {}, t('openData.personal')));
}
