// The links that export a version's decision logic, its approval record on the first page.
import { model as modelUrl } from './api.js';
import { h } from './dom.js';

const FORMATS = [['pdf', 'PDF'], ['html', 'HTML'], ['xlsx', 'Excel'], ['md', 'Markdown'], ['csv', 'CSV']];

export function exportLinks(modelId, number) {
  return h('p', { id: 'export-links' }, `Export version ${number}: `, FORMATS.map(([format, label], i) => [
    i ? ' · ' : '', h('a', { href: `${modelUrl(modelId)}/export?format=${format}&version=${number}` }, label)]));
}
