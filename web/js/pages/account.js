// Log in and create an account
import { api, login } from '../api.js?v=8157fd9ca674';
import { h, put, field, notice, readForm, showErrors, onSubmit } from '../dom.js?v=8157fd9ca674';
import { t, getLang } from '../i18n.js?v=8157fd9ca674';

// Only same-site paths are followed after login; without one, the secretariat starts on its
// own pages and everyone else on their organisations
const safeNext = (n, me) => (n && /^\/[^/\\]/.test(n) ? n : me && me.role === 'admin' ? '/kansli' : '/mina-organisationer');

export default async function account(view, ctx) {
  const register = ctx.opts.mode === 'register';
  const title = t(register ? 'account.registerTitle' : 'account.loginTitle');
  ctx.title(title);
  const labels = { name: t('account.name'), email: t('account.email'), password: t('account.password') };
  const form = h('form', { class: 'form', novalidate: true },
    register ? field({ name: 'name', label: labels.name, required: true, autocomplete: 'name' }) : null,
    field({ name: 'email', type: 'email', label: labels.email, required: true, autocomplete: 'email', spellcheck: 'false' }),
    field({ name: 'password', type: 'password', label: labels.password, required: true,
      autocomplete: register ? 'new-password' : 'current-password', hint: register ? t('account.passwordHint') : null }),
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t(register ? 'account.registerButton' : 'account.loginButton'))));
  put(view, 
    h('h1', {}, title),
    h('p', { class: 'lead' }, t(register ? 'account.registerLead' : 'account.loginLead')),
    notice('info', h('p', {}, t('account.memoryNote'))),
    form,
    register ? null : h('p', {}, h('a', { href: '/glomt-losenord' }, t('people.forgotLink'))),
    h('p', {}, t(register ? 'account.haveAccount' : 'account.noAccount'), ' ',
      h('a', { href: (register ? '/logga-in' : '/skapa-konto') + (ctx.query.get('next') ? `?next=${encodeURIComponent(ctx.query.get('next'))}` : '') },
        t(register ? 'nav.login' : 'nav.register'))));

  onSubmit(form, async () => {
    const v = readForm(form);
    // every wrong field at once, in the form's order, as the API would name them
    const errs = Object.keys(labels).filter((k) => form.elements[k]).map((k) => {
      const x = k === 'password' ? form.elements.password.value : v[k];
      if (!x) return { field: `/${k}`, code: 'required' };
      if (k === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(x)) return { field: '/email', code: 'invalid_format' };
      if (register && k === 'password' && [...x].length < 12) return { field: '/password', code: 'too_short', min: 12 };
      return null;
    }).filter(Boolean);
    if (errs.length) return showErrors(form, errs, labels);
    try {
      // the page's language becomes the language of the account's mails, the first one too
      if (register) await api('/auth/register', { method: 'POST', body: { name: v.name, email: v.email, password: form.elements.password.value, language: getLang() }, auth: false });
      const me = await login(v.email, form.elements.password.value);
      ctx.go(safeNext(ctx.query.get('next'), me), { flash: t(register ? 'account.created' : 'account.loggedIn') });
    } catch (e) {
      if (!register && e.status === 401) return showErrors(form, [{ field: '', text: t('account.loginFailed') }], labels);
      showErrors(form, e.errors || [], labels, e);
    }
  });
}
