// One dialogue: details, minutes, seats, registration for a representative, the registrations,
// and for the secretariat cancelling (attendance is recorded on Kansliet's page of the meeting)
import { api, apiAll, session, vocabularies, absolute } from '../api.js?v=8157fd9ca674';
import { h, put, sv, field, notice, readForm, showErrors, onSubmit, problemBox, confirmAction } from '../dom.js?v=8157fd9ca674';
import { t, label, fmtNum } from '../i18n.js?v=8157fd9ca674';
import { md } from '../markdown.js?v=8157fd9ca674';
import { when, seats, currentPrinciples } from '../dialogue-common.js?v=8157fd9ca674';
import { documentsSection } from '../documents.js?v=8157fd9ca674';

const regStatus = (r) => (r.status === 'waitlisted' ? t('dialogue.reg.waitlisted', { n: r.waitlist_position }) : t(`dialogue.reg.${r.status}`));

export default async function dialogue(view, ctx) {
  const id = encodeURIComponent(ctx.params.id);
  const [vocab, { data: d }, { data: regs }, principles] = await Promise.all([
    vocabularies(), api(`/dialogues/${id}`), apiAll(`/dialogues/${id}/registrations`), currentPrinciples()]);
  ctx.title(d.title);
  const me = session();
  const admin = me && me.role === 'admin';
  // after registering or unregistering the notice shows in the registration section
  const again = (flash, at = '') => ctx.go(`${location.pathname}${at}`, { replace: true, flash });
  const msg = h('div');
  const fail = (e) => { msg.replaceChildren(problemBox(e)); msg.querySelector('h2').tabIndex = -1; msg.querySelector('h2').focus(); };
  const started = new Date(d.starts_at) <= new Date();
  const open = d.status === 'scheduled' && d.registration_open && !started;
  const left = d.capacity == null ? null : Math.max(0, d.capacity - d.seats_taken);
  // seats and the waiting list matter only while one can still come: not once it has begun
  const upcoming = d.status === 'scheduled' && !started;
  const principleTitle = (c) => (principles.find((p) => p.code === c) || {}).title || c;
  // a council meeting shows whether it has a quorum under the secretariat's rule (public)
  const council = d.kind === 'radsmote' ? await api(`/dialogues/${id}/council-attendance`).then((r) => r.data, () => null) : null;

  put(view,
    h('p', {}, h('a', { href: '/dialoger' }, t('common.back'), ': ', t('dialogues.title'))),
    sv('h1', {}, d.title),
    h('p', {}, seats(d)),
    msg,
    admin ? h('ul', { class: 'actions' },
      h('li', {}, h('a', { class: 'button', href: `/kansli/dialoger/${d.id}` }, t('dialogue.edit'))),
      d.status === 'scheduled' ? h('li', { id: 'cancel-slot' }) : null) : null,
    h('section', { 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, t('org.facts')),
      h('dl', { class: 'facts' }, [
        [t('dialogue.when'), when(d)],
        [t('dialogue.kind'), label(vocab.dialogue_kinds.find((k) => k.code === d.kind))],
        [t('dialogue.format'), t(`dialogues.format.${d.format}`)],
        [t('dialogue.location'), d.location],
        [t('dialogue.online'), d.online_url && /^https?:\/\//i.test(d.online_url) ? h('a', { href: d.online_url, rel: 'noopener noreferrer' }, d.online_url) : null],
        [t('dialogue.seats'), !upcoming ? null : d.capacity == null ? t('dialogue.unlimited') : t('dialogue.seatsOf', { left: fmtNum(left), capacity: fmtNum(d.capacity) })],
        [t('dialogue.waitlist'), upcoming && d.waitlist_length ? t('dialogue.waitlistN', { n: d.waitlist_length }) : null],
        [t('dialogue.services'), d.services.map((s) => t(`dialogue.service.${s}`)).join(', ')],
        [t('dialogue.level'), d.participation_level ? t(`dialogue.levels.${d.participation_level}`) : null],
        [t('dialogue.principles'), d.principles.map(principleTitle).join(', ')],
      ].filter(([, v]) => v != null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('p', {}, h('a', { href: absolute(`/dialogues/${d.id}.ics`), download: `dialog-${d.id}.ics` }, t('dialogue.addToCalendar')))),
    council ? h('section', { 'aria-labelledby': 'quorum-h', id: 'beslutsforhet' }, h('h2', { id: 'quorum-h' }, t('councilAttendance.publicTitle')),
      notice(council.quorum_met ? 'success' : 'warning', h('p', {}, t(council.quorum_met ? 'councilAttendance.quorumMet' : 'councilAttendance.quorumNotMet',
        { present: fmtNum(council.seats_present), seats: fmtNum(council.seats), percent: fmtNum(council.quorum_percent) }))),
      h('p', {}, t('councilAttendance.publicLead'))) : null,
    d.description ? h('section', { 'aria-labelledby': 'desc-h' }, h('h2', { id: 'desc-h' }, t('dialogue.description')), sv('div', { class: 'prose-md' }, md(d.description))) : null,
    d.agenda ? h('section', { 'aria-labelledby': 'agenda-h' }, h('h2', { id: 'agenda-h' }, t('dialogue.agenda')), sv('div', { class: 'prose-md' }, md(d.agenda))) : null,
    d.minutes ? h('section', { 'aria-labelledby': 'min-h' }, h('h2', { id: 'min-h' }, t('dialogue.minutes')), sv('div', { class: 'prose-md' }, md(d.minutes))) : null);

  // cancelling, after a confirmation
  const cslot = view.querySelector('#cancel-slot');
  if (cslot) {
    const btn = h('button', { type: 'button', class: 'button button-danger' }, t('dialogue.cancel'));
    btn.addEventListener('click', async () => {
      if (!await confirmAction({ title: t('dialogue.cancelTitle', { title: d.title }), text: t('dialogue.cancelConfirm'), yes: t('dialogue.cancelYes') })) return;
      try { await api(`/dialogues/${d.id}/cancel`, { method: 'POST' }); again(t('dialogue.cancelled')); } catch (e) { fail(e); }
    });
    put(cslot, btn);
  }

  // registration by a representative
  const reg = h('section', { 'aria-labelledby': 'reg-h', id: 'anmalan' }, h('h2', { id: 'reg-h' }, t('dialogue.register')));
  put(view, reg);
  const active = regs.items.filter((r) => r.status !== 'cancelled');
  if (!me) {
    put(reg, h('p', {}, open ? t('dialogue.loginToRegister') : t('dialogue.registrationClosed')),
      open ? h('p', {}, h('a', { href: `/logga-in?next=${encodeURIComponent(location.pathname)}` }, t('common.loginLink'))) : null);
  } else {
    const mine = me.organisations;
    const mineActive = active.filter((r) => mine.some((o) => o.id === r.organisation.id));
    for (const r of mineActive) {
      const off = h('button', { type: 'button', class: 'button button-secondary button-small', 'aria-label': t('dialogue.unregisterName', { name: r.organisation.name }) }, t('dialogue.unregister'));
      off.addEventListener('click', async () => {
        const text = t(r.status === 'waitlisted' ? 'dialogue.unregisterWaitlisted' : 'dialogue.unregisterSeat', { name: r.organisation.name });
        if (!await confirmAction({ title: t('dialogue.unregisterTitle', { name: r.organisation.name }), text, yes: t('dialogue.unregisterYes') })) return;
        try {
          await api(`/dialogues/${d.id}/registrations/${r.organisation.id}`, { method: 'DELETE' });
          again(t('dialogue.unregistered', { name: r.organisation.name }), '#anmalan');
        } catch (e) { fail(e); }
      });
      put(reg, notice('info', h('p', {}, h('strong', {}, r.organisation.name), ': ', regStatus(r), ', ', t('dialogue.attendeesN', { n: r.attendees })), started ? null : h('p', {}, off)));
    }
    const free = mine.filter((o) => !mineActive.some((r) => r.organisation.id === o.id));
    if (admin) put(reg, h('p', {}, t('dialogue.adminRegistrations'), ' ', h('a', { href: `/kansli/dialoger/${d.id}#narvaro` }, t('dialogue.toAttendance'))));
    if (!open) put(reg, h('p', {}, t('dialogue.registrationClosed')));
    else if (!mine.length && admin) { /* the secretariat registers no organisation of its own */ }
    else if (!mine.length) put(reg, h('p', {}, t('dialogue.noOrganisation'), ' ', h('a', { href: '/mina-organisationer/ny' }, t('my.register'))));
    else if (free.length) {
      const labels = { organisation_id: t('dialogue.organisation'), attendees: t('dialogue.attendees'), note: t('dialogue.note') };
      const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'reg-h' },
        field({ name: 'organisation_id', type: 'select', label: labels.organisation_id, options: free.map((o) => [o.id, o.name]) }),
        field({ name: 'attendees', type: 'number', label: labels.attendees, value: '1', min: 1, max: 50, inputmode: 'numeric', hint: t('dialogue.attendeesHint') }),
        field({ name: 'note', type: 'textarea', label: labels.note, optional: true, rows: 3, maxlength: 1000, hint: t('dialogue.noteHint') }),
        left === 0 ? notice('warning', h('p', {}, t('dialogue.waitlistNote'))) : null,
        h('p', {}, h('button', { type: 'submit', class: 'button' }, t('dialogue.registerButton'))));
      onSubmit(form, async () => {
        const v = readForm(form);
        const body = { organisation_id: v.organisation_id, attendees: /^\d+$/.test(v.attendees) ? Number(v.attendees) : v.attendees };
        if (v.note) body.note = v.note;
        try {
          const { data } = await api(`/dialogues/${d.id}/registrations`, { method: 'POST', body });
          again(t(data.status === 'registered' ? 'dialogue.registered' : 'dialogue.waitlistedNow', { name: data.organisation.name, n: data.waitlist_position }), '#anmalan');
        } catch (e) { showErrors(form, e.errors || [], labels, e); }
      });
      put(reg, form);
    }
  }

  await documentsSection(view, `/dialogues/${d.id}`, (flash) => again(flash, '#handlingar'));

  // who comes (public); attendance for the secretariat
  const list = h('section', { 'aria-labelledby': 'list-h' }, h('h2', { id: 'list-h' }, t('dialogue.registrations')));
  put(view, list);
  const shown = admin ? regs.items : active;
  if (!shown.length) { put(list, h('p', { class: 'empty' }, t('dialogue.noRegistrations'))); return; }
  const attendance = d.status === 'held';
  put(list, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, [t('dialogue.organisation'), t('dialogue.attendees'), t('org.status'), attendance ? t('dialogue.attended') : null]
      .filter(Boolean).map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, shown.map((r) => h('tr', {}, h('td', {}, r.organisation.name),
      h('td', {}, fmtNum(r.attendees)), h('td', {}, regStatus(r)),
      attendance ? h('td', {}, r.attended == null ? t('dialogue.notRecorded') : t(r.attended ? 'dialogue.came' : 'dialogue.didNotCome')) : null)))));
}
