// Try a case: a form generated from the model's input schema (GET /api/v1/models/{m}, the schema
// the API checks requests against), answered by the API: for the CAR-T policy its determinations
// endpoint (determination, disposition, findings with citations, the decision trace), for another
// model its evaluate endpoint.
import { get, post, model as modelUrl } from '../api.js';
import { $, fill, h, json, problem, table } from '../dom.js';

const UNKNOWN = '';

function resolve(schema, defs) {
  if (schema.$ref) return defs[schema.$ref.split('/').pop()];
  if (schema.anyOf) return resolve(schema.anyOf.find((s) => s.type !== 'null'), defs);
  return schema;
}

// A field: {el, read() -> JSON value, write(value)}.
function field(name, raw, defs, path) {
  const schema = resolve(raw, defs);
  const id = `f-${path.join('-')}`;
  const types = [].concat(schema.type || []).filter((t) => t !== 'null');
  if (types.includes('object') && schema.properties) {
    const children = Object.entries(schema.properties).map(([k, s]) => [k, field(k, s, defs, [...path, k])]);
    return {
      el: h('fieldset', { class: `depth-${path.length}` }, h('legend', null, name), children.map(([, f]) => f.el)),
      read: () => Object.fromEntries(children.map(([k, f]) => [k, f.read()])),
      write: (value) => children.forEach(([k, f]) => f.write(value && typeof value === 'object' ? value[k] ?? null : null)),
    };
  }
  let input;
  let read;
  if (schema.enum || types.includes('boolean')) {
    const options = schema.enum ? schema.enum.filter((v) => v !== null) : [true, false];
    input = h('select', { id, name: path.join('.') }, h('option', { value: UNKNOWN }, '(unknown)'),
      options.map((v) => h('option', { value: JSON.stringify(v) }, String(v))));
    read = () => (input.value === UNKNOWN ? null : JSON.parse(input.value));
  } else if (types.includes('number') || types.includes('integer')) {
    input = h('input', { id, name: path.join('.'), type: 'number', step: 'any', min: schema.minimum, max: schema.maximum });
    read = () => (input.value === UNKNOWN ? null : Number(input.value));
  } else if (types.includes('array') || types.includes('object')) {
    input = h('textarea', { id, name: path.join('.'), rows: 2, placeholder: 'JSON' });
    read = () => (input.value.trim() === UNKNOWN ? null : JSON.parse(input.value));
  } else {
    const type = { date: 'date' }[schema.format] || 'text';
    input = h('input', { id, name: path.join('.'), type, placeholder: schema.format || '' });
    read = () => (input.value === UNKNOWN ? null : input.value);
  }
  const write = (value) => {
    if (value === null || value === undefined) input.value = UNKNOWN;
    else if (input.tagName === 'SELECT') input.value = JSON.stringify(value);
    else if (input.tagName === 'TEXTAREA') input.value = JSON.stringify(value);
    else input.value = String(value);
  };
  return { el: h('div', { class: 'field' }, h('label', { for: id }, name), input), read, write };
}

function determination(answer) {
  const findingRows = answer.findings.map((f) => [f.id, f.kind, f.citation, f.text, f.needed || '']);
  return [
    h('p', { class: 'headline' }, 'Determination ', h('strong', { id: 'determination' }, String(answer.determination)),
      ' · disposition ', h('strong', { id: 'disposition' }, String(answer.disposition))),
    h('p', { class: 'muted' }, `Model version ${answer.model_version.slice(0, 12)}, evaluation ${answer.evaluation_id}`),
    h('h3', null, 'Findings'),
    findingRows.length ? table(['id', 'kind', 'citation', 'reason', 'needed'], findingRows, { id: 'findings' }) : h('p', null, 'None.'),
    h('h3', null, 'Criteria met'),
    answer.criteria_met.length ? table(['id', 'citation', 'criterion', 'facts'], answer.criteria_met.map((c) => [
      c.id, c.citation, c.text, c.facts.map((f) => `${f.input}: ${f.test}`).join('; ')])) : h('p', null, 'None.'),
    h('h3', null, 'Decision trace'),
    trace(answer.trace),
  ];
}

function trace(decisions) {
  return table(['decision', 'status', 'value', 'matched rules'], Object.entries(decisions).map(([name, d]) => [
    name, d.status, h('details', null, h('summary', null, summary(d.value)), json(d.value)),
    (d.reasons || d.matched_rules).map((r) => `row ${r.rule_index ?? r.index}${r.policy_section ? ` (${r.policy_section})` : ''}`).join(', '),
  ]), { id: 'trace' });
}

const summary = (value) => (value !== null && typeof value === 'object' ? (Array.isArray(value) ? `${value.length} items` : 'context') : JSON.stringify(value));

export default async function tryCase(data) {
  const id = data.model;
  const detail = await get(modelUrl(id));
  const schema = detail.inputs_schema;
  const root = field('inputs', schema, schema.$defs, []);
  const paste = h('textarea', { id: 'paste', rows: 3, placeholder: 'or paste a request (JSON) and press Fill' });
  const form = $('#case-form');
  fill(form, h('div', { class: 'paste' }, paste, h('button', { type: 'button', id: 'fill', onclick: () => {
    try { root.write(JSON.parse(paste.value)); } catch (error) { fill($('#answer'), problem(error)); }
  } }, 'Fill')), root.el.children ? [...root.el.children].filter((c) => c.tagName !== 'LEGEND') : root.el,
  h('button', { type: 'submit', id: 'determine' }, id === data.carTModel ? 'Determine' : 'Evaluate'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let inputs;
    try {
      inputs = root.read();
      const answer = id === data.carTModel
        ? await post('/api/v1/car-t/determinations?trace=true', inputs)
        : await post(`${modelUrl(id)}/evaluate`, { inputs });
      fill($('#answer'), id === data.carTModel ? determination(answer) : trace(answer.decisions));
    } catch (error) {
      fill($('#answer'), problem(error));
    }
  });
}
