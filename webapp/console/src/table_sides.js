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

function compare(before, after, beforeTitle, afterTitle) {
  const left = COLUMNS(before);
  const right = COLUMNS(after);
  const valueOf = (columns, rule) => new Map(rule ? cells(rule).map((v, i) => [columns[i], v]) : []);
  const rows = pairs(before, after).map(([key, old, now]) => {
    const oldCells = valueOf(left, old);
    const newCells = valueOf(right, now);
    const state = !old ? 'added' : !now ? 'removed' : (JSON.stringify([...oldCells]) === JSON.stringify([...newCells]) ? 'same' : 'changed');
    const side = (columns, rule, mine, theirs, kind) => (rule
      ? columns.map((c) => h('td', { class: (theirs.size && theirs.get(c) !== mine.get(c)) ? 'side-changed' : null }, h('code', null, mine.get(c) ?? '')))
      : h('td', { colspan: columns.length, class: `side-${kind}` }, h('span', { class: 'muted' }, kind === 'added' ? 'not in this version' : 'removed')));
    return h('tr', { class: `side-${state}`, dataset: { rule: key } },
      h('th', null, old ? String(old.index) : '', h('div', { class: 'muted' }, state)), side(left, old, oldCells, newCells, 'added'),
      h('th', null, now ? String(now.index) : ''), side(right, now, newCells, oldCells, 'removed'));
  });
  return h('div', { class: 'table-sides-scroll' }, h('table', { class: 'table-sides' },
    h('thead', null,
      h('tr', null, h('th', { colspan: left.length + 1 }, beforeTitle), h('th', { colspan: right.length + 1 }, afterTitle)),
      h('tr', null, h('th', null, '#'), left.map((c) => h('th', null, c)), h('th', null, '#'), right.map((c) => h('th', null, c)))),
    h('tbody', null, rows)));
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
