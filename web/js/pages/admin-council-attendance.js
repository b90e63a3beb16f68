// A council meeting (a dialogue of kind radsmote): attendance per member of the council on
// the meeting's day, one save for all, and whether the meeting has a quorum under the
// secretariat's rule (a seat is present when its ordinary member or a substitute attends)
import { api } from '../api.js?v=8157fd9ca674';
import { h, put, onSubmit, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t } from '../i18n.js?v=8157fd9ca674';

const asValue = (attended) => (attended == null ? '' : String(attended));

export async function councilAttendance(parent, d) {
  const section = h('section', { 'aria-labelledby': 'rad-h', id: 'radsnarvaro', class: 'attendance' },
    h('h3', { id: 'rad-h' }, t('councilAttendance.title')), h('p', {}, t('councilAttendance.lead')));
  const slot = h('div');
  put(section, slot);
  put(parent, section);
  let data = null;

  const quorum = (x) => h('p', { class: `notice notice-${x.quorum_met ? 'success' : 'warning'}` },
    t(x.quorum_met ? 'councilAttendance.quorumMet' : 'councilAttendance.quorumNotMet', { present: x.seats_present, seats: x.seats, percent: x.quorum_percent }));

  const fill = (x) => {
    data = x;
    if (!x.members.length) return slot.replaceChildren(h('p', { class: 'empty' }, t('councilAttendance.none')));
    const msg = h('div', { class: 'attendance-msg' });
    const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'rad-h' },
      quorum(x),
      h('table', { class: 'table' },
        h('caption', { class: 'sr-only' }, t('councilAttendance.caption', { title: d.title })),
        h('thead', {}, h('tr', {}, [t('councilAttendance.member'), t('councilAttendance.role'), t('dialogue.attended')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, x.members.map((m) => h('tr', {},
          h('th', { scope: 'row' }, m.name), h('td', {}, t(`council.role.${m.role}`)),
          h('td', {}, h('select', { name: m.id, 'aria-label': t('dialogue.attendedOf', { name: m.name }), value: asValue(m.attended) },
            h('option', { value: '' }, t('dialogue.notRecorded')), h('option', { value: 'true' }, t('dialogue.came')), h('option', { value: 'false' }, t('dialogue.didNotCome')))))))),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('attendance.save'))), msg);
    onSubmit(form, async () => {
      const changed = data.members.filter((m) => form.elements[m.id].value !== asValue(m.attended));
      let last = data;
      try {
        for (const m of changed) {
          const v = form.elements[m.id].value;
          last = (await api(`/dialogues/${d.id}/council-attendance/${m.id}`, { method: 'PUT', body: { attended: v === '' ? null : v === 'true' } })).data;
        }
      } catch (e) { msg.replaceChildren(problemBox(e, null, 'h4')); return; }
      fill(last);
      const text = changed.length ? t('attendance.saved', { n: changed.length }) : t('orgForm.nothingChanged');
      const box = h('div', { class: 'notice notice-success', tabindex: '-1' }, h('p', {}, text));
      slot.querySelector('.attendance-msg')?.replaceChildren(box);
      box.focus({ preventScroll: true });
      announce(text);
    });
    slot.replaceChildren(form);
  };

  try { fill((await api(`/dialogues/${d.id}/council-attendance`)).data); } catch (e) { slot.replaceChildren(problemBox(e, null, 'h4')); }
}
