// Any path the router does not know
import { put, h } from '../dom.js?v=9eea9b1a505b';
import { t } from '../i18n.js?v=9eea9b1a505b';

export default async function notfound(view, ctx) {
  ctx.title(t('notFound.title'));
  put(view, h('h1', {}, t('notFound.title')), h('p', {}, t('notFound.text')),
    h('p', {}, h('a', { href: '/' }, t('notFound.home'))));
}
