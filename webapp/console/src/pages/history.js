// A model's versions, newest first, each linked to its review.
import { h, badge, short, table, when } from '../dom.js';

export function history(model, listing, roles) {
  const author = roles.includes('author');
  const rows = [...listing.versions].reverse().map((v) => [
    h('a', { href: `/console/models/${encodeURIComponent(model)}/versions/${v.number}` }, `version ${v.number}`),
    badge(v.state),
    v.author,
    when(v.created_at),
    when(v.updated_at),
    h('code', { title: v.sha256 }, short(v.sha256)),
    v.comment,
    author && v.editable
      ? h('a', { href: `/console/models/${encodeURIComponent(model)}/edit?version=${v.number}` }, 'edit')
      : (author ? h('a', { href: `/console/models/${encodeURIComponent(model)}/edit?from=${v.number}` }, 'new draft from it') : ''),
  ]);
  return table(['version', 'state', 'author', 'created', 'last step', 'content', 'comment', ''], rows, { class: 'history' });
}
