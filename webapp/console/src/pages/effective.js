// The effective date of a version on the review page: shown in the summary, and set by the approver
// at approval (it starts from the date the version holds, which for a new draft is its model's Policy
// Parameters date) and again, if need be, at publish. The server decides what serves on which date.
import { h } from '../dom.js';

// A date field added to an action form; the returned function gives the body's `effective_date`.
export function effectiveDateField(form, initial) {
  const input = h('input', { type: 'date', name: 'effective_date', value: initial || '', 'aria-label': 'Effective date' });
  form.insertBefore(h('label', { class: 'effective-date' }, 'Effective from ', input), form.firstChild);
  return () => (input.value ? { effective_date: input.value } : {});
}

export function effectiveSummary(version) {
  if (!version.effective_date) return null;
  const today = new Date().toISOString().slice(0, 10);
  const when = version.effective_date > today ? 'will determine requests dated from' : 'determines requests dated from';
  const verb = ['published', 'retired'].includes(version.state) ? when : 'is to be effective from';
  return h('p', { class: 'effective' }, `This version ${verb} `, h('strong', null, version.effective_date), '.');
}
