// Where a name is used: every cell of every decision table (each rule's input and output entries,
// and each input column's expression) whose text holds what was typed, listed by table, rule row and
// column; choosing one opens that cell (editing/cells.js). It searches what the editor holds now,
// saved or not.
import { h } from '../dom.js';
import { inputName, openCell, outputName, tableViews } from './cells.js';

export function uses(tool, text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [];
  const holds = (expression) => ((expression && expression.text) || '').toLowerCase().includes(wanted);
  const places = [];
  for (const { decision, table } of tableViews(tool)) {
    const inputs = table.input || [];
    const outputs = table.output || [];
    inputs.forEach((clause) => {
      if (holds(clause.inputExpression)) {
        places.push({ element_id: table.id, table: decision.name, column: `${inputName(clause)} (input expression)`, text: clause.inputExpression.text });
      }
    });
    (table.rule || []).forEach((rule, i) => {
      const cells = [...(rule.inputEntry || []).map((e, c) => [e, inputs[c] && inputName(inputs[c])]),
        ...(rule.outputEntry || []).map((e, c) => [e, outputs[c] && outputName(outputs[c], decision)])];
      for (const [entry, column] of cells) {
        if (holds(entry)) {
          places.push({ element_id: table.id, table: decision.name, rule_ids: [rule.id], rows: [i + 1], column, text: entry.text });
        }
      }
    });
  }
  return places;
}

const described = (p) => [p.table, p.rows ? `rule ${p.rows[0]}` : null, p.column].filter(Boolean).join(', ');

export function findPanel(tool, container) {
  const box = h('input', { type: 'search', id: 'find-name', placeholder: 'a name, e.g. transplant_window_days', 'aria-label': 'Find where a name is used' });
  const summary = h('p', { class: 'muted', role: 'status' });
  const list = h('ol', { id: 'find-results' });
  const search = (event) => {
    event.preventDefault();
    const places = uses(tool, box.value);
    summary.textContent = box.value.trim() ? `${places.length} cell${places.length === 1 ? '' : 's'} use "${box.value.trim()}".` : '';
    list.replaceChildren(...places.map((p) => h('li', null,
      h('button', { type: 'button', class: 'link', onclick: () => openCell(tool, container, p) }, described(p)),
      ' ', h('code', { class: 'muted' }, p.text.length > 90 ? `${p.text.slice(0, 87)}...` : p.text))));
  };
  return h('section', { id: 'find' },
    h('form', { class: 'toolbar', role: 'search', onsubmit: search },
      h('label', { for: 'find-name' }, 'Where is it used?'), box, h('button', { type: 'submit' }, 'Find')),
    summary, list);
}
