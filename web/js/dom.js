// DOM building without innerHTML: every text goes in as a text node.
import { t, getLang, fieldErrorText } from './i18n.js?v=8157fd9ca674';
import { session } from './api.js?v=8157fd9ca674';

// h('a', {href: '/x', class: 'c', onclick: f}, 'text', child, [more])
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'value') value = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  add(el, kids);
  if (value !== undefined) el.value = value; // after the options of a <select> exist
  return el;
}

// el.append() that skips null and false (the native one would print "null")
export const put = (el, ...kids) => { add(el, kids); return el; };

function add(el, kids) {
  for (const k of kids.flat(Infinity)) if (k != null && k !== false) el.append(k instanceof Node ? k : String(k));
}

let seq = 0;
export const uid = (p = 'id') => `${p}-${++seq}`;

// Polite announcement for screen readers (results counts, saved, removed, …)
export function announce(msg) {
  const el = document.getElementById('announce');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = msg; }, 50);
}

// A field with label, hint and error slot; the control's id is f-<name> unless given
export function field(o) {
  const id = o.id || `f-${o.name}`;
  const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint` }, o.hint) : null;
  const err = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const common = {
    id, name: o.name, required: o.required, autocomplete: o.autocomplete || 'off',
    'aria-describedby': hint ? `${id}-hint` : null,
  };
  let control;
  if (o.type === 'select') {
    control = h('select', { ...common, value: o.value }, // none given: the first option
      (o.options || []).map(([v, l]) => h('option', { value: v }, l)));
  } else if (o.type === 'textarea') {
    control = h('textarea', { ...common, rows: o.rows || 5, maxlength: o.maxlength, value: o.value ?? '' });
  } else {
    control = h('input', {
      ...common, type: o.type || 'text', value: o.value ?? '', inputmode: o.inputmode,
      min: o.min, max: o.max, maxlength: o.maxlength, spellcheck: o.spellcheck,
    });
  }
  const lbl = h('label', { for: id }, o.label, ' ', h('span', { class: 'opt' }, o.required ? t('common.required') : o.optional ? t('common.optional') : ''));
  return h('div', { class: 'field', 'data-field': o.field || o.name, 'data-label': o.label }, lbl, hint, err, control);
}

// A group of checkboxes in a fieldset; value: the checked codes; id: when a page has the
// same group more than once (f-<name> unless given)
export function checkGroup(o) {
  const id = o.id || `f-${o.name}`;
  const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint` }, o.hint) : null;
  const err = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const set = new Set(o.value || []);
  return h('fieldset', { class: 'field checks', id, 'data-field': o.name, 'data-label': o.label, 'aria-describedby': hint ? `${id}-hint` : null },
    h('legend', {}, o.label, ' ', h('span', { class: 'opt' }, o.optional ? t('common.optional') : '')),
    hint, err,
    h('div', { class: 'check-list' }, o.options.map(([v, l]) => {
      const cid = `${id}-${v}`;
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', id: cid, name: o.name, value: v, checked: set.has(v) }),
        h('label', { for: cid }, l));
    })));
}

// A notice box; kind: info | success | error | warning
export const notice = (kind, ...kids) => h('div', { class: `notice notice-${kind}` }, ...kids);

// Plain-language explanation of an ApiError
export function problemText(err) {
  const title = t(`problems.${err.type}`);
  const lines = [typeof title === 'string' && !title.startsWith('problems.') ? title : t('problems.other')];
  if (err.retryAfter) lines.push(t('problems.retryAfter', { n: Math.max(1, Math.ceil(err.retryAfter / 60)) }));
  return lines.join(' ');
}

export function problemBox(err, extra, level = 'h2') {
  const box = notice('error', h(level, {}, problemText(err)), extra);
  box.setAttribute('role', 'alert');
  if (err.type === 'session' || err.type === 'unauthorized') {
    box.append(h('p', {}, h('a', { href: `/logga-in?next=${encodeURIComponent(location.pathname)}` }, t('common.loginLink'))));
  }
  if (err.requestId && err.status >= 500) box.append(h('p', { class: 'detail' }, t('problems.reference', { id: err.requestId })));
  return box;
}

// Read a form: text-ish inputs as trimmed strings, checkbox groups as arrays
export function readForm(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') {
      out[el.name] ||= [];
      if (el.checked) out[el.name].push(el.value);
    } else if (el.tagName !== 'BUTTON') out[el.name] = el.value.trim();
  }
  return out;
}

export function clearErrors(form) {
  form.querySelector('.error-summary')?.remove();
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[data-err]')) {
    el.removeAttribute('aria-invalid');
    delete el.dataset.err;
    const d = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error')).join(' ');
    d ? el.setAttribute('aria-describedby', d) : el.removeAttribute('aria-describedby');
  }
  form.querySelectorAll('.field.has-error').forEach((f) => f.classList.remove('has-error'));
}

// Show errors [{field: '/json/pointer', code, min?, max?}] (or {field, text}) at their fields and in a summary that
// takes focus; labels: {name: 'Label'}; an ApiError without field errors becomes one line
export function showErrors(form, errs, labels = {}, err = null) {
  clearErrors(form);
  const items = [];
  for (const e of errs) {
    const path = String(e.field || '').split('/').slice(1);
    const name = path[0] || '';
    const find = (f) => form.querySelector(`[data-field="${CSS.escape(f)}"]`);
    const wrap = (path.length > 1 && find(path.join('/'))) || (name && find(name));
    const text = e.text || fieldErrorText(e);
    const msg = () => text;
    const label = (wrap && wrap.dataset.label) || labels[name] || name;
    if (wrap) {
      const slot = wrap.querySelector('.field-error');
      slot.replaceChildren(msg());
      slot.hidden = false;
      wrap.classList.add('has-error');
      const ctl = wrap.matches('fieldset') ? wrap : wrap.querySelector('input,select,textarea');
      if (ctl !== wrap) ctl.setAttribute('aria-invalid', 'true');
      ctl.dataset.err = '1';
      ctl.setAttribute('aria-describedby', [ctl.getAttribute('aria-describedby'), slot.id].filter(Boolean).join(' '));
      const target = wrap.matches('fieldset') ? wrap.querySelector('input, select') || wrap : ctl;
      items.push(h('li', {}, h('a', { href: `#${target.id}` }, label, ': ', msg())));
    } else {
      items.push(h('li', {}, name ? `${label}: ` : '', msg()));
    }
  }
  if (!items.length && err) items.push(h('li', {}, problemText(err)));
  const heading = items.length === 1 ? t('form.summaryOne') : t('form.summary', { n: items.length });
  const hid = uid('sum');
  const summary = h('div', { class: 'error-summary', role: 'group', tabindex: '-1', 'aria-labelledby': hid },
    h('h2', { id: hid }, heading), h('ul', {}, items));
  form.prepend(summary);
  summary.focus();
  announce(t('form.announce', { first: items[0] ? items[0].textContent : '' }));
  return summary;
}

// Submit handling: disable the button while the request runs
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btns = form.querySelectorAll('button[type=submit]');
    btns.forEach((b) => b.setAttribute('aria-disabled', 'true'));
    if (form.dataset.sending) return;
    form.dataset.sending = '1';
    clearErrors(form);
    try { await fn(ev); } finally {
      delete form.dataset.sending;
      btns.forEach((b) => b.removeAttribute('aria-disabled'));
    }
  });
}

// The signed-in user, or null after showing why the page needs a login (or the admin role)
export function needLogin(view, ctx, admin = false) {
  const me = session();
  if (me && (!admin || me.role === 'admin')) return me;
  const title = t(me ? 'admin.title' : 'common.loginLink');
  ctx.title(title);
  view.append(h('h1', {}, title), notice('info', h('p', {}, t(me ? 'common.adminOnly' : 'common.loginNeeded')),
    me ? null : h('p', {}, h('a', { href: `/logga-in?next=${encodeURIComponent(location.pathname)}` }, t('common.loginLink')))));
  return null;
}

// Swedish content (agreement text, titles, descriptions) keeps lang="sv" when the interface
// is in English, so that screen readers pronounce it as Swedish
export const sv = (tag, attrs, ...kids) => h(tag, { ...attrs, lang: getLang() === 'sv' ? null : 'sv' }, ...kids);

// Asks before an action that cannot be undone, in a modal <dialog>: the page behind is inert,
// Tab stays inside, Escape or "Avbryt" cancel, and focus goes back to what opened it.
// Resolves true only when the person confirms. o: {title, text, yes, danger = true}
export function confirmAction(o) {
  const opener = document.activeElement;
  const hid = uid('dlg-h');
  const tid = uid('dlg-t');
  const yes = h('button', { type: 'submit', class: `button ${o.danger === false ? '' : 'button-danger'}`, value: 'yes' }, o.yes);
  const no = h('button', { type: 'submit', class: 'button button-secondary', value: 'no' }, t('common.cancel'));
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': hid, 'aria-describedby': tid },
    h('form', { method: 'dialog' },
      h('h2', { id: hid }, o.title),
      h('p', { id: tid }, o.text),
      h('p', { class: 'actions' }, yes, ' ', no)));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(dialog.returnValue === 'yes');
    }, { once: true });
    dialog.showModal();
    no.focus(); // the safe choice first
  });
}
