// The pages a mail links to, and the way to one: "forgotten password" (asks for the reset
// mail), "choose a new password" (/aterstall-losenord?token=...) and "confirm your address"
// (/bekrafta-adress?token=...). None needs a login.
import { api, session, loadMe } from '../api.js?v=8157fd9ca674';
import { h, put, field, notice, readForm, showErrors, onSubmit } from '../dom.js?v=8157fd9ca674';
import { t } from '../i18n.js?v=8157fd9ca674';

function forgot(view, ctx) {
  const title = t('people.forgotTitle');
  ctx.title(title);
  const labels = { email: t('account.email') };
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'email', type: 'email', label: labels.email, required: true, autocomplete: 'email', spellcheck: 'false' }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('people.forgotButton'))));
  const done = h('div', { role: 'status' });
  put(view, h('h1', {}, title), h('p', { class: 'lead' }, t('people.forgotLead')), done, form);
  onSubmit(form, async () => {
    const v = readForm(form);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) return showErrors(form, [{ field: '/email', code: v.email ? 'invalid_format' : 'required' }], labels);
    try {
      await api('/auth/password-reset', { method: 'POST', body: { email: v.email }, auth: false });
      done.replaceChildren(notice('success', h('p', {}, t('people.forgotSent', { email: v.email }))));
    } catch (e) {
      showErrors(form, e.errors || [], labels, e);
    }
  });
}

function reset(view, ctx) {
  const title = t('people.resetTitle');
  ctx.title(title);
  const token = ctx.query.get('token') || '';
  const labels = { new_password: t('people.newPassword') };
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'new_password', type: 'password', label: labels.new_password, required: true, autocomplete: 'new-password', hint: t('account.passwordHint') }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t('people.resetButton'))));
  put(view, h('h1', {}, title), h('p', { class: 'lead' }, t('people.resetLead')), form);
  onSubmit(form, async () => {
    const pw = form.elements.new_password.value;
    if ([...pw].length < 12) return showErrors(form, [pw ? { field: '/new_password', code: 'too_short', min: 12 } : { field: '/new_password', code: 'required' }], labels);
    try {
      await api('/auth/password-reset/confirm', { method: 'POST', body: { token, new_password: pw }, auth: false });
      ctx.go('/logga-in', { flash: t('people.resetDone') });
    } catch (e) {
      if (e.status === 400) return showErrors(form, [{ field: '', text: t('people.linkInvalid') }], labels);
      showErrors(form, e.errors || [], labels, e);
    }
  });
  put(view, h('p', {}, h('a', { href: '/glomt-losenord' }, t('people.askAgain'))));
}

async function verify(view, ctx) {
  const title = t('people.verifyTitle');
  ctx.title(title);
  put(view, h('h1', {}, title));
  try {
    await api('/auth/verify-email', { method: 'POST', body: { token: ctx.query.get('token') || '' }, auth: false });
    if (session()) await loadMe();
    put(view, notice('success', h('p', {}, t('people.verified'))),
      h('p', {}, h('a', { href: session() ? '/mina-organisationer' : '/logga-in' }, t(session() ? 'nav.my' : 'nav.login'))));
  } catch (e) {
    if (e.status !== 400) throw e;
    const box = notice('error', h('p', {}, t('people.linkInvalidVerify')));
    box.setAttribute('role', 'alert');
    put(view, box, session() ? h('p', {}, h('a', { href: '/konto' }, t('people.profileTitle'))) : null);
  }
}

export default async function recover(view, ctx) {
  if (ctx.opts.mode === 'forgot') return forgot(view, ctx);
  if (ctx.opts.mode === 'reset') return reset(view, ctx);
  return verify(view, ctx);
}
