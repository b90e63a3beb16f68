// Your account (/konto): name, address and language; the reminders you want; a new
// password; your data as a file; and erasing the account. Each part is its own form, so
// one mistake never costs what was typed in another.
import { api, loadMe, logout } from '../api.js?v=8157fd9ca674';
import { h, put, field, notice, readForm, showErrors, onSubmit, needLogin, announce, confirmAction, problemBox } from '../dom.js?v=8157fd9ca674';
import { t } from '../i18n.js?v=8157fd9ca674';

const section = (id, title, ...kids) => h('section', { 'aria-labelledby': id, class: 'section' }, h('h2', { id }, title), ...kids);

function saved(form, text) {
  form.querySelector('.saved')?.remove();
  form.append(notice('success', h('p', { class: 'saved' }, text)));
  announce(text);
}

function profileForm(me) {
  const labels = { name: t('account.name'), email: t('account.email'), language: t('people.language') };
  const form = h('form', { class: 'form', novalidate: true, id: 'profile' },
    field({ name: 'name', label: labels.name, required: true, autocomplete: 'name', value: me.name }),
    field({ name: 'email', type: 'email', label: labels.email, required: true, autocomplete: 'email', spellcheck: 'false', value: me.email,
      hint: me.email_verified ? t('people.emailVerified') : t('people.emailUnverified') }),
    field({ name: 'language', type: 'select', label: labels.language, value: me.language, options: [['sv', 'Svenska'], ['en', 'English']], hint: t('people.languageHint') }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('people.saveProfile'))));
  onSubmit(form, async () => {
    const v = readForm(form);
    try {
      const { data } = await api('/me', { method: 'PATCH', body: { name: v.name, email: v.email, language: v.language } });
      await loadMe();
      saved(form, data.email_verified ? t('people.profileSaved') : t('people.profileSavedVerify', { email: data.email }));
    } catch (e) {
      showErrors(form, e.errors || [], labels, e);
    }
  });
  return form;
}

function verifyAgain(me) {
  if (me.email_verified) return null;
  const status = h('div', { role: 'status' });
  const btn = h('button', { type: 'button', class: 'button button-secondary' }, t('people.sendAgain'));
  btn.addEventListener('click', async () => {
    try {
      await api('/me/email-verification', { method: 'POST' });
      status.replaceChildren(notice('success', h('p', {}, t('people.sentAgain', { email: me.email }))));
    } catch (e) {
      status.replaceChildren(problemBox(e));
    }
  });
  return h('div', {}, notice('warning', h('p', {}, t('people.unverifiedNote')), h('p', {}, btn)), status);
}

function notificationsForm(me) {
  const form = h('form', { class: 'form', novalidate: true, id: 'notifications' },
    h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: 'f-reminders', name: 'reminders', value: 'on', checked: me.notifications.reminders }),
      h('label', { for: 'f-reminders' }, t('people.reminders'))),
    h('p', { class: 'hint' }, t('people.alwaysSent')),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('people.saveNotifications'))));
  onSubmit(form, async () => {
    try {
      await api('/me', { method: 'PATCH', body: { notifications: { reminders: form.elements.reminders.checked } } });
      await loadMe();
      saved(form, t('people.notificationsSaved'));
    } catch (e) {
      showErrors(form, e.errors || [], {}, e);
    }
  });
  return form;
}

function passwordForm(ctx) {
  const labels = { current_password: t('people.currentPassword'), new_password: t('people.newPassword') };
  const form = h('form', { class: 'form', novalidate: true, id: 'password' },
    field({ name: 'current_password', type: 'password', label: labels.current_password, required: true, autocomplete: 'current-password' }),
    field({ name: 'new_password', type: 'password', label: labels.new_password, required: true, autocomplete: 'new-password', hint: t('account.passwordHint') }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('people.changePassword'))));
  onSubmit(form, async () => {
    const cur = form.elements.current_password.value;
    const pw = form.elements.new_password.value;
    const errs = [];
    if (!cur) errs.push({ field: '/current_password', code: 'required' });
    if ([...pw].length < 12) errs.push(pw ? { field: '/new_password', code: 'too_short', min: 12 } : { field: '/new_password', code: 'required' });
    if (errs.length) return showErrors(form, errs, labels);
    try {
      await api('/me/password', { method: 'POST', body: { current_password: cur, new_password: pw } });
      // every session has ended, this one too: sign in again with the new password
      await logout();
      ctx.go('/logga-in?next=/konto', { flash: t('people.passwordChanged') });
    } catch (e) {
      if (e.status === 422 && e.errors.some((x) => x.field === '/current_password')) return showErrors(form, [{ field: '/current_password', text: t('people.wrongPassword') }], labels);
      showErrors(form, e.errors || [], labels, e);
    }
  });
  return form;
}

function exportPart() {
  const status = h('div', { role: 'status' });
  const btn = h('button', { type: 'button', class: 'button button-secondary', id: 'export' }, t('people.download'));
  btn.addEventListener('click', async () => {
    try {
      const { data } = await api('/me/export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const file = t('people.downloadFile');
      const a = h('a', { href: url, download: file }, t('people.downloadReady', { file }));
      status.replaceChildren(notice('success', h('p', {}, a)));
      a.click();
      a.focus();
    } catch (e) {
      status.replaceChildren(problemBox(e));
    }
  });
  return [h('p', {}, t('people.downloadLead')), h('p', {}, btn), status];
}

function erasePart(ctx) {
  const status = h('div', {});
  const btn = h('button', { type: 'button', class: 'button button-danger', id: 'erase' }, t('people.erase'));
  btn.addEventListener('click', async () => {
    const yes = await confirmAction({ title: t('people.eraseConfirmTitle'), text: t('people.eraseConfirmText'), yes: t('people.eraseYes') });
    if (!yes) return;
    try {
      await api('/me', { method: 'DELETE' });
      await logout();
      ctx.go('/', { flash: t('people.erased') });
    } catch (e) {
      status.replaceChildren(problemBox(e));
    }
  });
  return [h('p', {}, t('people.eraseLead')), h('p', {}, btn), status];
}

export default async function profile(view, ctx) {
  if (!needLogin(view, ctx)) return;
  const me = await loadMe();
  ctx.title(t('people.profileTitle'));
  put(view,
    h('h1', {}, t('people.profileTitle')),
    verifyAgain(me),
    section('p-profile', t('people.profilePart'), profileForm(me)),
    section('p-notifications', t('people.notificationsPart'), notificationsForm(me)),
    section('p-password', t('people.passwordPart'), passwordForm(ctx)),
    section('p-data', t('people.dataPart'), ...exportPart(), h('p', {}, h('a', { href: '/personuppgifter' }, t('people.privacyLink')))),
    section('p-erase', t('people.erasePart'), ...erasePart(ctx)));
}
