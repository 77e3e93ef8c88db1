// Two CAR-T answers side by side (a changed case of a review): determination and disposition, then
// each finding and each criterion met by its id, the serving version's beside the reviewed one's,
// what changed marked. An answer is what the API returns to a caller, so this is what changed for them.
import { h } from './dom.js';

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function item(found) {
  if (!found) return h('span', { class: 'muted' }, 'not in this answer');
  return [h('strong', null, found.citation || ''), h('div', null, found.text || ''),
    found.needed ? h('div', { class: 'muted' }, `needed: ${found.needed}`) : null];
}

function byId(heading, id, before, after) {
  const left = new Map((before || []).map((f) => [f.id, f]));
  const right = new Map((after || []).map((f) => [f.id, f]));
  const ids = [...new Set([...left.keys(), ...right.keys()])];
  const change = (key) => {
    if (!left.has(key)) return 'added';
    if (!right.has(key)) return 'removed';
    return same(left.get(key), right.get(key)) ? 'same' : 'changed';
  };
  ids.sort((a, b) => (change(a) === 'same') - (change(b) === 'same'));
  return [h('h3', null, heading),
    ids.length ? h('table', { id, class: 'sides' }, h('tbody', null, ids.map((key) => h('tr', { class: `side-${change(key)}`, dataset: { id: key } },
      h('th', null, key, h('div', { class: 'muted' }, change(key))), h('td', null, item(left.get(key))), h('td', null, item(right.get(key)))))))
      : h('p', null, 'None in either answer.')];
}

export function sideBySide(before, after, beforeTitle, afterTitle) {
  const head = (name, key) => h('tr', { class: same(before[key], after[key]) ? 'side-same' : 'side-changed' },
    h('th', null, name), h('td', null, h('strong', null, String(before[key]))), h('td', null, h('strong', null, String(after[key]))));
  return h('div', { id: 'answers' },
    h('table', { id: 'answer-compare', class: 'sides' },
      h('thead', null, h('tr', null, h('th', null, ''), h('th', null, beforeTitle), h('th', null, afterTitle))),
      h('tbody', null, head('Determination', 'determination'), head('Disposition', 'disposition'))),
    byId('Findings', 'finding-compare', before.findings, after.findings),
    byId('Criteria met', 'criteria-compare', before.criteria_met, after.criteria_met));
}
