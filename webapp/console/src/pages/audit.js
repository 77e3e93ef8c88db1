// Audit: the determinations of the audit trail by time, model version and outcome (role `audit`).
import { get } from '../api.js';
import { $, fill, h, json, problem, short, table, when } from '../dom.js';

const PAGE = 50;

export default async function audit() {
  const form = $('#audit-form');
  let offset = 0;

  async function search() {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const [name, value] of new FormData(form)) {
      if (!value) continue;
      params.set(name, ['from', 'to'].includes(name) ? new Date(value).toISOString() : value);
    }
    try {
      const page = await get(`/api/v1/evaluations?${params}`);
      const rows = page.items.map((r) => [
        when(r.created_at), r.model_id, h('code', { title: r.model_version }, short(r.model_version)), r.endpoint,
        r.caller_name ? h('span', { title: `key ${r.caller}` }, r.caller_name) : `key ${r.caller}`,
        String((r.outputs || {}).determination ?? ''),
        h('details', null, h('summary', null, short(r.id)), h('p', null, r.id), h('h4', null, 'Inputs'), json(r.inputs),
          h('h4', null, 'Outputs'), json(r.outputs)),
      ]);
      fill($('#results'),
        h('p', { id: 'audit-count' }, `${page.total} determination${page.total === 1 ? '' : 's'}; ${page.offset + 1}-${page.offset + page.items.length} shown, oldest first.`),
        table(['answered', 'model', 'version', 'endpoint', 'caller', 'outcome', 'record'], rows, { id: 'audit-table' }),
        h('p', null,
          offset > 0 ? h('button', { type: 'button', onclick: () => { offset = Math.max(0, offset - PAGE); search(); } }, 'Previous') : null,
          offset + PAGE < page.total ? h('button', { type: 'button', onclick: () => { offset += PAGE; search(); } }, 'Next') : null));
    } catch (error) {
      fill($('#results'), problem(error));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    offset = 0;
    search();
  });
  search();
}
