// A save that met someone else's (409): what they saved since this page opened the version, by
// whom, and this author's edits re-applied onto theirs (POST .../merge), to check in the editor and
// save; edits of the same cell both made are named, theirs kept, for the author to decide.
import { post } from '../api.js';
import { h, table, when } from '../dom.js';

const edit = (e) => [e.where, h('code', null, e.base ?? ''), h('code', { class: 'new' }, e.mine ?? ''), h('code', { class: 'old' }, e.theirs ?? '')];

export async function reconcile(url, since, content) {
  return post(`${url}/merge`, { since, content });
}

// The panel: `onApply(merged, version)` loads the merged content into the editor.
export function reconcilePanel(found, onApply) {
  const who = found.saved_since.filter((s) => s.action === 'saved');
  const panel = h('section', { id: 'reconcile', class: 'notice warn', role: 'alert' },
    h('h2', null, 'Someone saved this version while you were editing'),
    h('p', null, who.length
      ? who.map((s) => `${s.actor} saved at ${when(s.at)}${s.comment ? ` ("${s.comment}")` : ''}`).join('; ') + '.'
      : `The version is now ${found.version.state}.`),
    h('h3', null, 'What they changed'),
    found.theirs.length
      ? table(['change', 'decision', 'column', 'before', 'after'], found.theirs.map((c) => [
        c.message, c.decision || '', c.column || '', h('code', null, c.old ?? ''), h('code', null, c.new ?? '')]), { id: 'their-changes' })
      : h('p', null, 'Nothing in the decision logic (the layout or the version\'s state).'),
    h('h3', null, 'Your edits'),
    found.applied.length ? table(['where', 'was', 'yours', 'theirs'], found.applied.map(edit), { id: 'reapplied' }) : h('p', null, 'None of your edits can be re-applied automatically.'),
    found.conflicts.length ? [h('p', null, 'Both of you changed these: theirs is kept, change it again if yours should stand.'),
      table(['where', 'was', 'yours', 'theirs'], found.conflicts.map(edit), { id: 'conflicts' })] : null,
    found.by_hand.length ? [h('p', null, 'Added or removed elements: redo these by hand.'),
      table(['where', 'was', 'yours', 'theirs'], found.by_hand.map(edit), { id: 'by-hand' })] : null,
    h('button', { type: 'button', id: 'reapply', onclick: () => onApply(found.merged, found.version) },
      'Open their version with my edits re-applied'));
  return panel;
}
