// Model: the serving version in the dmn-js viewer (diagram and tables), and the version history.
import NavigatedViewer from 'dmn-js/lib/NavigatedViewer';
import { get, getText, model as modelUrl } from '../api.js';
import { mount } from '../dmn.js';
import { $, fill, h, short } from '../dom.js';
import { history } from './history.js';

export default async function model(data) {
  const id = data.model;
  const listing = await get(`${modelUrl(id)}/versions`);
  const serving = listing.versions.find((v) => v.number === listing.serving);
  fill($('#serving-title'), `Serving version ${listing.serving}`,
    serving ? h('span', { class: 'muted' }, ` · ${short(serving.sha256)} · ${serving.comment}`) : '');
  fill($('#history'), history(id, listing, data.roles.split(',')));
  const xml = await getText(`${modelUrl(id)}/dmn`);
  await mount(NavigatedViewer, $('#dmn'), $('.dmn-tabs'), xml);
}
