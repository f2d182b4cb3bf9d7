// A small history router for /ui/*: the server answers every /ui path with the app page, and this
// picks the screen. Links are real <a href> elements, so middle-click and keyboard work as usual.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { html } from './html.js';

export const BASE = '/ui';
const RouteContext = createContext({ path: '/', query: new URLSearchParams() });

function current() {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/';
  return { path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) };
}

export function navigate(to, { replace = false } = {}) {
  const url = to.startsWith(BASE) ? to : `${BASE}${to}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event('ui:navigate'));
}

/** Replaces the query string without a new history entry (filters). */
export function setQuery(values) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const search = params.toString();
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  dispatchEvent(new Event('ui:navigate'));
}

export function RouterProvider({ children }) {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    addEventListener('popstate', update);
    addEventListener('ui:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('ui:navigate', update);
    };
  }, []);
  return html`<${RouteContext.Provider} value=${route}>${children}</${RouteContext.Provider}>`;
}

export function useRoute() {
  return useContext(RouteContext);
}

/** Matches "/skus/:sku" against a path; returns the decoded parameters or null. */
export function match(pattern, path) {
  const names = [];
  const source = pattern.replace(/:([a-zA-Z]+)/g, (_m, name) => {
    names.push(name);
    return '([^/]+)';
  });
  const found = new RegExp(`^${source}$`).exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
}

export function Link({ href, children, ...rest }) {
  const url = href.startsWith(BASE) ? href : `${BASE}${href}`;
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(url);
  };
  return html`<a href=${url} onClick=${onClick} ...${rest}>${children}</a>`;
}
