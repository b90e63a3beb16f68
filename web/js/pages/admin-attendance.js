// Kansliet's attendance of one dialogue: every registration in a table, attended yes/no, one
// save for all (a PATCH per changed row), and the page stays where the person is. The notes
// the organisations wrote when registering are the secretariat's; the list downloads as CSV.
import { api, apiAll } from '../api.js?v=8157fd9ca674';
import { h, put, onSubmit, announce, problemBox } from '../dom.js?v=8157fd9ca674';
import { t, fmtNum } from '../i18n.js?v=8157fd9ca674';

const regStatus = (r) => (r.status === 'waitlisted' ? t('dialogue.reg.waitlisted', { n: r.waitlist_position }) : t(`dialogue.reg.${r.status}`));
const asValue = (attended) => (attended == null ? '' : String(attended));

export async function attendance(parent, d) {
  const section = h('section', { 'aria-labelledby': 'narvaro-h', id: 'narvaro', class: 'attendance' },
    h('h3', { id: 'narvaro-h' }, t('attendance.title')),
    h('p', {}, t('attendance.lead')));
  const slot = h('div');
  const msg = h('div', { class: 'attendance-msg' });
  put(section, slot);
  put(parent, section);
  let regs = [];

  const fill = async () => {
    const { data } = await apiAll(`/dialogues/${d.id}/registrations`);
    regs = data.items.filter((r) => r.status !== 'cancelled');
    if (!regs.length) return slot.replaceChildren(h('p', { class: 'empty' }, t('dialogue.noRegistrations')));
    const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'narvaro-h' },
      h('table', { class: 'table' },
        h('caption', { class: 'sr-only' }, t('attendance.caption', { title: d.title })),
        h('thead', {}, h('tr', {}, [t('dialogue.organisation'), t('dialogue.attendees'), t('org.status'), t('attendance.note'), t('dialogue.attended')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, regs.map((r) => h('tr', {},
          h('th', { scope: 'row' }, r.organisation.name), h('td', {}, fmtNum(r.attendees)), h('td', {}, regStatus(r)), h('td', { class: 'note' }, r.note || h('span', { class: 'meta' }, t('attendance.noNote'))),
          h('td', {}, h('select', { name: r.organisation.id, 'aria-label': t('dialogue.attendedOf', { name: r.organisation.name }), value: asValue(r.attended) },
            h('option', { value: '' }, t('dialogue.notRecorded')), h('option', { value: 'true' }, t('dialogue.came')), h('option', { value: 'false' }, t('dialogue.didNotCome')))))))),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('attendance.save')), ' ', download()),
      msg);
    onSubmit(form, () => save(form));
    slot.replaceChildren(form);
  };

  // the participants as the API's CSV (admin only, so fetched with the token, then saved)
  function download() {
    const b = h('button', { type: 'button', class: 'button button-secondary' }, t('attendance.csv'));
    b.addEventListener('click', async () => {
      try {
        const { data } = await api(`/dialogues/${d.id}/registrations.csv`, { text: true });
        const a = h('a', { href: URL.createObjectURL(new Blob([data], { type: 'text/csv' })), download: t('attendance.csvFile', { date: d.starts_at.slice(0, 10) }) });
        document.body.append(a);
        a.click();
        a.remove();
        URL.revokeObjectURL(a.href);
      } catch (e) { msg.replaceChildren(problemBox(e)); }
    });
    return b;
  }

  async function save(form) {
    const changed = regs.filter((r) => form.elements[r.organisation.id].value !== asValue(r.attended));
    let saved = 0;
    try {
      for (const r of changed) {
        const v = form.elements[r.organisation.id].value;
        await api(`/dialogues/${d.id}/registrations/${r.organisation.id}`, { method: 'PATCH', body: { attended: v === '' ? null : v === 'true' } });
        saved++;
      }
    } catch (e) {
      msg.replaceChildren(problemBox(e, h('p', {}, t('attendance.partly', { n: saved }))));
      msg.querySelector('h2').tabIndex = -1;
      msg.querySelector('h2').focus({ preventScroll: true });
      return;
    }
    const text = changed.length ? t('attendance.saved', { n: changed.length }) : t('orgForm.nothingChanged');
    const box = h('div', { class: 'notice notice-success', tabindex: '-1' }, h('p', {}, text));
    // the table is drawn again from the server's answer; focus stays at the button's place
    await fill();
    slot.querySelector('.attendance-msg')?.replaceChildren(box);
    box.focus({ preventScroll: true });
    announce(text);
  }

  try { await fill(); } catch (e) { slot.replaceChildren(problemBox(e)); }
}
