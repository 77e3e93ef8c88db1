// Review a version: validation, the diff against the serving version, scenario results with their
// impact, and the impact on real cases (each changed case opens), then the step its state allows:
// submit, approve or reject, publish, roll back. The server enforces every rule; the page only
// offers what the signed-in key's roles allow and says why approval is not theirs to give.
import { get, post, version as versionUrl } from '../api.js';
import { $, badge, count, fill, h, notice, problem, short, table, when } from '../dom.js';
import { effectiveDateField, effectiveSummary } from './effective.js';
import diffSection from '../diff.js';
import { tableSides } from '../table_sides.js';
import { exportLinks } from '../export_links.js';


function validation(ev) {
  const report = ev.validation;
  const counts = `${count(report.counts.error, 'error')}, ${count(report.counts.warning, 'warning')}, ${count(report.counts.info, 'note')}`;
  return [
    h('p', { class: report.valid ? 'valid' : 'invalid', id: 'validation-verdict' },
      report.valid ? `Valid: ${counts}.` : `Not valid: ${counts}.`),
    report.findings.length ? table(['severity', 'code', 'where', 'message'], report.findings.map((f) => [
      f.severity, f.code, [f.table || f.element_id || '', f.rows && f.rows.length ? ` rows ${f.rows.join(', ')}` : ''].join(''),
      f.message])) : null,
    h('h3', null, 'Decision table analysis'),
    ev.table_analysis.length
      ? table(['severity', 'table', 'rows', 'message'], ev.table_analysis.map((f) => [f.severity, f.table, (f.rows || []).join(', '), f.message]))
      : h('p', null, 'No overlaps, gaps or masked rules.'),
  ];
}

function scenarios(ev) {
  const sc = ev.scenarios;
  if (sc.note) return h('p', null, sc.note);
  const coverage = Object.entries(sc.unexercised);
  const groups = sc.impact ? sc.impact.groups : [];
  return [
    h('p', { id: 'scenario-verdict' }, `${sc.passed} of ${sc.run} scenarios of ${sc.file} meet their expectation under this version.`),
    sc.failed.length ? table(['scenario whose expectation this version changes', 'section', 'difference'],
      sc.failed.map((o) => [o.title, o.section, o.problems.join('; ')]), { id: 'scenario-failures' }) : null,
    h('h3', null, 'Impact on the scenarios'),
    sc.impact ? h('p', null, `${sc.impact.scenarios_run} run under both versions, ${sc.impact.unchanged} unchanged.`) : null,
    groups.length ? h('ul', { id: 'scenario-impact' }, groups.map((g) => h('li', null, g.summary,
      h('details', null, h('summary', null, 'scenarios'), h('ul', null, g.scenarios.map((s) => h('li', null, s))))))) : null,
    h('h3', null, 'Rule coverage'),
    coverage.length ? h('ul', null, coverage.map(([table_, ids]) => h('li', null, `${table_}: no scenario matches ${ids.join(', ')}`)))
      : h('p', null, 'Every rule is matched by some scenario.'),
  ];
}

function realCases(ev, model, number) {
  const rc = ev.real_cases;
  if (rc.note) return h('p', null, rc.note);
  const link = (id) => h('a', { href: `/console/models/${encodeURIComponent(model)}/versions/${number}/cases/${id}` }, short(id));
  const refused = rc.considered - rc.changed - rc.unchanged;
  return [
    h('p', { id: 'real-cases-verdict' }, `The newest ${rc.considered} audited determinations (at most ${rc.limit}), determined by the serving `
      + `version and by this one: ${rc.changed} change, ${rc.unchanged} unchanged`
      + (refused ? `, ${refused} not evaluable under this version.` : '.')),
    rc.transitions.length ? table(['determination before', 'after', 'cases', rc.hidden ? '' : 'open a case'], rc.transitions.map((t) => [
      t.old, t.new, String(t.count), h('span', { class: 'case-links' }, t.cases.slice(0, 50).map(link),
        t.cases.length > 50 ? ` and ${t.cases.length - 50} more` : ''),
    ]), { id: 'transitions' }) : null,
    rc.hidden ? h('p', { class: 'muted', id: 'cases-hidden' }, `Case by case: ${rc.hidden}.`) : null,
    Object.keys(rc.cases).length ? h('details', null, h('summary', null, 'every changed case'),
      table(['case', 'answered', 'before', 'after'], Object.entries(rc.cases).map(([id, c]) => [
        link(id), when(c.created_at),
        c.old ? `${c.old.determination} / ${c.old.disposition} [${c.old.findings.join(', ')}]` : '',
        c.new ? `${c.new.determination} / ${c.new.disposition} [${c.new.findings.join(', ')}]` : '',
      ]))) : null,
  ];
}

function steps(version) {
  return table(['#', 'step', 'state', 'by', 'at', 'content', 'comment', 'details'], version.steps.map((s) => [
    String(s.seq), s.action, badge(s.state), s.actor, when(s.at), h('code', { title: s.sha256 }, short(s.sha256)), s.comment,
    s.details.evidence ? h('span', null, 'evidence ',
      h('a', { href: `${versionUrl(version.model_id, version.number)}/reviews/${s.details.evidence}?format=json` }, 'JSON'), ' · ',
      h('a', { href: `${versionUrl(version.model_id, version.number)}/reviews/${s.details.evidence}?format=pdf` }, 'PDF'))
      : (Object.keys(s.details).length ? JSON.stringify(s.details) : ''),
  ]), { id: 'steps-table' });
}

function actionForm(label, { name, note, needsText, run, disabled, why }) {
  const text = h('input', { name: 'comment', placeholder: needsText ? 'reason (required)' : 'comment', required: needsText, 'aria-label': `${label} comment` });
  const form = h('form', { class: 'action', dataset: { action: name } },
    text, h('button', { type: 'submit', disabled, title: why }, label),
    note ? h('span', { class: 'muted' }, note) : null,
    why ? h('p', { class: 'notice warn four-eyes' }, why) : null);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(text.value);
  });
  return form;
}

export default async function review(data) {
  const model = data.model;
  const number = Number(data.number);
  const roles = data.roles.split(',');
  const url = versionUrl(model, number);
  const status = $('#status');
  let version = await get(url);
  let digest = null;
  let evidenceNote = null;     // the evidence's digest, its documents and who read it, once it is here

  // Each step names the content it acts on; a rollback names a version that served, not content.
  const act = async (path, body, done) => {
    try {
      version = await post(`${url}:${path}`, path === 'rollback' ? body : { sha256: version.sha256, ...body });
      fill(status, notice(done));
      render();
    } catch (error) {
      fill(status, problem(error));
    }
  };

  function render() {
    fill($('#state'), badge(version.state));
    fill($('#summary'), h('p', null, `Author ${version.author}, ${when(version.created_at)}. `,
      version.base_number ? `Started from version ${version.base_number}. ` : '',
      'Content ', h('code', { title: version.sha256 }, short(version.sha256)), '. ',
      `Saved by ${version.editors.join(', ')}.`, version.approved_by ? ` Approved by ${version.approved_by}.` : ''),
    version.comment ? h('p', null, h('q', null, version.comment)) : null, effectiveSummary(version), evidenceNote);
    fill($('#steps'), steps(version));
    const forms = [];
    const proposer = version.proposers.includes(data.person);
    if (version.editable && roles.includes('author')) {
      forms.push(h('a', { class: 'button', href: `/console/models/${encodeURIComponent(model)}/edit?version=${number}` }, 'Edit'));
    }
    if (version.state === 'draft' && roles.includes('author')) {
      forms.push(actionForm('Submit for approval', { name: 'submit', run: (comment) => act('submit', { comment }, 'Submitted for approval.') }));
    }
    if (version.state === 'submitted' && roles.includes('approver')) {
      const why = (!data.named && 'Your key names nobody: approving needs a key made for you by name (four eyes).')
        || (proposer && 'You saved or submitted this version: someone else must approve it (four eyes).');
      const approve = actionForm('Approve', {
        name: 'approve', disabled: Boolean(why) || !digest,
        why: why || null,
        note: digest ? 'the evidence below is kept with the approval' : 'waiting for the evidence',
        run: (comment) => act('approve', { comment, evidence: digest, ...approveDate() }, 'Approved, with the evidence shown.'),
      });
      const approveDate = effectiveDateField(approve, version.effective_date);
      forms.push(approve);
      forms.push(actionForm('Reject', { name: 'reject', needsText: true, run: (comment) => act('reject', { comment, evidence: digest }, 'Rejected.') }));
    }
    if (version.state === 'approved' && roles.includes('approver')) {
      const why = data.named ? null : 'Your key names nobody: publishing needs a key made for you by name.';
      const publish = actionForm('Publish', { name: 'publish', disabled: Boolean(why), why, note: 'serves requests dated from its effective date, in every worker', run: (comment) => act('publish', { comment, ...publishDate() }, `Published: version ${number}.`) });
      const publishDate = effectiveDateField(publish, version.effective_date);
      forms.push(publish);
    }
    if (version.state === 'retired' && roles.includes('admin')) {
      forms.push(actionForm('Roll back to this version', { name: 'rollback', needsText: true, run: (reason) => act('rollback', { reason }, `Rolled back: version ${number} serves again.`) }));
    }
    if (version.state === 'published') forms.push(h('p', null, 'This version serves.'));
    fill($('#actions'), forms);
  }

  render();
  $('#actions').before(exportLinks(model, number));
  try {
    const found = await get(`${url}/review`);
    digest = found.digest;
    const ev = found.evidence;
    fill($('#validation'), validation(ev));
    fill($('#diff'), diffSection(ev), ev.diff.note ? null : tableSides(model, ev.serving.number, number, ev.diff.changes));
    fill($('#scenarios'), scenarios(ev));
    fill($('#real-cases'), realCases(ev, model, number));
    evidenceNote = [h('p', { class: 'muted' }, `Evidence ${short(digest)}, computed ${when(ev.computed_at)} against version ${ev.serving.number}: `,
      h('a', { href: `${url}/reviews/${digest}?format=pdf` }, 'PDF'), ' · ', h('a', { href: `${url}/reviews/${digest}?format=json` }, 'JSON')),
    h('p', { class: 'muted', id: 'read-by' }, `Read by ${found.read_by.map((r) => `${r.person} (${when(r.at)})`).join(', ')}.`)];
    render();
  } catch (error) {
    for (const id of ['#validation', '#diff', '#scenarios', '#real-cases']) fill($(id), problem(error));
  }
}
