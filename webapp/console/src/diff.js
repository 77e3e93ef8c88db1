// The review's diff: every change of the model's content with what it was and what it becomes (an
// added or removed rule, column, table or item definition shows its whole content), then changes of
// the diagram's layout alone, apart: they never change an answer.
import { h, table } from './dom.js';

const cell = (text, side) => h('pre', { class: `diff-cell ${side}` }, text ?? '');

export default function diffSection(ev) {
  if (ev.diff.note) return h('p', null, ev.diff.note);
  const content = ev.diff.changes.filter((c) => c.kind !== 'layout');
  const layout = ev.diff.changes.filter((c) => c.kind === 'layout');
  const from = `from version ${ev.serving.number}, the version serving when this evidence was computed`;
  return [
    content.length
      ? [h('p', null, `${content.length} change${content.length === 1 ? '' : 's'} to the model's content ${from}:`),
        table(['kind', 'decision', 'rule', 'column', 'before', 'after'], content.map((c) => [
          c.kind, c.decision || '', c.row ? `row ${c.row}` : '', c.column || '', cell(c.old, 'old'), cell(c.new, 'new'),
        ]), { id: 'diff-table' })]
      : h('p', null, `No change to the model's content ${from}`
        + (layout.length ? ': the diagram\'s layout alone changed.' : '.')),
    layout.length ? [h('h3', null, 'Layout only (the diagram: no answer changes)'),
      table(['change', 'before', 'after'], layout.map((c) => [c.message, c.old || '', c.new || '']), { id: 'layout-table' })] : null,
  ];
}
