// The secretariat's dialogues: the list, creating one, editing it (If-Match; a clash is
// explained and nothing typed is lost), minutes and status, and the attendance of everyone
// registered, saved at once
import { api, qs, vocabularies } from '../api.js?v=8157fd9ca674';
import { h, put, field, checkGroup, readForm, showErrors, onSubmit, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { attendance } from './admin-attendance.js?v=8157fd9ca674';
import { t, label, fromLocalInput, toLocalInput, fmtDateTime, fmtNum } from '../i18n.js?v=8157fd9ca674';
import { clashBox, same } from '../clash.js?v=8157fd9ca674';
import { when, currentPrinciples } from '../dialogue-common.js?v=8157fd9ca674';

const FORMATS = ['in_person', 'online', 'hybrid'];
const SERVICES = ['tolk', 'teckensprakstolk', 'horselslinga', 'lattlast'];
const LEVELS = ['information', 'consultation', 'dialogue', 'partnership'];
const TEXT = ['title', 'kind', 'starts_at', 'ends_at', 'format', 'location', 'online_url', 'capacity', 'participation_level', 'description', 'agenda', 'minutes', 'status'];
const LISTS = ['principles', 'services'];

function table(items) {
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, [t('admin.dlgTitle'), t('dialogue.when'), t('org.status'), t('dialogue.seats')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, items.map((d) => h('tr', {},
      h('td', {}, h('a', { href: `/kansli/dialoger/${d.id}` }, d.title), ' ', h('a', { href: `/dialoger/${d.id}`, class: 'small', 'aria-label': t('admin.publicPageOf', { name: d.title }) }, t('admin.publicPage'))),
      h('td', {}, when(d)), h('td', {}, t(`dialogues.status.${d.status}`)),
      h('td', {}, seatWords(d))))));
}

// "12 av 12 platser, 11 på kölistan"
function seatWords(d) {
  const taken = d.capacity == null ? t('admin.seatsTaken', { n: d.seats_taken }) : t('admin.seatsOf', { taken: fmtNum(d.seats_taken), n: d.capacity });
  return d.waitlist_length ? `${taken}, ${t('dialogue.waitlistShort', { n: d.waitlist_length })}` : taken;
}

async function list(section) {
  const now = new Date().toISOString();
  const yearAgo = new Date(Date.now() - 365 * 864e5).toISOString();
  const [{ data: up }, { data: past }] = await Promise.all([
    api(`/dialogues${qs({ from: now, limit: 100 })}`), api(`/dialogues${qs({ from: yearAgo, to: now, limit: 100 })}`)]);
  put(section, h('h2', { id: 'sec-h' }, t('admin.dialogues')),
    h('p', {}, h('a', { class: 'button', href: '/kansli/dialoger/ny' }, t('admin.newDialogue'))),
    h('h3', {}, t('dialogues.upcoming')), up.items.length ? table(up.items) : h('p', { class: 'empty' }, t('dialogues.noneUpcoming')),
    h('h3', {}, t('dialogues.past')), past.items.length ? table(past.items.reverse()) : h('p', { class: 'empty' }, t('dialogues.nonePast')));
}

export default async function dialogues(section, ctx) {
  if (!ctx.opts.sub) return list(section);
  const edit = ctx.opts.sub === 'edit';
  const [vocab, principles] = await Promise.all([vocabularies(), currentPrinciples()]);
  let base = null;
  let etag = null;
  if (edit) ({ data: base, etag } = await api(`/dialogues/${encodeURIComponent(ctx.params.id)}`));
  const title = edit ? t('admin.editDialogue', { name: base.title }) : t('admin.newDialogue');
  ctx.title(title);
  const L = {
    title: t('admin.dlgTitle'), kind: t('dialogue.kind'), starts_at: t('admin.startsAt'), ends_at: t('admin.endsAt'), format: t('dialogue.format'),
    location: t('dialogue.location'), online_url: t('dialogue.online'), capacity: t('admin.capacity'), registration_open: t('admin.registrationOpen'),
    participation_level: t('dialogue.level'), principles: t('dialogue.principles'), services: t('dialogue.services'),
    description: t('dialogue.description'), agenda: t('dialogue.agenda'), minutes: t('dialogue.minutes'), status: t('org.status'),
  };
  const v = base || { format: 'in_person', registration_open: true, principles: [], services: [] };
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'title', label: L.title, required: true, value: v.title, maxlength: 200 }),
    field({ name: 'kind', type: 'select', label: L.kind, required: true, value: v.kind || '', options: [['', t('admin.choose')], ...vocab.dialogue_kinds.map((k) => [k.code, label(k)])] }),
    field({ name: 'starts_at', type: 'datetime-local', label: L.starts_at, required: true, value: toLocalInput(v.starts_at), hint: t('admin.timeHint') }),
    field({ name: 'ends_at', type: 'datetime-local', label: L.ends_at, required: true, value: toLocalInput(v.ends_at) }),
    field({ name: 'format', type: 'select', label: L.format, value: v.format, options: FORMATS.map((f) => [f, t(`dialogues.format.${f}`)]) }),
    field({ name: 'location', label: L.location, optional: true, value: v.location, maxlength: 300 }),
    field({ name: 'online_url', type: 'url', label: L.online_url, optional: true, value: v.online_url, hint: t('orgForm.websiteHint'), maxlength: 500 }),
    field({ name: 'capacity', type: 'number', label: L.capacity, optional: true, value: v.capacity ?? '', min: 1, hint: t('admin.capacityHint'), inputmode: 'numeric' }),
    checkGroup({ name: 'registration_open', label: L.registration_open, options: [['true', t('admin.registrationOpenYes')]], value: v.registration_open ? ['true'] : [] }),
    field({ name: 'participation_level', type: 'select', label: L.participation_level, optional: true, value: v.participation_level || '', hint: t('admin.levelHint'),
      options: [['', t('common.notGiven')], ...LEVELS.map((l) => [l, t(`dialogue.levels.${l}`)])] }),
    principles.length ? checkGroup({ name: 'principles', label: L.principles, optional: true, options: principles.map((p) => [p.code, p.title]), value: v.principles }) : null,
    checkGroup({ name: 'services', label: L.services, optional: true, options: SERVICES.map((x) => [x, t(`dialogue.service.${x}`)]), value: v.services }),
    field({ name: 'description', type: 'textarea', label: L.description, optional: true, value: v.description, hint: t('admin.markdownHint'), maxlength: 20000 }),
    field({ name: 'agenda', type: 'textarea', label: L.agenda, optional: true, value: v.agenda, hint: t('admin.markdownHint'), maxlength: 20000 }),
    edit ? field({ name: 'minutes', type: 'textarea', label: L.minutes, optional: true, value: v.minutes, rows: 8, hint: t('admin.minutesHint'), maxlength: 20000 }) : null,
    edit ? field({ name: 'status', type: 'select', label: L.status, value: v.status, options: ['scheduled', 'held'].map((x) => [x, t(`dialogues.status.${x}`)]) }) : null,
    h('p', {}, h('button', { type: 'submit', class: 'button' }, t(edit ? 'orgForm.save' : 'admin.createDialogue'))));
  if (edit && base.status === 'cancelled') form.querySelectorAll('input,select,textarea,button').forEach((el) => { el.disabled = true; });
  const done = h('div');
  put(section, h('p', {}, h('a', { href: '/kansli/dialoger' }, t('common.back'))), h('h2', { id: 'sec-h' }, title),
    edit ? h('p', {}, h('a', { href: `/dialoger/${base.id}` }, t('admin.publicPage'))) : null,
    edit && base.status === 'cancelled' ? problemBox({ type: 'conflict', detail: '' }, h('p', {}, t('admin.cancelledNoEdit'))) : null,
    done, form);
  if (edit) await attendance(section, base);
  // loaded only for a council meeting: most dialogues never need it
  if (edit && base.kind === 'radsmote') await (await import(`./admin-council-attendance.js?v=8157fd9ca674`)).councilAttendance(section, base);

  // values as the API takes them
  const norm = (k, x) => {
    if (LISTS.includes(k)) return [...(x || [])].sort();
    if (k === 'registration_open') return Array.isArray(x) ? x.length > 0 : Boolean(x);
    if (x === '' || x == null) return k === 'title' || k === 'kind' ? '' : null;
    if (k === 'starts_at' || k === 'ends_at') return fromLocalInput(x);
    if (k === 'capacity') return /^\d+$/.test(x) ? Number(x) : x;
    return x;
  };
  const keys = () => [...TEXT, ...LISTS, 'registration_open'].filter((k) => form.elements[k] || form.querySelector(`[data-field="${k}"]`));
  const values = () => { const r = readForm(form); return Object.fromEntries(keys().map((k) => [k, norm(k, r[k] ?? (LISTS.includes(k) || k === 'registration_open' ? [] : ''))])); };
  const fromServer = (d) => Object.fromEntries(keys().map((k) => [k, k === 'starts_at' || k === 'ends_at' ? fromLocalInput(toLocalInput(d[k])) : norm(k, d[k] ?? '')]));
  const started = edit ? fromServer(base) : null;
  const show = (k, x) => {
    if (x == null || x === '' || (Array.isArray(x) && !x.length)) return t('common.notGiven');
    if (k === 'starts_at' || k === 'ends_at') return fmtDateTime(x);
    if (Array.isArray(x)) return x.map((c) => form.querySelector(`label[for="f-${k}-${c}"]`)?.textContent || c).join(', ');
    if (typeof x === 'boolean') return t(x ? 'common.yes' : 'common.no');
    const el = form.elements[k];
    return el && el.tagName === 'SELECT' ? [...el.options].find((o) => o.value === x)?.textContent || x : String(x);
  };
  const fill = (d) => {
    for (const k of TEXT) if (form.elements[k]) form.elements[k].value = k.endsWith('_at') ? toLocalInput(d[k]) : d[k] ?? '';
    for (const k of [...LISTS, 'registration_open']) {
      for (const cb of form.querySelectorAll(`input[name="${k}"]`)) cb.checked = k === 'registration_open' ? Boolean(d[k]) : (d[k] || []).includes(cb.value);
    }
  };

  onSubmit(form, async () => {
    const val = values();
    const missing = ['title', 'kind', 'starts_at', 'ends_at'].filter((k) => !val[k]).map((k) => ({ field: `/${k}`, code: 'required' }));
    if (missing.length) return showErrors(form, missing, L);
    try {
      if (!edit) {
        const body = Object.fromEntries(Object.entries(val).filter(([, x]) => x !== null && !(Array.isArray(x) && !x.length)));
        const { data } = await api('/dialogues', { method: 'POST', body });
        return ctx.go(`/dialoger/${data.id}`, { flash: t('admin.dialogueCreated') });
      }
      const patch = Object.fromEntries(Object.entries(val).filter(([k, x]) => !same(x, started[k])));
      if (!Object.keys(patch).length) { done.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('orgForm.nothingChanged'))); return; }
      await api(`/dialogues/${base.id}`, { method: 'PATCH', body: patch, ifMatch: etag });
      return ctx.go(`/dialoger/${base.id}`, { flash: t('form.saved') });
    } catch (e) {
      if (e.status !== 412) return showErrors(form, e.errors || [], L, e);
      const r = await api(`/dialogues/${base.id}`);
      etag = r.etag;
      const box = clashBox({
        started, theirs: fromServer(r.data), mine: values(), labels: L, show,
        onSaveMine: () => form.requestSubmit(),
        onUseTheirs: () => { base = r.data; fill(base); Object.assign(started, fromServer(base)); form.elements.title.focus(); announce(t('clash.resolved')); },
      });
      done.replaceChildren(box);
      box.focus();
    }
  });
}
