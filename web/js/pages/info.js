// The accessibility statement (tillgänglighetsredogörelse), the open-data page and the
// privacy page (personuppgifter)
import { api, BASE } from '../api.js?v=8157fd9ca674';
import { h, put, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, getLang } from '../i18n.js?v=8157fd9ca674';

const sec = (id, title, ...kids) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...kids);
const list = (items) => h('ul', {}, items.map((x) => h('li', {}, x)));

export default async function info(view, ctx) {
  if (ctx.opts.page === 'a11y') {
    ctx.title(t('a11y.title'));
    put(view, h('h1', {}, t('a11y.title')), h('p', { class: 'lead' }, t('a11y.intro')),
      sec('a-status', t('a11y.statusTitle'), h('p', {}, t('a11y.status'))),
      sec('a-gaps', t('a11y.gapsTitle'), list(t('a11y.gaps'))),
      sec('a-report', t('a11y.reportTitle'), h('p', {}, t('a11y.report'))),
      sec('a-sup', t('a11y.supervisionTitle'), h('p', {}, t('a11y.supervision')),
        h('p', {}, h('a', { href: 'https://www.digg.se/tdosanmalan', lang: 'sv' }, t('a11y.diggLink')))),
      sec('a-method', t('a11y.methodTitle'), h('p', {}, t('a11y.method'))));
    return;
  }
  if (ctx.opts.page === 'privacy') {
    ctx.title(t('people.privacyTitle'));
    put(view, h('h1', {}, t('people.privacyTitle')), h('p', { class: 'lead' }, t('people.privacyIntro')),
      sec('p-what', t('people.privacyWhatTitle'), list(t('people.privacyWhat'))),
      sec('p-why', t('people.privacyWhyTitle'), h('p', {}, t('people.privacyWhy'))),
      sec('p-long', t('people.privacyHowLongTitle'), list(t('people.privacyHowLong'))),
      sec('p-rights', t('people.privacyRightsTitle'), h('p', {}, t('people.privacyRights'), ' ', h('a', { href: '/konto' }, t('people.navProfile')), '.')),
      sec('p-contact', t('people.privacyContactTitle'), h('p', {}, t('people.privacyContact'))));
    return;
  }
  ctx.title(t('openData.title'));
  const lang = getLang();
  put(view, h('h1', {}, t('openData.title')), h('p', { class: 'lead' }, t('openData.intro')));
  let index = null;
  try { index = (await api('/open-data')).data; } catch (e) { put(view, problemBox(e)); }
  if (index) {
    put(view, h('p', {}, t('openData.licence'), ' ', h('a', { href: index.licence.url, rel: 'license' }, index.licence.name), '. ', t('openData.publisher', { name: index.publisher })));
    for (const d of index.datasets) {
      const id = `ds-${d.id}`;
      put(view, sec(id, d[`title_${lang}`] || d.title_sv,
        h('p', {}, d[`description_${lang}`] || d.description_sv),
        h('ul', { class: 'actions' }, d.distributions.map((x) => h('li', {}, h('a', { class: 'button button-secondary', href: new URL(x.url, new URL(BASE, location.href)).href, type: x.media_type,
          'aria-label': t('openData.downloadOf', { format: x.format, name: d[`title_${lang}`] || d.title_sv }) }, t('openData.download', { format: x.format }))))),
        h('details', {}, h('summary', {}, t('openData.fields')),
          h('table', { class: 'table' }, h('thead', {}, h('tr', {}, [t('openData.field'), t('openData.type'), t('openData.meaning')].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', {}, d.fields.map((f) => h('tr', {}, h('td', {}, h('code', {}, f.name)), h('td', {}, f.type), h('td', {}, f[`description_${lang}`] || f.description_sv))))))));
    }
  }
  put(view, 
    sec('o-api', t('openData.apiTitle'), h('p', {}, t('openData.api')),
      h('ul', {}, h('li', {}, h('a', { href: `${BASE}/openapi.json` }, t('openData.apiLink'))),
        h('li', {}, h('a', { href: `${BASE}/vocabularies` }, t('openData.vocabLink'))),
        h('li', {}, h('a', { href: `${BASE}/open-data` }, t('openData.indexLink'))))),
    h('p', {}, t('openData.personal')));
}
