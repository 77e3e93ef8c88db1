// The service's API, called as any client calls it: the session cookie stands in for the key, and
// every state change carries the page's CSRF token.
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function request(method, url, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (response.status === 401) {
    window.location.assign(`/console/sign-in?next=${encodeURIComponent(window.location.pathname)}`);
  }
  if (!response.ok) {
    let data;
    try { data = await response.json(); } catch (e) { data = { detail: response.statusText, errors: [] }; }
    throw new ApiError(response.status, data);
  }
  return response;
}

export const get = (url) => request('GET', url).then((r) => r.json());
export const getText = (url) => request('GET', url).then((r) => r.text());
export const post = (url, body) => request('POST', url, body).then((r) => r.json());
export const put = (url, body) => request('PUT', url, body).then((r) => r.json());

export const model = (id) => `/api/v1/models/${encodeURIComponent(id)}`;
export const version = (id, number) => `${model(id)}/versions/${number}`;
