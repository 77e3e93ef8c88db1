// The draft's scenarios, edited beside its tables: each is a title, the statement it tests, the facts
// it changes from the complete request (`inputs`, JSON) and the answer it expects (`expected`, JSON).
// They are saved with the draft (PUT .../scenarios), reviewed with it and exported with it to git.
import { get, put } from '../api.js';
import { h, notice, problem } from '../dom.js';

function parse(text, what) {
  try {
    return JSON.parse(text || '{}');
  } catch (error) {
    throw new Error(`${what} is not JSON: ${error.message}`);
  }
}

function form(scenario, onSave) {
  const title = h('input', { name: 'title', value: scenario.title || '', required: true, 'aria-label': 'Scenario title' });
  const section = h('input', { name: 'section', value: scenario.section || '', 'aria-label': 'Scenario section' });
  const inputs = h('textarea', { name: 'inputs', rows: 4, 'aria-label': 'Scenario inputs' });
  inputs.value = JSON.stringify(scenario.inputs || {}, null, 1);
  const expected = h('textarea', { name: 'expected', rows: 3, 'aria-label': 'Scenario expected answer' });
  expected.value = JSON.stringify(scenario.expected ?? {}, null, 1);
  const el = h('form', { class: 'scenario-form' },
    h('label', null, 'Title ', title), h('label', null, 'Section ', section),
    h('label', null, 'Facts it changes (JSON) ', inputs), h('label', null, 'Expected answer (JSON) ', expected),
    h('button', { type: 'submit' }, 'Save scenario'));
  el.addEventListener('submit', (event) => {
    event.preventDefault();
    const out = { ...scenario, title: title.value.trim(), section: section.value.trim() };
    try {
      out.inputs = parse(inputs.value, 'the facts');
      out.expected = parse(expected.value, 'the expected answer');
    } catch (error) {
      el.append(notice(error.message, 'error'));
      return;
    }
    onSave(out);
  });
  return el;
}

// `version()`: the number and sha256 the editor holds now; `onSaved(version)` after a save.
export function scenarioEditor(panel, url, { version, onSaved }) {
  let found = null;
  const status = h('div', { role: 'status' });
  const list = h('ul', { id: 'scenario-list' });
  const editor = h('div', { id: 'scenario-editor' });

  function draw() {
    list.replaceChildren(...found.scenarios.map((s, i) => h('li', null,
      h('button', { type: 'button', class: 'link', onclick: () => open(i) }, s.title),
      s.section ? h('span', { class: 'muted' }, ` ${s.section}`) : '')));
  }

  async function load() {
    const { number } = version();
    found = await get(`${url(number)}/scenarios`);
    draw();
  }

  async function save(scenarios, what) {
    const { number, sha256 } = version();
    try {
      const saved = await put(`${url(number)}/scenarios`, {
        sha256, scenarios_sha256: found.scenarios_sha256, scenarios, comment: what });
      // The answer names the file now saved: the next edit starts from it, whatever the page shows.
      found = { ...found, scenarios, scenarios_sha256: saved.scenarios_sha256 };
      draw();
      editor.replaceChildren();
      onSaved(saved);
      status.replaceChildren(notice(`${what}: saved with version ${number} (${saved.state}).`));
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  }

  function open(index) {
    const current = index === null ? { title: '', section: '', inputs: {}, expected: {} } : found.scenarios[index];
    editor.replaceChildren(form(current, (scenario) => {
      const scenarios = [...found.scenarios];
      if (index === null) scenarios.push(scenario);
      else scenarios[index] = scenario;
      save(scenarios, index === null ? `added scenario "${scenario.title}"` : `edited scenario "${scenario.title}"`);
    }));
  }

  panel.replaceChildren(h('h2', null, 'Scenarios'),
    h('p', { class: 'muted' }, 'Saved with the draft: the review runs them, and each must get its expected answer before the draft is submitted.'),
    h('button', { type: 'button', id: 'add-scenario', onclick: () => open(null) }, 'Add a scenario'),
    status, editor, h('details', null, h('summary', null, 'every scenario'), list));
  return { load };
}
