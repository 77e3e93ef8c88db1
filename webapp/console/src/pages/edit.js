// Edit: the dmn-js modeler (the editor inside Camunda Modeler, DMN 1.3) on a draft. A new draft
// starts from the serving version (or ?from=N); saving creates it, later saves edit it (naming the
// content they started from, so a concurrent save is not overwritten). An uploaded file (Camunda
// Modeler, the KIE editor: 1.4-1.6 is rewritten as 1.3 by the server) becomes a draft too.
import Modeler from 'dmn-js/lib/Modeler';
import { get, getText, post, put, model as modelUrl, version as versionUrl } from '../api.js';
import { mount } from '../dmn.js';
import { $, count, fill, h, notice, problem, table } from '../dom.js';
import { trackUnsaved } from '../editing/unsaved.js';
import { reconcile, reconcilePanel } from '../editing/reconcile.js';
import { scenarioEditor } from '../editing/scenarios.js';
import { openCell } from '../editing/cells.js';
import { findPanel } from '../editing/find.js';

// `open(finding)` shows the finding's cell in the editor.
function findings(report, open) {
  if (report.valid && !report.findings.length) return h('p', { class: 'valid' }, 'Validation: no findings.');
  return h('div', null,
    h('p', { class: report.valid ? 'valid' : 'invalid' },
      `Validation: ${count(report.counts.error, 'error')}, ${count(report.counts.warning, 'warning')}, ${count(report.counts.info, 'note')}`
      + (report.valid ? '' : ': the draft is kept, and cannot be submitted until they are fixed.')),
    table(['severity', 'code', 'where', 'message'], report.findings.map((f) => [
      f.severity, f.code, where(f, open), f.message])));
}

function where(f, open) {
  const text = [f.table || f.element_id || '', f.rows && f.rows.length ? ` rows ${f.rows.join(', ')}` : '', f.column ? `, ${f.column}` : ''].join('');
  return f.table ? h('button', { type: 'button', class: 'link', onclick: () => open(f) }, text) : text;
}

export default async function edit(data) {
  const id = data.model;
  const query = new URLSearchParams(window.location.search);
  let number = data.version ? Number(data.version) : null;
  let sha = null;
  let base;
  let xml;
  if (number) {
    const current = await get(versionUrl(id, number));
    sha = current.sha256;
    base = current.base_number;
    xml = await getText(`${versionUrl(id, number)}/dmn`);
    fill($('#edit-what'), `version ${number} (${current.state})`);
  } else {
    const listing = await get(`${modelUrl(id)}/versions`);
    base = Number(query.get('from')) || listing.serving;
    xml = await getText(`${versionUrl(id, base)}/dmn`);
    fill($('#edit-what'), `new draft from version ${base}`);
  }
  const { tool } = await mount(Modeler, $('#dmn'), $('.dmn-tabs'), xml);
  const status = $('#status');
  $('.dmn-tabs').before(findPanel(tool, $('#dmn')));
  const unsaved = trackUnsaved(tool);
  const scenarioPanel = h('section', { id: 'scenarios-panel' });
  $('#dmn').after(scenarioPanel);
  const scenarios = scenarioEditor(scenarioPanel, (n) => versionUrl(id, n), {
    version: () => ({ number, sha256: sha }),
    onSaved: (result) => {
      fill($('#edit-what'), `version ${number} (${result.state})`);
      fill(status, notice([`Scenarios saved with version ${number}: ${result.state}. `, reviewLink()]));
    },
  });
  if (number) scenarios.load().catch((error) => fill(scenarioPanel, problem(error)));
  const reviewLink = () => h('a', { href: `/console/models/${encodeURIComponent(id)}/versions/${number}` }, `Review version ${number}`);

  const saved = (result, what) => {
    unsaved.saved();
    number = result.number;
    sha = result.sha256;
    if (!scenarioPanel.querySelector('#scenario-list li')) scenarios.load().catch((error) => fill(scenarioPanel, problem(error)));
    window.history.replaceState(null, '', `?version=${number}`);
    fill($('#edit-what'), `version ${number} (${result.state})`);
    fill(status, notice([`${what} version ${number}: ${result.state}. `, reviewLink()]), findings(result.validation, (f) => openCell(tool, $('#dmn'), f)),
      result.note ? notice(result.note, 'warn') : null,
      result.normalised_from ? notice(`Rewritten from DMN ${result.normalised_from} as DMN 1.3.`, 'warn') : null);
  };

  $('#save-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const comment = $('#comment').value;
    try {
      const { xml: content } = await tool.saveXML({ format: true });
      const result = number
        ? await put(versionUrl(id, number), { content, comment, sha256: sha })
        : await post(`${modelUrl(id)}/versions`, { content, comment, base });
      saved(result, 'Saved');
    } catch (error) {
      if (error.status !== 409 || !number) {
        fill(status, problem(error));
        return;
      }
      try {
        const { xml: content } = await tool.saveXML({ format: true });
        fill(status, reconcilePanel(await reconcile(versionUrl(id, number), sha, content), async (merged, current) => {
          await tool.importXML(merged);
          sha = current.sha256;
          unsaved.changed();
          fill(status, notice('Their version is open with your edits re-applied: check it, then save.', 'warn'));
        }));
      } catch (again) {
        fill(status, problem(error), problem(again));
      }
    }
  });

  $('#upload').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const content = await file.text();
      const result = await post(`${modelUrl(id)}/versions`, { content, comment: $('#comment').value || `uploaded ${file.name}`, base });
      saved(result, `Uploaded ${file.name} as`);
      try {
        await tool.importXML(await getText(`${versionUrl(id, result.number)}/dmn`));
      } catch (error) {
        status.append(notice(`dmn-js cannot open this file: ${error.message}`, 'warn'));
      }
    } catch (error) {
      fill(status, problem(error));
    } finally {
      event.target.value = '';
    }
  });
}
