// Dialogues: upcoming, a month view, past ones, and the calendar to subscribe to
import { api, qs, vocabularies, absolute } from '../api.js?v=8157fd9ca674';
import { h, put, sv, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, label, fmtTime, fmtMonth, local, getLang } from '../i18n.js?v=8157fd9ca674';
import { when, seats } from '../dialogue-common.js?v=8157fd9ca674';

export function dialogueItem(d, vocab, tag = 'h3') {
  const kind = label(vocab.dialogue_kinds.find((k) => k.code === d.kind));
  return h('li', { class: 'org-item' },
    h(tag, { class: 'h3' }, sv('a', { href: `/dialoger/${d.id}` }, d.title)),
    h('p', { class: 'meta' }, when(d)),
    h('p', { class: 'meta' }, [kind, d.location || (d.format !== 'in_person' ? t(`dialogues.format.${d.format}`) : null)].filter(Boolean).join(' · ')),
    h('p', {}, seats(d)));
}

function monthParam(s) {
  const m = /^(\d{4})-(\d{2})$/.exec(s || '');
  if (m && +m[2] >= 1 && +m[2] <= 12) return [+m[1], +m[2]];
  const now = local(new Date());
  return [now.year, now.month];
}
const ym = (y, m) => `${y}-${String(m).padStart(2, '0')}`;
const shift = (y, m, by) => { const x = y * 12 + (m - 1) + by; return [Math.floor(x / 12), (x % 12) + 1]; };

// A calendar grid (wide screens) and a day list (narrow screens) of one month
async function month(slot, y, m, vocab) {
  const [ny, nm] = shift(y, m, 1);
  const { data } = await api(`/dialogues${qs({ from: `${ym(y, m)}-01`, to: `${ym(ny, nm)}-01`, limit: 100 })}`);
  const byDay = new Map();
  for (const d of data.items) {
    const day = local(new Date(d.starts_at)).day;
    byDay.set(day, [...(byDay.get(day) || []), d]);
  }
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const first = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0
  const wd = new Intl.DateTimeFormat(getLang(), { weekday: 'short', timeZone: 'UTC' });
  const wdLong = new Intl.DateTimeFormat(getLang(), { weekday: 'long', timeZone: 'UTC' });
  const link = (d) => h('a', { href: `/dialoger/${d.id}`, class: d.status === 'cancelled' ? 'cancelled' : null },
    `${fmtTime(d.starts_at)} ${d.title}`, d.status === 'cancelled' ? ` (${t('dialogues.status.cancelled')})` : '');
  const today = local(new Date());
  const isToday = (day) => today.year === y && today.month === m && today.day === day;
  const rows = [];
  let cells = [];
  for (let i = 0; i < first; i++) cells.push(h('td', { class: 'out' }));
  for (let day = 1; day <= days; day++) {
    const list = byDay.get(day);
    cells.push(h('td', { class: [list ? 'has' : '', isToday(day) ? 'today' : ''].join(' ').trim() || null, 'aria-current': isToday(day) ? 'date' : null },
      h('span', { class: 'daynum' }, day, isToday(day) ? h('span', { class: 'today-tag' }, ` ${t('dialogues.today')}`) : null),
      list ? h('ul', {}, list.map((d) => h('li', {}, link(d)))) : null));
    if (cells.length === 7) { rows.push(h('tr', {}, cells)); cells = []; }
  }
  if (cells.length) { while (cells.length < 7) cells.push(h('td', { class: 'out' })); rows.push(h('tr', {}, cells)); }
  const title = fmtMonth(y, m);
  const grid = h('table', { class: 'month-grid' },
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, [0, 1, 2, 3, 4, 5, 6].map((i) => {
      const date = Date.UTC(2024, 0, 1 + i); // 1 January 2024 was a Monday
      return h('th', { scope: 'col' }, h('abbr', { title: wdLong.format(date) }, wd.format(date)));
    }))),
    h('tbody', {}, rows));
  const dayList = data.items.length
    ? h('ul', { class: 'org-list month-list' }, data.items.map((d) => dialogueItem(d, vocab)))
    : null;
  // the grid's caption names the month on wide screens; on a phone the list has this heading
  slot.replaceChildren(h('h3', { class: 'month-name' }, title), grid, dayList || '', data.items.length ? '' : h('p', { class: 'empty' }, t('dialogues.noneInMonth', { month: title })));
  return title;
}

export default async function dialogues(view, ctx) {
  ctx.title(t('dialogues.title'));
  const vocab = await vocabularies();
  let [y, m] = monthParam(ctx.query.get('manad'));
  const ics = absolute('/dialogues.ics');
  const upcomingList = h('ul', { class: 'org-list' });
  const more = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('common.more'));
  const monthSlot = h('div', { class: 'month' });
  const prev = h('button', { type: 'button', class: 'button button-secondary button-small' }, t('dialogues.prevMonth'));
  const next = h('button', { type: 'button', class: 'button button-secondary button-small' }, t('dialogues.nextMonth'));
  const past = h('div', {}, h('p', {}, t('site.loading')));
  const copyMsg = h('span', { role: 'status' });
  const icsInput = h('input', { type: 'text', id: 'ics-url', readonly: true, value: ics, class: 'secret' });
  const copy = h('button', { type: 'button', class: 'button button-secondary' }, t('common.copy'));
  copy.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(ics); copyMsg.textContent = t('common.copied'); } catch { icsInput.select(); copyMsg.textContent = t('common.copyFailed'); }
  });
  put(view, 
    h('h1', {}, t('dialogues.title')), h('p', { class: 'lead' }, t('dialogues.lead')),
    h('section', { 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, t('dialogues.upcoming')), upcomingList, more),
    h('section', { 'aria-labelledby': 'month-h', id: 'manad' }, h('h2', { id: 'month-h' }, t('dialogues.month')),
      h('p', { class: 'actions' }, prev, next), monthSlot),
    h('section', { 'aria-labelledby': 'past-h' }, h('h2', { id: 'past-h' }, t('dialogues.past')), past),
    h('section', { 'aria-labelledby': 'sub-h', class: 'card' }, h('h2', { id: 'sub-h' }, t('dialogues.subscribe')),
      h('p', {}, t('dialogues.subscribeText')),
      h('label', { for: 'ics-url' }, t('dialogues.calendarAddress')),
      h('div', { class: 'copy-row' }, icsInput, copy), copyMsg,
      h('p', {}, h('a', { href: ics.replace(/^https?:/, 'webcal:') }, t('dialogues.subscribeLink')), ' · ',
        h('a', { href: ics, download: 'idekom.ics' }, t('dialogues.download')))));

  let cursor = null;
  const now = new Date().toISOString();
  async function loadUpcoming(append) {
    const { data } = await api(`/dialogues${qs({ from: now, limit: 10, cursor: append ? cursor : null })}`);
    const items = data.items.map((d) => dialogueItem(d, vocab));
    put(upcomingList, ...items);
    cursor = data.next_cursor;
    more.hidden = !cursor;
    if (!append && !items.length) upcomingList.replaceWith(h('p', { class: 'empty' }, t('dialogues.noneUpcoming')));
    if (append && items[0]) items[0].querySelector('a').focus();
  }
  more.addEventListener('click', () => loadUpcoming(true).catch((e) => more.after(problemBox(e))));
  const showMonth = async (by) => {
    [y, m] = shift(y, m, by);
    history.replaceState(null, '', `/dialoger${qs({ manad: ym(y, m) })}`);
    try { announce(await month(monthSlot, y, m, vocab)); } catch (e) { monthSlot.replaceChildren(problemBox(e)); }
  };
  prev.addEventListener('click', () => showMonth(-1));
  next.addEventListener('click', () => showMonth(1));

  const yearAgo = new Date(Date.now() - 365 * 864e5).toISOString();
  await Promise.all([
    loadUpcoming(false),
    month(monthSlot, y, m, vocab),
    api(`/dialogues${qs({ from: yearAgo, to: now, limit: 100 })}`).then(({ data }) => {
      const items = data.items.reverse();
      past.replaceChildren(items.length ? h('ul', { class: 'org-list' }, items.map((d) => dialogueItem(d, vocab))) : h('p', { class: 'empty' }, t('dialogues.nonePast')));
    }),
  ]);
}
