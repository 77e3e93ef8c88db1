// The models that serve, each with its serving version and whether its file was refused.
import { get } from '../api.js';
import { $, fill, h, short, when } from '../dom.js';

export default async function index() {
  const { models } = await get('/api/v1/models');
  fill($('#models'), models.map((m) => h('article', { class: 'card' },
    h('h2', null, h('a', { href: `/console/models/${encodeURIComponent(m.id)}` }, m.name)),
    h('p', null, h('code', null, m.id)),
    h('p', null, 'Serving ', h('code', { title: m.version }, short(m.version)), `, first loaded ${when(m.loaded_at)}`),
    m.fallback ? h('p', { class: 'notice error' }, 'An earlier version serves: the published one does not load.') : null,
    m.rejected ? h('p', { class: 'notice warn' }, `The file in decisions/ was refused at the last reload (${m.rejected.errors.length} problems).`) : null)));
}
