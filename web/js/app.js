// The shell: header with navigation and language switch, History API routing, footer.
import { initLang, t } from './i18n.js?v=8157fd9ca674';
import { BASE, session, onSession, logout, resume, whileBusy } from './api.js?v=8157fd9ca674';
import { h, announce, problemBox } from './dom.js?v=8157fd9ca674';

// [pattern, page module, options]; the pages are loaded when first needed
const ROUTES = [
  ['/', 'start'],
  ['/overenskommelsen', 'agreement'],
  ['/overenskommelsen/:ref', 'agreement'],
  ['/overenskommelsen/:ref/remiss', 'consultation'],
  ['/overenskommelsen/:ref/uppfoljning', 'follow-up'],
  ['/organisationer', 'organisations'],
  ['/organisationer/:id', 'organisation'],
  ['/organisationer/:id/redigera', 'orgform', { mode: 'edit' }],
  ['/organisationer/:id/foretradare', 'representatives'],
  ['/dialoger', 'dialogues'],
  ['/dialoger/:id', 'dialogue'],
  ['/dialogues/:id', 'dialogue', { alias: '/dialoger/' }], // the URL in the calendar feeds
  ['/radet', 'council'],
  ['/statistik', 'stats'],
  ['/logga-in', 'account', { mode: 'login' }],
  ['/skapa-konto', 'account', { mode: 'register' }],
  ['/glomt-losenord', 'recover', { mode: 'forgot' }],
  ['/aterstall-losenord', 'recover', { mode: 'reset' }],
  ['/bekrafta-adress', 'recover', { mode: 'verify' }],
  ['/konto', 'profile'],
  ['/mina-organisationer', 'my'],
  ['/mina-organisationer/ny', 'orgform', { mode: 'create' }],
  ['/kansli', 'admin', { tab: 'pending' }],
  ['/kansli/anvandare', 'admin', { tab: 'users' }],
  ['/kansli/anvandare/:id', 'admin', { tab: 'users', sub: 'user' }],
  ['/kansli/klienter', 'admin', { tab: 'clients' }],
  ['/kansli/dialoger', 'admin', { tab: 'dialogues' }],
  ['/kansli/dialoger/ny', 'admin', { tab: 'dialogues', sub: 'new' }],
  ['/kansli/dialoger/:id', 'admin', { tab: 'dialogues', sub: 'edit' }],
  ['/kansli/overenskommelser', 'admin', { tab: 'agreements' }],
  ['/kansli/overenskommelser/ny', 'admin', { tab: 'agreements', sub: 'new' }],
  ['/kansli/overenskommelser/:ref', 'admin', { tab: 'agreements', sub: 'edit' }],
  ['/kansli/uppfoljning', 'admin', { tab: 'followup' }],
  ['/kansli/uppfoljning/:ref', 'admin', { tab: 'followup', sub: 'agreement' }],
  ['/kansli/uppfoljning/:ref/handlingsplan/:year/:id', 'admin', { tab: 'followup', sub: 'activity' }],
  ['/kansli/kodlistor', 'admin', { tab: 'vocabularies' }],
  ['/kansli/webhooks', 'admin', { tab: 'webhooks' }],
  ['/kansli/logg', 'admin', { tab: 'audit' }],
  ['/tillganglighet', 'info', { page: 'a11y' }],
  ['/oppna-data', 'info', { page: 'openData' }],
  ['/personuppgifter', 'info', { page: 'privacy' }],
];

const main = document.getElementById('main');
let current = 0;

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, page, opts] of ROUTES) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w[0] === ':' ? ((params[w.slice(1)] = decodeURIComponent(parts[i])), true) : w === parts[i])))
      return { page, params, opts: opts || {} };
  }
  return { page: 'notfound', params: {}, opts: {} };
}

let flash = null;
// go(path, {replace, flash}): flash is a message shown (and announced) on the next page
export function go(path, { replace = false, flash: msg = null } = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  flash = msg;
  return render(true);
}

// The page at the address, with the flash of the step before it; busy until it is whole
function render(focus) {
  return whileBusy(() => renderPage(focus));
}

async function renderPage(focus) {
  const token = ++current;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const { page, params, opts } = match(path);
  if (opts.alias) history.replaceState(null, '', `${opts.alias}${encodeURIComponent(params.id)}`);
  const said = flash;
  flash = null;
  const view = h('div', { class: 'wrap view' });
  main.replaceChildren(view);
  markNav(path);
  const ctx = {
    params, opts, go,
    query: new URLSearchParams(location.search),
    live: () => token === current,
    title: (s) => { document.title = t('site.title', { page: s }); },
  };
  try {
    const mod = await import(`./pages/${page}.js?v=8157fd9ca674`);
    await mod.default(view, ctx);
  } catch (e) {
    if (token !== current) return;
    view.replaceChildren(problemBox(e, null, 'h1'));
    ctx.title(view.querySelector('h1').textContent);
    if (!(e && 'status' in e)) console.warn(e); // a programming error, not an API answer
  }
  if (token !== current) return;
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (said) {
    // shown once, where the person is looking (the part of the page the link points at), and
    // gone when closed or at the next page
    const heading = (target && target.querySelector('h2, h3')) || view.querySelector('h1');
    const box = h('div', { class: 'notice notice-success flash' }, h('p', {}, said));
    const close = h('button', { type: 'button', class: 'close', 'aria-label': t('common.closeNotice') }, '×');
    close.addEventListener('click', () => {
      box.remove();
      const to = heading || main;
      if (!to.hasAttribute('tabindex')) to.setAttribute('tabindex', '-1');
      to.focus();
    });
    box.prepend(close);
    if (heading) heading.after(box); else view.prepend(box);
    announce(said);
  }
  if (target) {
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.scrollIntoView();
    target.focus();
  } else if (focus) {
    window.scrollTo(0, 0);
    main.focus({ preventScroll: true });
  }
}

// aria-current on the link of this page, or of the nearest section above it
function markNav(path) {
  const links = [...document.querySelectorAll('.site-header nav a')];
  let best = null;
  for (const a of links) {
    const p = a.getAttribute('href');
    if ((p === path || (p !== '/' && path.startsWith(`${p}/`))) && (!best || p.length > best.getAttribute('href').length)) best = a;
  }
  links.forEach((a) => (a === best ? a.setAttribute('aria-current', 'page') : a.removeAttribute('aria-current')));
}

function navLink(path, key) {
  return h('li', {}, h('a', { href: path }, t(key)));
}

function renderShell() {
  const me = session();
  document.querySelector('.skip').textContent = t('site.skip');
  document.getElementById('busy-text').textContent = t('site.loading');
  const other = t('site.otherLang');
  const langBtn = h('button', { type: 'button', class: 'lang', lang: other, id: 'lang-switch' }, t('site.otherLangName'));
  langBtn.addEventListener('click', async () => {
    const typed = typedValues();
    await initLang(other);
    renderShell();
    await render(false);
    restoreValues(typed);
    document.getElementById('lang-switch').focus();
  });
  const account = me
    ? [
        navLink('/mina-organisationer', 'nav.my'),
        me.role === 'admin' ? navLink('/kansli', 'nav.secretariat') : null,
        navLink('/konto', 'people.navProfile'),
        h('li', {}, h('button', { type: 'button', class: 'linklike', id: 'logout', onclick: doLogout }, t('nav.logout'))),
      ]
    : [navLink('/logga-in', 'nav.login'), navLink('/skapa-konto', 'nav.register')];
  document.getElementById('site-header').replaceChildren(
    h('div', { class: 'wrap top' },
      h('a', { class: 'brand', href: '/' }, h('span', { class: 'brand-name' }, 'Idékom'), h('span', { class: 'brand-tag' }, t('site.tagline'))),
      h('div', { class: 'tools' },
        me ? h('span', { class: 'who' }, t('nav.signedInAs', { name: me.name })) : null,
        langBtn)),
    h('nav', { 'aria-label': t('nav.label') },
      h('div', { class: 'wrap navs' },
        h('ul', { class: 'nav' },
          navLink('/', 'nav.start'), navLink('/overenskommelsen', 'nav.agreement'),
          navLink('/organisationer', 'nav.organisations'), navLink('/dialoger', 'nav.dialogues'),
          navLink('/statistik', 'nav.stats')),
        h('ul', { class: 'nav nav-account', 'aria-label': t('nav.account') }, account))));
  document.getElementById('site-footer').replaceChildren(
    h('div', { class: 'wrap' },
      h('p', {}, t('footer.about')),
      h('h2', { class: 'footer-h' }, t('footer.links')),
      h('ul', { class: 'footer-links' },
        h('li', {}, h('a', { href: '/radet' }, t('nav.council'))),
        h('li', {}, h('a', { href: '/tillganglighet' }, t('footer.a11y'))),
        h('li', {}, h('a', { href: '/oppna-data' }, t('footer.openData'))),
        h('li', {}, h('a', { href: '/personuppgifter' }, t('people.footerPrivacy'))),
        h('li', {}, h('a', { href: `${BASE}/openapi.json` }, t('footer.api'))))));
  markNav(location.pathname.replace(/\/+$/, '') || '/');
}

// What the person has typed on this page, by control id, so that switching the language
// (which draws the page again) loses nothing
function typedValues() {
  const out = new Map();
  for (const el of main.querySelectorAll('input[id], select[id], textarea[id]')) {
    out.set(el.id, el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value);
  }
  return out;
}

function restoreValues(typed) {
  for (const [id, v] of typed) {
    const el = document.getElementById(id);
    if (!el || !main.contains(el)) continue;
    if (typeof v === 'boolean') el.checked = v;
    else el.value = v;
  }
}

async function doLogout() {
  await logout();
  go('/', { flash: t('account.loggedOut') });
}

// In-app links: same origin, not the API, not a file
document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (href.startsWith('#')) {
    const el = document.getElementById(href.slice(1));
    if (el) { ev.preventDefault(); el.focus(); el.scrollIntoView({ block: 'center' }); }
    return;
  }
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith(new URL(BASE, location.href).pathname) || /\.[a-z0-9]+$/i.test(url.pathname)) return;
  ev.preventDefault();
  if (url.pathname + url.search + url.hash !== location.pathname + location.search + location.hash) go(url.pathname + url.search + url.hash);
  else render(true);
});

// Every data table sits in a region that scrolls sideways on its own when the screen is too
// narrow (tables are exempt from reflow), named after the table's caption or nearest heading
new MutationObserver(() => {
  for (const table of main.querySelectorAll('table.table')) {
    if (table.parentElement.classList.contains('table-wrap')) continue;
    const name = table.querySelector('caption') || table.closest('section, figure, details')?.querySelector('h2, h3, figcaption, summary');
    const wrap = h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': name ? name.textContent : t('site.table') });
    table.replaceWith(wrap);
    wrap.append(table);
  }
}).observe(main, { childList: true, subtree: true });

window.addEventListener('popstate', () => render(true));
// a notice from the last step goes away when the person starts the next one
document.addEventListener('submit', () => main.querySelectorAll('.flash').forEach((x) => x.remove()), true);
onSession(() => renderShell());

await initLang();
await resume();
renderShell();
await render(false);
