// Manage who acts for an organisation (admin and its signatories)
import { api, apiAll, loadMe, session, roleIn } from '../api.js?v=8157fd9ca674';
import { h, put, field, readForm, showErrors, onSubmit, announce, needLogin, problemBox, confirmAction } from '../dom.js?v=8157fd9ca674';
import { t, fmtDate } from '../i18n.js?v=8157fd9ca674';

const ROLES = ['representative', 'signatory'];

export default async function representatives(view, ctx) {
  if (!needLogin(view, ctx)) return;
  const { data: o } = await api(`/organisations/${encodeURIComponent(ctx.params.id)}`);
  const title = t('reps.title', { name: o.name });
  ctx.title(title);
  const role = roleIn(o.id);
  if (role !== 'admin' && role !== 'signatory') {
    put(view, h('h1', {}, title), problemBox({ type: 'forbidden' }));
    return;
  }
  const tableSlot = h('div');
  const msg = h('div');
  const labels = { email: t('reps.email'), role: t('reps.role') };
  const roleOpts = ROLES.map((r) => [r, t(`roles.${r}`)]);
  const form = h('form', { class: 'form form-inline', novalidate: true, 'aria-labelledby': 'add-h' },
    field({ name: 'email', type: 'email', label: labels.email, required: true, hint: t('reps.addHint'), autocomplete: 'off', spellcheck: 'false' }),
    field({ name: 'role', type: 'select', label: labels.role, options: roleOpts, value: 'representative' }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('reps.addButton'))));
  put(view, 
    h('p', {}, h('a', { href: `/organisationer/${o.id}` }, t('common.back'), ': ', o.name)),
    h('h1', {}, title), h('p', { class: 'lead' }, t('reps.lead')), h('p', {}, t('reps.signatoryRole')),
    msg, tableSlot,
    h('section', { 'aria-labelledby': 'add-h' }, h('h2', { id: 'add-h' }, t('reps.add')), form));

  // Changes to my own role change what I may do: reload /me afterwards
  const after = async (text, userId) => {
    if (userId === session().id) await loadMe();
    await load();
    msg.replaceChildren(h('div', { class: 'notice notice-success' }, h('p', {}, text)));
    announce(text);
  };
  const fail = (e) => msg.replaceChildren(problemBox(e));

  async function load() {
    const { data } = await apiAll(`/organisations/${o.id}/representatives`);
    if (!data.items.length) return tableSlot.replaceChildren(h('p', {}, t('reps.empty')));
    tableSlot.replaceChildren(h('table', { class: 'table' },
      h('caption', { class: 'sr-only' }, title),
      h('thead', {}, h('tr', {}, ['name', 'email', 'role', 'since', 'actions'].map((k) => h('th', { scope: 'col' }, t(`reps.${k}`))))),
      h('tbody', {}, data.items.map((r) => {
        const sel = h('select', { id: `role-${r.user_id}`, 'aria-label': t('reps.changeRole', { name: r.name }), value: r.role },
          roleOpts.map(([v, l]) => h('option', { value: v }, l)));
        const change = h('button', { type: 'button', class: 'button button-small button-secondary', 'aria-label': t('reps.setRoleName', { name: r.name }) }, t('reps.setRole'));
        change.addEventListener('click', async () => {
          msg.replaceChildren();
          try {
            await api(`/organisations/${o.id}/representatives`, { method: 'POST', body: { email: r.email, role: sel.value } });
            await after(t('reps.changed', { name: r.name, role: t(`roleInSentence.${sel.value}`) }), r.user_id);
          } catch (e) { fail(e); }
        });
        const remove = h('button', { type: 'button', class: 'button button-small button-danger', 'aria-label': t('reps.remove', { name: r.name }) }, t('common.remove'));
        remove.addEventListener('click', async () => {
          const self = r.user_id === session().id;
          if (!await confirmAction({ title: t('reps.removeTitle', { name: r.name }), text: t(self ? 'reps.removeSelfText' : 'reps.removeText', { name: r.name, org: o.name }), yes: t('reps.removeYes') })) return;
          msg.replaceChildren();
          try {
            await api(`/organisations/${o.id}/representatives/${r.user_id}`, { method: 'DELETE' });
            await after(t('reps.removed', { name: r.name }), r.user_id);
            if (roleIn(o.id) !== 'admin' && roleIn(o.id) !== 'signatory') ctx.go('/mina-organisationer');
          } catch (e) { fail(e); }
        });
        return h('tr', {}, h('td', {}, r.name), h('td', {}, r.email), h('td', {}, t(`roles.${r.role}`)), h('td', {}, fmtDate(r.since)),
          h('td', { class: 'row-actions' }, sel, change, remove));
      }))));
  }

  onSubmit(form, async () => {
    const v = readForm(form);
    if (!v.email) return showErrors(form, [{ field: '/email', code: 'required' }], labels);
    try {
      const { data } = await api(`/organisations/${o.id}/representatives`, { method: 'POST', body: { email: v.email, role: v.role } });
      form.reset();
      await after(t('reps.added', { name: data.name }), data.user_id);
      form.elements.email.focus();
    } catch (e) {
      showErrors(form, e.errors || [], labels, e);
    }
  });
  await load();
}
