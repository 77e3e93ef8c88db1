// A changed case of a review: what was recorded, the two answers side by side (answers.js), and every
// decision under the serving version and under the reviewed one, differences first. The inputs are
// patient data: the API asks for `audit`.
import { get, version as versionUrl } from '../api.js';
import { $, fill, h, json, problem, table } from '../dom.js';
import { sideBySide } from '../answers.js';

const show = (value) => (value !== null && typeof value === 'object' ? json(value) : h('code', null, JSON.stringify(value)));

export default async function caseView(data) {
  const url = `${versionUrl(data.model, data.number)}/cases/${encodeURIComponent(data.evaluation)}`;
  let found;
  try {
    found = await get(url);
  } catch (error) {
    fill($('#case'), problem(error));
    return;
  }
  const names = [...new Set([...Object.keys(found.serving.decisions), ...Object.keys(found.draft.decisions)])];
  const value = (side, name) => (found[side].decisions[name] || {}).value;
  const differs = (name) => JSON.stringify(value('serving', name)) !== JSON.stringify(value('draft', name));
  names.sort((a, b) => differs(b) - differs(a));
  fill($('#case'),
    h('p', null, `Answered ${found.created_at}. Recorded outcome: `, show(found.recorded.determination ?? found.recorded)),
    found.serving.errors ? h('p', { class: 'notice warn' }, `The serving version refuses these inputs: ${JSON.stringify(found.serving.errors)}`) : null,
    found.draft.errors ? h('p', { class: 'notice warn' }, `Version ${found.draft.number} refuses these inputs: ${JSON.stringify(found.draft.errors)}`) : null,
    found.serving.answer && found.draft.answer
      ? sideBySide(found.serving.answer, found.draft.answer, `serving (version ${found.serving.number})`, `version ${found.draft.number}`) : null,
    h('details', { open: !(found.serving.answer && found.draft.answer) }, h('summary', null, 'Every decision'),
      table(['decision', `serving (version ${found.serving.number})`, `version ${found.draft.number}`], names.map((name) => [
        h('span', { class: differs(name) ? 'changed' : '' }, name), show(value('serving', name)), show(value('draft', name)),
      ]), { id: 'case-decisions' })),
    h('details', null, h('summary', null, 'Inputs'), json(found.inputs)));
}
