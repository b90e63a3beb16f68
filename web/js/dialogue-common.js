// What the dialogue pages and the secretariat's dialogue page share: a dialogue's time span,
// its seats badge, and the principles of the current agreement. Kept apart so that the
// secretariat's page does not load the public pages to get them.
import { api, qs } from './api.js?v=8157fd9ca674';
import { h } from './dom.js?v=8157fd9ca674';
import { t, fmtDateTime, fmtTime, local } from './i18n.js?v=8157fd9ca674';

// "torsdag 3 december 2026 18:00–20:00"
export function when(d) {
  const a = local(new Date(d.starts_at));
  const b = local(new Date(d.ends_at));
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return `${fmtDateTime(d.starts_at)}–${sameDay ? fmtTime(d.ends_at) : fmtDateTime(d.ends_at)}`;
}

export function seats(d) {
  if (d.status === 'cancelled') return h('span', { class: 'badge badge-rejected' }, t('dialogues.status.cancelled'));
  if (d.status === 'held') return h('span', { class: 'badge badge-coming' }, t('dialogues.status.held'));
  if (new Date(d.starts_at) <= new Date()) return null;
  if (!d.registration_open) return h('span', { class: 'badge badge-inactive' }, t('dialogues.closed'));
  if (d.capacity == null) return h('span', { class: 'badge badge-verified' }, t('dialogues.open'));
  const left = Math.max(0, d.capacity - d.seats_taken);
  return left ? h('span', { class: 'badge badge-verified' }, t('dialogues.seatsLeft', { n: left }))
    : h('span', { class: 'badge badge-pending' }, t('dialogues.full'));
}

export async function currentPrinciples() {
  try {
    const { data } = await api(`/agreements${qs({ limit: 20 })}`);
    const a = data.items.find((x) => x.status === 'adopted') || data.items[0];
    return a ? a.principles : [];
  } catch { return []; }
}
