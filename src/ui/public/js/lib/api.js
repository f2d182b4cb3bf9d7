// The one way the UI talks to the server: JSON over /api/v1 and /auth, with the session's CSRF
// token on every state-changing request. Errors become ApiError with the server's code, message
// and field details, so forms can show them beside the right input.

let csrfToken = '';
let onUnauthenticated = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `request failed (${status})`);
    this.status = status;
    this.code = body?.error?.code ?? 'HTTP_ERROR';
    this.details = body?.error?.details;
    this.requestId = body?.error?.requestId;
  }

  /** Field path (without the "body." prefix) → message, for inline form errors. */
  fieldErrors() {
    const errors = {};
    for (const detail of Array.isArray(this.details) ? this.details : []) {
      if (detail?.path) errors[String(detail.path).replace(/^(body|querystring|params)\.?/, '')] ??= detail.message;
    }
    return errors;
  }
}

export function setCsrfToken(token) {
  csrfToken = token ?? '';
}

/** Called when the server says the session is gone (expired, signed out elsewhere). */
export function setUnauthenticatedHandler(handler) {
  onUnauthenticated = handler;
}

export async function request(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: { message: text.slice(0, 200) } };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, parsed);
    if (response.status === 401 && !path.startsWith('/auth/')) onUnauthenticated();
    throw error;
  }
  return parsed;
}

export const api = {
  get: (path, query) => request('GET', withQuery(path, query)),
  post: (path, body = {}) => request('POST', path, body),
  patch: (path, body) => request('PATCH', path, body),
  delete: (path) => request('DELETE', path),
};

/** Appends the defined, non-empty values of `query` to `path`. */
export function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}
