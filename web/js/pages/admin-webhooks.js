// The secretariat's view of the integrations: every webhook subscription, its deliveries with
// the errors of each attempt, and a retry for a delivery that has failed (the worker then
// sends it again like any other)
import { api, apiAll } from '../api.js?v=8157fd9ca674';
import { h, put, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, fmtDateTime, fmtNum } from '../i18n.js?v=8157fd9ca674';

// The last attempt's error in words: the HTTP status the receiver answered, or why none came
function lastError(d) {
  const a = d.attempts_log.at(-1);
  if (!a) return t('webhooks.noAttempt');
  if (a.status_code && a.status_code >= 200 && a.status_code < 300) return t('webhooks.ok', { code: a.status_code });
  return a.status_code ? t('webhooks.answered', { code: a.status_code }) : t('webhooks.noAnswer');
}

async function deliveries(box, hook) {
  const { data } = await api(`/webhooks/${hook.id}/deliveries`);
  if (!data.items.length) return box.replaceChildren(h('p', { class: 'empty' }, t('webhooks.noDeliveries')));
  const msg = h('div');
  const rows = data.items.map((d) => {
    const cell = h('td');
    if (d.status === 'failed') {
      const b = h('button', { type: 'button', class: 'button button-small', 'aria-label': t('webhooks.retryName', { seq: d.event_seq }) }, t('webhooks.retry'));
      b.addEventListener('click', async () => {
        try {
          await api(`/webhooks/${hook.id}/deliveries/${d.id}/retry`, { method: 'POST' });
          await deliveries(box, hook);
          const done = h('div', { class: 'notice notice-success', tabindex: '-1' }, h('p', {}, t('webhooks.retried', { seq: d.event_seq })));
          box.prepend(done);
          done.focus();
          announce(done.textContent);
        } catch (e) { msg.replaceChildren(problemBox(e, null, 'h4')); }
      });
      cell.append(b);
    }
    return h('tr', {},
      // the event number is an identifier (the change feed's seq): shown as it is, not formatted
      h('td', {}, String(d.event_seq)), h('td', {}, t(`audit.types.${d.type}`)),
      h('td', {}, h('span', { class: `badge badge-delivery-${d.status}` }, t(`webhooks.status.${d.status}`))),
      h('td', {}, fmtNum(d.attempts)), h('td', {}, lastError(d)),
      h('td', {}, d.delivered_at ? fmtDateTime(d.delivered_at) : d.next_attempt_at ? t('webhooks.next', { at: fmtDateTime(d.next_attempt_at) }) : '–'),
      cell);
  });
  box.replaceChildren(msg, h('table', { class: 'table' },
    h('caption', { class: 'sr-only' }, t('webhooks.caption', { url: hook.url })),
    h('thead', {}, h('tr', {}, [t('webhooks.event'), t('webhooks.type'), t('org.status'), t('webhooks.attempts'), t('webhooks.lastResult'), t('webhooks.when'), t('reps.actions')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows)));
}

export default async function webhooks(section) {
  put(section, h('h2', { id: 'sec-h' }, t('admin.webhooks')), h('p', {}, t('webhooks.lead')));
  try {
    const { data } = await apiAll('/webhooks');
    if (!data.items.length) return put(section, h('p', { class: 'empty' }, t('webhooks.empty')));
    put(section, h('ul', { class: 'org-list' }, data.items.map((w) => {
      const box = h('div', { id: `lev-${w.id}`, hidden: true });
      const open = h('button', { type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-controls': box.id, 'aria-label': t('webhooks.showName', { url: w.url }) }, t('webhooks.show'));
      open.addEventListener('click', async () => {
        const opening = box.hidden;
        box.hidden = !opening;
        open.setAttribute('aria-expanded', String(opening));
        if (opening) try { await deliveries(box, w); } catch (e) { box.replaceChildren(problemBox(e, null, 'h4')); }
      });
      return h('li', { class: 'org-item' },
        h('h3', {}, h('code', {}, w.url)),
        h('p', { class: 'meta' }, t('webhooks.types'), ': ', w.types.map((x) => t(`audit.types.${x}`)).join(', '), ' · ', t('webhooks.since', { date: fmtDateTime(w.created_at) })),
        h('p', {}, open), box);
    })));
  } catch (e) { put(section, problemBox(e)); }
}
