// Sections whose API is still being built: said plainly, with no made-up content
import { h } from '../dom.js';
import { t } from '../i18n.js';

export default async function coming(view, ctx) {
  const s = ctx.opts.section;
  ctx.title(t(`coming.${s}Title`));
  view.append(h('h1', {}, t(`coming.${s}Title`)),
    h('p', {}, h('span', { class: 'badge badge-coming' }, t('common.coming'))),
    h('p', { class: 'lead' }, t('coming.note')),
    h('p', {}, t(`coming.${s}`)));
}
