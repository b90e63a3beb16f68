// An edit clash (412): someone saved a newer version while this person typed. Nothing typed is
// lost; the box says what the other person changed and offers to save on top of it or to take
// the saved version.
import { h } from './dom.js?v=8157fd9ca674';
import { t } from './i18n.js?v=8157fd9ca674';

export const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// started: the values the person began from; theirs: the saved ones now; mine: the form's;
// show(name, value) → text; onUseTheirs() fills the form with the saved version
export function clashBox({ started, theirs, mine, labels, show, onSaveMine, onUseTheirs }) {
  const diffs = Object.keys(theirs).filter((k) => !same(theirs[k], started[k]) && !same(theirs[k], mine[k]));
  const box = h('div', { class: 'notice notice-warning clash', tabindex: '-1', role: 'alert', 'aria-labelledby': 'clash-h' },
    h('h2', { id: 'clash-h' }, t('clash.title')),
    h('p', {}, diffs.length ? t('clash.text') : t('clash.noDiff')),
    diffs.length ? h('ul', {}, diffs.map((k) => h('li', {}, h('strong', {}, labels[k] || k), ': ', t('clash.theirs', { value: show(k, theirs[k]) })))) : null,
    h('p', { class: 'actions' },
      h('button', { type: 'button', class: 'button', onclick: onSaveMine }, t('clash.saveMine')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => { box.remove(); onUseTheirs(); } }, t('clash.useTheirs'))));
  return box;
}
