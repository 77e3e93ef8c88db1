// Audit: the determinations of the audit trail by date, model version, outcome and disposition
// (role `audit`), each record's matched rules by decision, a link to its version, and the search as CSV.
import { get } from '../api.js';
import { $, fill, h, problem, short, table, when } from '../dom.js';
import { record, searchParams, versionLink, versionNumbers } from '../audit_record.js';

const PAGE = 50;

export default async function audit() {
  const form = $('#audit-form');
  const numbers = versionNumbers();
  let offset = 0;

  async function search() {
    const filters = searchParams(form);
    $('#audit-csv').href = `/api/v1/evaluations.csv?${filters}`;
    const params = new URLSearchParams({ ...Object.fromEntries(filters), limit: String(PAGE), offset: String(offset) });
    try {
      const page = await get(`/api/v1/evaluations?${params}`);
      const rows = await Promise.all(page.items.map(async (r) => [
        when(r.created_at), r.model_id, versionLink(r.model_id, r.model_version, (await numbers(r.model_id)).get(r.model_version)),
        r.endpoint,
        r.caller_name ? h('span', { title: `key ${r.caller}` }, r.caller_name) : `key ${r.caller}`,
        String((r.outputs || {}).determination ?? ''), String((r.outputs || {}).disposition ?? ''),
        h('details', null, h('summary', null, short(r.id)), record(r)),
      ]));
      fill($('#results'),
        h('p', { id: 'audit-count' }, `${page.total} determination${page.total === 1 ? '' : 's'}; ${page.offset + 1}-${page.offset + page.items.length} shown, oldest first.`),
        table(['answered', 'model', 'version', 'endpoint', 'caller', 'outcome', 'disposition', 'record'], rows, { id: 'audit-table' }),
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
