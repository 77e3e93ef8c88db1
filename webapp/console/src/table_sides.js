// A changed decision table before and after, side by side (as Trisotech's and Camunda Web Modeler's
// compare views give it): one row per rule, matched by the rule's id, the serving version's cells
// on the left and the reviewed version's on the right; changed cells, added and removed rules marked.
// The tables are the export document's (GET .../export?format=json&version=N), so the console reads
// a model the way every export does.
import { get, model as modelUrl } from './api.js';
import { fill, h, problem } from './dom.js';

const COLUMNS = (t) => [...t.inputs.map((c) => c.label), ...t.outputs.map((c) => c.label), ...t.annotations];
const cells = (rule) => [...rule.inputs, ...rule.outputs, ...rule.annotations];

// The rules of both sides in one order: the reviewed version's, a removed rule after the rule it
// followed before.
function pairs(before, after) {
  const old = new Map(before.rules.map((r) => [r.id || `#${r.index}`, r]));
  const now = new Map(after.rules.map((r) => [r.id || `#${r.index}`, r]));
  const order = [...now.keys()];
  before.rules.forEach((r, i) => {
    const key = r.id || `#${r.index}`;
    if (now.has(key)) return;
    const previous = i > 0 ? (before.rules[i - 1].id || `#${before.rules[i - 1].index}`) : null;
    const at = previous === null ? 0 : order.indexOf(previous) + 1;
    order.splice(at > 0 ? at : order.length, 0, key);
  });
  return order.map((key) => [key, old.get(key), now.get(key)]);
}

// One side: its own table of the rules in the shared order, a placeholder row where it lacks one,
// every row one height (long cells clamped, the whole text in the tooltip) so the two sides' rows
// stay level.
function pane(title, columns, otherColumns, order, pick, other, missing) {
  const rows = order.map(([key, old, now]) => {
    const mine = pick(old, now);
    const theirs = other(old, now);
    const state = !old ? 'added' : !now ? 'removed' : 'same';
    if (!mine) return h('tr', { class: `side-${state}`, dataset: { rule: key } }, h('th', null, ''), h('td', { colspan: columns.length }, h('span', { class: 'muted' }, missing)));
    const values = cells(mine);
    const others = theirs ? new Map(cells(theirs).map((v, i) => [otherColumns[i], v])) : null;
    const changed = columns.map((c, i) => Boolean(others) && others.get(c) !== values[i]);
    const rowState = state === 'same' && changed.some(Boolean) ? 'changed' : state;
    return h('tr', { class: `side-${rowState}`, dataset: { rule: key } },
      h('th', null, String(mine.index), h('div', { class: 'muted' }, rowState)),
      values.map((v, i) => h('td', { class: changed[i] ? 'side-changed' : null, title: v }, h('div', { class: 'clamp' }, h('code', null, v)))));
  });
  return h('div', { class: 'side-pane' }, h('h4', null, title), h('div', { class: 'side-scroll' },
    h('table', { class: 'table-side' }, h('thead', null, h('tr', null, h('th', null, '#'), columns.map((c) => h('th', null, c)))),
      h('tbody', null, rows))));
}

function compare(before, after, beforeTitle, afterTitle) {
  const left = COLUMNS(before);
  const right = COLUMNS(after);
  const order = pairs(before, after);
  const one = pane(beforeTitle, left, right, order, (old) => old, (old, now) => now, 'not in this version');
  const two = pane(afterTitle, right, left, order, (old, now) => now, (old) => old, 'removed');
  // scrolled together, so a column read on one side stays beside its counterpart
  const [a, b] = [one, two].map((p) => p.querySelector('.side-scroll'));
  a.addEventListener('scroll', () => { b.scrollLeft = a.scrollLeft; });
  b.addEventListener('scroll', () => { a.scrollLeft = b.scrollLeft; });
  return h('div', { class: 'table-sides-grid' }, one, two);
}

// One "Before and after" per changed decision table of the diff; each loads both documents the
// first time it is opened.
export function tableSides(modelId, beforeNumber, afterNumber, changes) {
  const decisions = [...new Set(changes.map((c) => c.decision).filter(Boolean))];
  if (!decisions.length || !beforeNumber) return null;
  const doc = (n) => get(`${modelUrl(modelId)}/export?format=json&version=${n}`);
  let both = null;
  return h('div', { id: 'table-sides' }, decisions.map((name) => {
    const body = h('div', { 'aria-busy': 'true' });
    const details = h('details', { class: 'table-sides', dataset: { decision: name } },
      h('summary', null, `${name}: before and after`), body);
    details.addEventListener('toggle', async () => {
      if (!details.open || !body.hasAttribute('aria-busy')) return;
      both = both || Promise.all([doc(beforeNumber), doc(afterNumber)]);
      try {
        const [before, after] = await both;
        const find = (d) => d.tables.find((t) => t.decision === name);
        const [old, now] = [find(before), find(after)];
        let shown;
        if (old && now) shown = compare(old, now, `version ${beforeNumber} (serving)`, `version ${afterNumber}`);
        else if (old) shown = h('p', null, `Version ${afterNumber} has no decision table ${name}.`);
        else if (now) shown = h('p', null, `Version ${beforeNumber} had no decision table ${name}.`);
        else shown = h('p', null, `${name} is not a decision table.`);
        fill(body, shown);
      } catch (error) {
        fill(body, problem(error));
      }
    });
    return details;
  }));
}
