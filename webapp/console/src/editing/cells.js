// A place in the model, as validation findings and the search name it (the decision table, the rule
// and the column), opened in dmn-js: that table's view, the cell marked and scrolled into view.
// Columns are named as pydmn.analysis names them: an input by its label, else its expression; an
// output by its name, else its label, else the decision's name.
const MARK = 'marked-cell';
const HEADER_PARTS = / \((input expression|input values|output values|default output)\)$/;

export const inputName = (clause) => clause.label || (clause.inputExpression || {}).text || clause.id || '';
export const outputName = (clause, decision) => clause.name || clause.label || decision.name || clause.id || '';

// The modeler's decision-table views, each with its decision and table.
export function tableViews(tool) {
  return tool.getViews().filter((view) => view.type === 'decisionTable')
    .map((view) => ({ view, decision: view.element, table: view.element.decisionLogic }));
}

function clauseNamed(decision, table, column) {
  if (!column) return null;
  return (table.input || []).find((c) => inputName(c) === column)
    || (table.output || []).find((c) => outputName(c, decision) === column) || null;
}

function rulesOf(table, ruleIds, rows) {
  const rules = table.rule || [];
  const byId = (ruleIds || []).map((id) => rules.find((r) => r.id === id)).filter(Boolean);
  return byId.length ? byId : (rows || []).map((n) => rules[n - 1]).filter(Boolean);
}

// `place`: {element_id, table, rule_ids, rows, column} (a finding's fields). True when a table opened.
export async function openCell(tool, container, place) {
  const found = tableViews(tool).find((t) => place.element_id && t.table.id === place.element_id)
    || tableViews(tool).find((t) => place.table && t.decision.name === place.table);
  if (!found) return false;
  if (tool.getActiveView() !== found.view) await tool.open(found.view);
  const column = (place.column || '').replace(HEADER_PARTS, '');
  const clause = clauseNamed(found.decision, found.table, column);
  const rules = rulesOf(found.table, place.rule_ids, place.rows);
  const css = (name, value) => `[${name}="${CSS.escape(value)}"]`;
  let selectors;
  if (rules.length) selectors = rules.map((r) => `td${css('data-row-id', r.id)}${clause ? css('data-col-id', clause.id) : ''}`);
  else if (clause) selectors = [`th${css('data-col-id', clause.id)}`];
  else selectors = [];
  container.querySelectorAll(`.${MARK}`).forEach((el) => el.classList.remove(MARK));
  const cells = selectors.flatMap((s) => [...container.querySelectorAll(s)]);
  cells.forEach((el) => el.classList.add(MARK));
  if (cells.length) cells[0].scrollIntoView({ block: 'center', inline: 'center' });
  return true;
}
