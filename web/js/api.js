// The one fetch wrapper for the Idékom API. The access token lives in this module's memory
// only. The refresh token lives in an HttpOnly cookie that scripts cannot read (asked for
// with X-Idekom-Session: cookie, which is also the CSRF defence), so a reload keeps the
// person signed in; the readable cookie idekom_session=1 only says one may be waiting. When
// the API is on another origin, the refresh token stays in memory and a reload logs out.
const meta = document.querySelector('meta[name="idekom-api"]');
export const BASE = ((meta && meta.content) || '/api/v1').replace(/\/+$/, '');
const COOKIE_SESSION = new URL(BASE, location.href).origin === location.origin;

let access = null;
let refreshToken = null;
let refreshing = null;
let me = null;
let busy = 0;
const listeners = new Set();

// A problem+json answer (RFC 9457), or a network failure (status 0)
export class ApiError extends Error {
  constructor(status, p = {}, retryAfter = null) {
    super(p.detail || p.title || 'request failed');
    this.status = status;
    this.type = status ? String(p.type || 'other').replace(/^.*\//, '') : 'network';
    this.title = p.title || '';
    this.detail = p.detail || '';
    this.errors = Array.isArray(p.errors) ? p.errors : [];
    this.requestId = p.request_id || null;
    this.retryAfter = retryAfter;
  }
}

// Marks the page busy (aria-busy on main, the loading notice) while fn runs: the router holds
// it for a whole page, so the page counts as loaded only once it has all it shows
export async function whileBusy(fn) {
  setBusy(1);
  try {
    return await fn();
  } finally {
    setBusy(-1);
  }
}

function setBusy(d) {
  busy += d;
  const main = document.getElementById('main');
  const el = document.getElementById('busy');
  if (main) busy > 0 ? main.setAttribute('aria-busy', 'true') : main.removeAttribute('aria-busy');
  if (el) el.hidden = busy <= 0;
}

// Query string from an object, skipping empty values
export function qs(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

// Every item of a list, page after page of 100 (a list answers {items, next_cursor}), for
// the short lists a page shows whole. → {data: {items}}, as api() answers.
export async function apiAll(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const { data } = await api(`${path}${sep}${qs({ limit: 100, cursor }).slice(1)}`);
    items.push(...data.items);
    cursor = data.next_cursor;
  } while (cursor);
  return { data: { items } };
}

// api(path, {method, body, ifMatch, signal, auth, text}) → {data, etag, status, location}; throws
// ApiError. text: data is the body as text (a CSV file), not parsed
export async function api(path, opts = {}) {
  const { method = 'GET', body, ifMatch, signal, retry = true, auth = true, session: viaCookie = false, text: asText = false } = opts;
  const headers = { Accept: 'application/json, application/problem+json' };
  if (viaCookie) headers['X-Idekom-Session'] = 'cookie';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  const sent = auth ? access : null; // tokens are checked even on public routes
  if (sent) headers.Authorization = `Bearer ${sent}`;
  setBusy(1);
  try {
    let res;
    try {
      res = await fetch(BASE + path, {
        method, headers, signal, credentials: viaCookie ? 'same-origin' : 'omit',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0);
    }
    if (res.status === 401 && sent && retry) {
      const renewed = sent !== access ? Boolean(access) : await refresh();
      if (renewed) return api(path, { ...opts, retry: false });
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!res.ok) {
      const err = new ApiError(res.status, data || {}, Number(res.headers.get('Retry-After')) || null);
      if (res.status === 401 && sent) { clear(); err.type = 'session'; }
      throw err;
    }
    return { data: asText ? text : data, status: res.status, etag: res.headers.get('ETag'), location: res.headers.get('Location') };
  } finally {
    setBusy(-1);
  }
}

// A file the API answers to the signed-in person only (a CSV for the secretariat), as a Blob
export async function apiBlob(path) {
  const res = await fetch(BASE + path, { headers: access ? { Authorization: `Bearer ${access}` } : {}, credentials: 'omit' });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return res.blob();
}

// Uploads a file as the body of a POST (documents), its metadata in the query
export async function apiUpload(path, file) {
  const headers = { Accept: 'application/json, application/problem+json', 'Content-Type': file.type || 'application/octet-stream' };
  if (access) headers.Authorization = `Bearer ${access}`;
  setBusy(1);
  try {
    const res = await fetch(BASE + path, { method: 'POST', headers, body: file, credentials: 'omit' });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError(res.status, data);
    return { data, status: res.status };
  } finally {
    setBusy(-1);
  }
}

// One refresh at a time; every request that met a 401 waits for the same one
function refresh() {
  if (!refreshToken && !(COOKIE_SESSION && access)) return Promise.resolve(false);
  refreshing ||= (async () => {
    try {
      const { data } = COOKIE_SESSION
        ? await api('/auth/refresh', { method: 'POST', body: {}, auth: false, session: true })
        : await api('/auth/refresh', { method: 'POST', body: { refresh_token: refreshToken }, auth: false });
      access = data.access_token;
      refreshToken = data.refresh_token || null;
      return true;
    } catch {
      clear();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function clear() {
  const was = access || me;
  access = refreshToken = me = null;
  if (was) listeners.forEach((f) => f(null));
}

export const session = () => me;

// The signed-in person's standing for an organisation: 'admin', 'signatory', 'representative' or null
export const roleIn = (id) => {
  if (!me) return null;
  if (me.role === 'admin') return 'admin';
  const m = me.organisations.find((o) => o.id === id);
  return m ? m.role : null;
};

// An API address in full (for calendar subscriptions and downloads)
export const absolute = (p) => new URL(BASE + p, location.href).href;
export const onSession = (f) => listeners.add(f);

// The signed-in user with their organisations (GET /me), reloaded after changes
export async function loadMe() {
  const { data } = await api('/me');
  me = data;
  listeners.forEach((f) => f(me));
  return me;
}

export async function login(email, password) {
  const { data } = await api('/auth/login', { method: 'POST', body: { email, password }, auth: false, session: COOKIE_SESSION });
  access = data.access_token;
  refreshToken = data.refresh_token || null;
  return loadMe();
}

// After a reload: the session of the cookie, if the readable hint says there may be one
export async function resume() {
  if (!COOKIE_SESSION || !/(^|;\s*)idekom_session=1(;|$)/.test(document.cookie)) return null;
  try {
    const { data } = await api('/auth/refresh', { method: 'POST', body: {}, auth: false, session: true });
    access = data.access_token;
    return await loadMe();
  } catch {
    return null; // expired or revoked: the server has cleared the cookies
  }
}

export async function logout() {
  const rt = refreshToken;
  try {
    if (COOKIE_SESSION) await api('/auth/logout', { method: 'POST', body: {}, auth: false, session: true });
    else if (rt) await api('/auth/logout', { method: 'POST', body: { refresh_token: rt }, auth: false });
  } catch { /* the session ends here in any case */ }
  clear();
}

// Cached code lists (GET /vocabularies)
let vocab = null;
// After the secretariat has edited a vocabulary: the next vocabularies() asks again
export const forgetVocabularies = () => { vocab = null; };

export async function vocabularies() {
  vocab ||= api('/vocabularies').then((r) => r.data, (e) => { vocab = null; throw e; });
  return vocab;
}
