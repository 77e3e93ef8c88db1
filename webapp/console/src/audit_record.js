// What the Audit page shows of a record beyond its row: the rules it matched, decision by decision
// (the policy section each cites), the link from a model version's sha256 to its numbered version,
// and the search as the API's query (the page's and the CSV's alike).
import { get, model as modelUrl } from './api.js';
import { h, json, table } from './dom.js';

export function rulesByDecision(matched) {
  const rows = Object.entries(matched || {}).map(([decision, rules]) => [
    decision,
    rules.map((r) => `row ${r.index}`).join(', '),
    rules.map((r) => (r.annotations || {})['policy section']).filter(Boolean).join('; '),
  ]);
  return rows.length ? table(['decision', 'matched rules', 'policy section'], rows, { class: 'matched-rules' })
    : h('p', null, 'No rule matched.');
}

export function record(r) {
  return [
    h('p', null, r.id),
    h('h4', null, 'Matched rules by decision'), rulesByDecision(r.matched_rules),
    h('h4', null, 'Outputs'), json(r.outputs),
    h('h4', null, 'Inputs'), json(r.inputs),
  ];
}

// model id -> (sha256 -> version number), read once per model from its version list.
export function versionNumbers() {
  const known = new Map();
  return async (modelId) => {
    if (!known.has(modelId)) {
      known.set(modelId, get(`${modelUrl(modelId)}/versions`)
        .then((list) => new Map(list.versions.map((v) => [v.sha256, v.number])))
        .catch(() => new Map()));
    }
    return known.get(modelId);
  };
}

export function versionLink(modelId, sha, number) {
  const code = h('code', { title: sha }, sha.slice(0, 12));
  if (!number) return code;
  return h('span', { class: 'version-link' },
    h('a', { href: `/console/models/${encodeURIComponent(modelId)}/versions/${number}` }, `version ${number}`), ' ', code);
}

// The form's search as query parameters: dates are whole days in the browser's time zone, `to`
// included (up to the next day's midnight, which the API excludes).
export function searchParams(form) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (!value) continue;
    if (name === 'from') params.set(name, new Date(`${value}T00:00:00`).toISOString());
    else if (name === 'to') {
      const end = new Date(`${value}T00:00:00`);
      end.setDate(end.getDate() + 1);
      params.set(name, end.toISOString());
    } else params.set(name, value);
  }
  return params;
}
