// Any path the router does not know
import { put, h } from '../dom.js?v=8157fd9ca674';
import { t } from '../i18n.js?v=8157fd9ca674';

export default async function notfound(view, ctx) {
  ctx.title(t('notFound.title'));
  put(view, h('h1', {}, t('notFound.title')), h('p', {}, t('notFound.text')),
    h('p', {}, h('a', { href: '/' }, t('notFound.home'))));
}
