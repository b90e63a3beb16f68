// The secretariat (admin): organisations to review, users, API clients; the rest is coming
import { api, qs, vocabularies, loadMe, session } from '../api.js?v=8157fd9ca674';
import { h, put, field, checkGroup, notice, readForm, showErrors, onSubmit, announce, needLogin, problemBox, confirmAction } from '../dom.js?v=8157fd9ca674';
import { t, label, fmtDate } from '../i18n.js?v=8157fd9ca674';

const TABS = [
  ['pending', '/kansli'], ['users', '/kansli/anvandare'], ['clients', '/kansli/klienter'],
  ['dialogues', '/kansli/dialoger'], ['agreements', '/kansli/overenskommelser'], ['followup', '/kansli/uppfoljning'], ['vocabularies', '/kansli/kodlistor'], ['webhooks', '/kansli/webhooks'], ['audit', '/kansli/logg'],
];
const SCOPES = ['organisations:read', 'organisations:write', 'changes:read', 'webhooks:manage'];

// A success message that takes focus when the thing the person acted on has gone
function said(slot, text, focus) {
  const box = h('div', { class: 'notice notice-success', tabindex: '-1' }, h('p', {}, text));
  slot.replaceChildren(box);
  if (focus) box.focus();
  announce(text);
}

export default async function admin(view, ctx) {
  if (!needLogin(view, ctx, true)) return;
  const tab = ctx.opts.tab;
  put(view, 
    h('h1', {}, t('admin.title')),
    h('nav', { 'aria-label': t('admin.nav') }, h('ul', { class: 'tabs' },
      TABS.map(([k, href]) => h('li', {}, h('a', { href, 'aria-current': k === tab ? 'page' : null }, t(`admin.${k}`)))))));
  ctx.title(`${t(`admin.${tab}`)} – ${t('admin.title')}`);
  const section = h('section', { class: 'admin-section', 'aria-labelledby': 'sec-h' });
  put(view, section);
  const page = { pending, users: ctx.opts.sub === 'user' ? user : users, clients }[tab];
  if (page) return page(section, ctx);
  return (await import(`./admin-${tab}.js?v=8157fd9ca674`)).default(section, ctx);
}

// The verification queue: newest first, a page at a time, filtered by name and kind
async function pending(section, ctx) {
  const vocab = await vocabularies();
  const msg = h('div');
  const list = h('ul', { class: 'org-list' });
  const empty = h('p', { class: 'empty', hidden: true }, t('admin.pendingEmpty'));
  const status = h('p', { class: 'count', role: 'status' });
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  const q0 = (k) => ctx.query.get(k) || '';
  const form = h('form', { role: 'search', class: 'search', 'aria-label': t('admin.pendingFilters') },
    h('div', { class: 'filters' },
      field({ name: 'q', type: 'search', label: t('admin.pendingSearch'), value: q0('q') }),
      field({ name: 'kind', type: 'select', label: t('org.kind'), value: q0('kind'), options: [['', t('common.all')], ...vocab.kinds.map((k) => [k.code, label(k)])] })),
    h('p', {}, h('button', { type: 'submit', class: 'button button-secondary' }, t('admin.pendingApply'))));
  put(section, h('h2', { id: 'sec-h' }, t('admin.pendingTitle')), form, msg, status, list, empty, more);
  let cursor = null;
  const gone = (li, text) => {
    li.remove();
    said(msg, text, true);
    if (!list.children.length && more.hidden) empty.hidden = false;
  };
  async function load(append) {
    const f = readForm(form);
    if (!append) history.replaceState(null, '', `/kansli${qs(f)}`);
    try {
      const { data } = await api(`/organisations${qs({ status: 'pending', sort: '-created_at', q: f.q, kind: f.kind, limit: 50, cursor: append ? cursor : null })}`);
      if (!append) list.replaceChildren();
      const items = data.items.map(item);
      put(list, ...items);
      cursor = data.next_cursor;
      more.hidden = !cursor;
      empty.hidden = list.children.length > 0;
      status.textContent = list.children.length ? t(cursor ? 'admin.pendingShownMore' : 'admin.pendingShown', { n: list.children.length }) : '';
      if (append && items[0]) items[0].querySelector('a').focus();
    } catch (e) { msg.replaceChildren(problemBox(e)); }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  form.querySelector('select').addEventListener('change', () => load(false));
  more.addEventListener('click', () => load(true));
  await load(false);

  function item(o) {
    const li = h('li', { class: 'org-item' });
    const verify = h('button', { type: 'button', class: 'button', 'aria-label': t('admin.verifyName', { name: o.name }) }, t('admin.verify'));
    const reject = h('button', { type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-label': t('admin.rejectName', { name: o.name }) }, t('admin.reject'));
    const rid = `reject-${o.id}`;
    const rform = h('form', { class: 'form reject-form', id: rid, hidden: true, novalidate: true },
      field({ name: 'reason', id: `reason-${o.id}`, type: 'textarea', label: t('admin.rejectReason'), required: true, hint: t('admin.rejectReasonHint'), rows: 3, maxlength: 1000 }),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-danger' }, t('admin.rejectConfirm')),
        h('button', { type: 'button', class: 'button button-secondary', onclick: () => { rform.hidden = true; reject.setAttribute('aria-expanded', 'false'); reject.focus(); } }, t('common.cancel'))));
    reject.setAttribute('aria-controls', rid);
    reject.addEventListener('click', () => { rform.hidden = false; reject.setAttribute('aria-expanded', 'true'); rform.elements.reason.focus(); });
    verify.addEventListener('click', async () => {
      if (!await confirmAction({ title: t('admin.verifyTitle', { name: o.name }), text: t('admin.verifyText'), yes: t('admin.verifyYes'), danger: false })) return;
      try {
        await api(`/organisations/${o.id}/verify`, { method: 'POST' });
        gone(li, t('admin.verified', { name: o.name }));
      } catch (e) { msg.replaceChildren(problemBox(e)); }
    });
    onSubmit(rform, async () => {
      const reason = rform.elements.reason.value.trim();
      if (!reason) return showErrors(rform, [{ field: '/reason', code: 'required' }], { reason: t('admin.rejectReason') });
      if (!await confirmAction({ title: t('admin.rejectTitle', { name: o.name }), text: t('admin.rejectText'), yes: t('admin.rejectConfirm') })) return;
      try {
        await api(`/organisations/${o.id}/reject`, { method: 'POST', body: { reason } });
        gone(li, t('admin.rejected', { name: o.name }));
      } catch (e) { showErrors(rform, e.errors || [], { reason: t('admin.rejectReason') }, e); }
    });
    const kind = label(vocab.kinds.find((k) => k.code === o.kind));
    put(li, h('h3', {}, h('a', { href: `/organisationer/${o.id}` }, o.name)),
      h('p', { class: 'meta' }, [kind, o.org_number, `${t('org.registered')} ${fmtDate(o.created_at)}`].filter(Boolean).join(' · ')),
      o.description ? h('p', { class: 'desc' }, o.description) : null,
      h('p', { class: 'actions' }, verify, reject), rform);
    return li;
  }
}

async function users(section, ctx) {
  const list = h('tbody');
  const status = h('p', { class: 'count', role: 'status' });
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  const search = field({ name: 'uq', type: 'search', label: t('admin.usersSearch') });
  put(section, h('h2', { id: 'sec-h' }, t('admin.usersTitle')),
    h('form', { role: 'search', class: 'search', onsubmit: (e) => { e.preventDefault(); load(false); } }, search),
    status,
    h('table', { class: 'table' }, h('thead', {}, h('tr', {},
      [t('account.name'), t('account.email'), t('admin.role'), t('org.status')].map((x) => h('th', { scope: 'col' }, x)))), list),
    more);
  let cursor = null;
  let timer = null;
  let ctrl = null;
  async function load(append) {
    if (!ctx.live()) return;
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    try {
      const { data } = await api(`/users${qs({ q: search.querySelector('input').value.trim(), limit: 50, cursor: append ? cursor : null })}`, { signal: ctrl.signal });
      if (!append) list.replaceChildren();
      put(list, ...data.items.map((u) => h('tr', {},
        h('td', {}, h('a', { href: `/kansli/anvandare/${u.id}` }, u.name)), h('td', {}, u.email),
        h('td', {}, t(`roles.${u.role}`)), h('td', {}, u.disabled ? t('admin.disabled') : t('admin.active')))));
      cursor = data.next_cursor;
      more.hidden = !cursor;
      status.textContent = list.children.length ? '' : t('admin.usersEmpty');
    } catch (e) {
      if (e.name !== 'AbortError') status.replaceChildren(problemBox(e));
    }
  }
  search.querySelector('input').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load(false), 300); });
  more.addEventListener('click', () => load(true));
  await load(false);
}

async function user(section, ctx) {
  const id = encodeURIComponent(ctx.params.id);
  let { data: u, etag } = await api(`/users/${id}`);
  const msg = h('div');
  const heading = h('h2', { id: 'sec-h' });
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'role', type: 'select', label: t('admin.role'), options: ['member', 'admin'].map((r) => [r, t(`roles.${r}`)]) }),
    h('div', { class: 'field check' }, h('input', { type: 'checkbox', id: 'f-disabled', name: 'disabled' }), h('label', { for: 'f-disabled' }, t('admin.disable'))),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('common.save'))));
  const show = () => {
    heading.textContent = t('admin.userEdit', { name: u.name });
    form.elements.role.value = u.role;
    form.elements.disabled.checked = u.disabled;
  };
  show();
  put(section, h('p', {}, h('a', { href: '/kansli/anvandare' }, t('common.back'))), heading,
    h('p', {}, u.email), msg, form);
  onSubmit(form, async () => {
    const patch = {};
    if (form.elements.role.value !== u.role) patch.role = form.elements.role.value;
    if (form.elements.disabled.checked !== u.disabled) patch.disabled = form.elements.disabled.checked;
    if (!Object.keys(patch).length) return said(msg, t('orgForm.nothingChanged'));
    try {
      ({ data: u, etag } = await api(`/users/${id}`, { method: 'PATCH', body: patch, ifMatch: etag }));
      show();
      said(msg, t('admin.userSaved'));
      if (u.id === session().id) await loadMe();
    } catch (e) {
      if (e.status !== 412) return showErrors(form, e.errors || [], { role: t('admin.role') }, e);
      ({ data: u, etag } = await api(`/users/${id}`));
      show();
      const box = notice('warning', h('h3', {}, t('problems.precondition-failed')), h('p', {}, t('admin.userClash')));
      box.tabIndex = -1;
      msg.replaceChildren(box);
      box.focus();
    }
  });
}

async function clients(section) {
  const msg = h('div');
  const tableSlot = h('div');
  const labels = { name: t('admin.clientName'), scopes: t('admin.scopes') };
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'new-h' },
    field({ name: 'name', label: labels.name, required: true, maxlength: 200 }),
    checkGroup({ name: 'scopes', label: labels.scopes, options: SCOPES.map((s) => [s, `${t(`admin.scopeNames.${s}`)} (${s})`]) }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('admin.createClient'))));
  put(section, h('h2', { id: 'sec-h' }, t('admin.clientsTitle')), h('p', {}, t('admin.clientsLead')), msg, tableSlot,
    h('h3', { id: 'new-h' }, t('admin.createClient')), form);

  async function load() {
    const items = [];
    let cursor = null;
    do {
      const { data } = await api(`/clients${qs({ limit: 100, cursor })}`);
      items.push(...data.items);
      cursor = data.next_cursor;
    } while (cursor);
    if (!items.length) return tableSlot.replaceChildren(h('p', { class: 'empty' }, t('admin.clientsEmpty')));
    tableSlot.replaceChildren(h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, [t('admin.clientName'), t('admin.clientId'), t('admin.scopes'), t('admin.created'), t('reps.actions')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, items.map((c) => {
        const cell = h('td', { class: 'row-actions' });
        const nameId = `client-${c.id}`;
        // the button says what it does; the row's name describes which client
        const del = h('button', { type: 'button', class: 'button button-small button-danger', 'aria-describedby': nameId }, t('common.remove'));
        del.addEventListener('click', async () => {
          if (!await confirmAction({ title: t('admin.deleteTitle', { name: c.name }), text: t('admin.deleteConfirm', { name: c.name }), yes: t('admin.deleteYes') })) return;
          try {
            const { etag } = await api(`/clients/${c.id}`);
            await api(`/clients/${c.id}`, { method: 'DELETE', ifMatch: etag });
            await load();
            said(msg, t('admin.deleted', { name: c.name }), true);
          } catch (e) { msg.replaceChildren(problemBox(e)); }
        });
        put(cell, del);
        return h('tr', {}, h('td', { id: nameId }, c.name), h('td', {}, h('code', {}, c.client_id)),
          h('td', {}, c.scopes.join(', ')), h('td', {}, fmtDate(c.created_at)), cell);
      }))));
  }

  onSubmit(form, async () => {
    const v = readForm(form);
    const errs = [];
    if (!v.name) errs.push({ field: '/name', code: 'required' });
    if (!v.scopes.length) errs.push({ field: '/scopes', code: 'required' });
    if (errs.length) return showErrors(form, errs, labels);
    try {
      const { data } = await api('/clients', { method: 'POST', body: { name: v.name, scopes: v.scopes } });
      form.reset();
      await load();
      const secret = h('input', { type: 'text', id: 'client-secret', readonly: true, value: data.client_secret, class: 'secret', spellcheck: 'false' });
      const copied = h('span', { role: 'status' });
      const copy = h('button', { type: 'button', class: 'button button-secondary' }, t('common.copy'));
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(data.client_secret);
          copied.textContent = t('common.copied');
        } catch {
          secret.select();
          copied.textContent = t('common.copyFailed');
        }
      });
      const box = h('div', { class: 'notice notice-success secret-box', role: 'group', tabindex: '-1', 'aria-labelledby': 'secret-h' },
        h('h3', { id: 'secret-h' }, t('admin.secretTitle', { name: data.name })),
        h('p', {}, h('strong', {}, t('admin.secretText'))),
        h('dl', { class: 'facts' }, h('dt', {}, t('admin.clientId')), h('dd', {}, h('code', {}, data.client_id))),
        h('label', { for: 'client-secret' }, t('admin.secret')),
        h('div', { class: 'copy-row' }, secret, copy), copied);
      msg.replaceChildren(box);
      box.focus();
    } catch (e) {
      showErrors(form, e.errors || [], labels, e);
    }
  });
  await load();
}
