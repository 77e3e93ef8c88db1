// A few DOM helpers: the console builds its pages from the API's answers with these.
import { ApiError } from './api.js';

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  el.removeAttribute('aria-busy');
  return el;
}

export const $ = (selector) => document.querySelector(selector);

export function table(headers, rows, props) {
  return h('table', props, h('thead', null, h('tr', null, headers.map((t) => h('th', null, t)))),
    h('tbody', null, rows.map((cells) => h('tr', null, cells.map((c) => h('td', null, c))))));
}

export const short = (sha) => (sha ? sha.slice(0, 12) : '');

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export const badge = (state) => h('span', { class: `state state-${state}` }, state);

export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

// An error from the API (RFC 9457 Problem Details), with every offending field it names.
export function problem(error) {
  if (!(error instanceof ApiError)) return h('div', { class: 'notice error', role: 'alert' }, String(error.message || error));
  const errors = error.body.errors || [];
  const details = errors.length
    ? h('ul', null, ...errors.map((e) => h('li', null, e.pointer ? `${e.pointer}: ${e.detail}` : e.detail))) : null;
  return h('div', { class: 'notice error', role: 'alert' },
    h('strong', null, `${error.status}: ${error.body.detail}`), details);
}

export function notice(text, kind = 'ok') {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function dataset() {
  return document.getElementById('page').dataset;
}

export const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
