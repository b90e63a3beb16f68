// My organisations: the organisations of GET /me, with the role held in each and where the
// secretariat's review stands (waiting, verified, rejected with the reason); a rejected one is
// corrected and sent back for review from here
import { api, loadMe } from '../api.js?v=8157fd9ca674';
import { h, put, needLogin, notice, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t } from '../i18n.js?v=8157fd9ca674';

export default async function my(view, ctx) {
  if (!needLogin(view, ctx)) return;
  ctx.title(t('my.title'));
  const me = await loadMe(); // fresh: roles may have changed
  const full = new Map((await Promise.all(me.organisations.map((o) => api(`/organisations/${o.id}`).then((r) => r.data, () => null))))
    .filter(Boolean).map((o) => [o.id, o]));
  const status = (o) => {
    const f = full.get(o.id);
    if (!f) return null;
    const box = h('div', { class: 'review' });
    const draw = (x) => box.replaceChildren(h('p', {}, h('span', { class: `badge badge-${x.status}` }, t(`status.${x.status}`)), ' ', t(`my.statusText.${x.status}`)),
      x.status === 'rejected' && x.status_reason ? h('p', {}, t('my.reason'), ' ', h('q', {}, x.status_reason)) : null,
      x.status === 'rejected' ? resubmit(x) : null);
    const resubmit = (x) => {
      const b = h('button', { type: 'button', class: 'button', 'aria-label': t('my.resubmitName', { name: x.name }) }, t('my.resubmit'));
      b.addEventListener('click', async () => {
        try {
          const { data } = await api(`/organisations/${x.id}/resubmit`, { method: 'POST' });
          draw(data);
          const done = h('p', { class: 'notice notice-success', tabindex: '-1' }, t('my.resubmitted', { name: x.name }));
          box.append(done);
          done.focus();
          announce(done.textContent);
        } catch (e) { box.append(problemBox(e, null, 'h3')); }
      });
      return h('div', {}, h('p', { class: 'hint' }, t('my.resubmitHint')), b);
    };
    draw(f);
    return box;
  };
  put(view, 
    h('h1', {}, t('my.title')),
    h('p', { class: 'lead' }, t('my.lead')),
    me.email_verified === false
      ? notice('warning', h('p', {}, t('people.unverifiedNote'), ' ', h('a', { href: '/konto' }, t('people.navProfile'))))
      : null,
    me.organisations.length
      ? h('ul', { class: 'org-list' }, me.organisations.map((o) => h('li', { class: 'org-item' },
        h('h2', { class: 'h3' }, h('a', { href: `/organisationer/${o.id}` }, o.name)),
        h('p', { class: 'meta' }, t('my.role'), ': ', t(`roles.${o.role}`)),
        status(o),
        h('ul', { class: 'actions' },
          h('li', {}, h('a', { href: `/organisationer/${o.id}/redigera`, 'aria-label': t('my.editName', { name: o.name }) }, t('org.edit'))),
          o.role === 'signatory' ? h('li', {}, h('a', { href: `/organisationer/${o.id}/foretradare`, 'aria-label': t('my.repsName', { name: o.name }) }, t('org.manageReps'))) : null))))
      : h('p', { class: 'empty' }, t('my.empty')),
    h('p', {}, h('a', { class: 'button', href: '/mina-organisationer/ny' }, t('my.register'))),
    h('section', { 'aria-labelledby': 'acc-h' }, h('h2', { id: 'acc-h' }, t('my.account')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('account.name')), h('dd', {}, me.name),
        h('dt', {}, t('account.email')), h('dd', {}, me.email),
        h('dt', {}, t('admin.role')), h('dd', {}, t(`roles.${me.role}`)))));
}
