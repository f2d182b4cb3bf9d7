// The application: restores the session, shows sign-in when there is none, and otherwise the page
// for the current path inside the shell. Routes and navigation come from one table (pages/index.js),
// each entry naming the API permission it needs, so a role never sees a page it cannot use.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { Spinner } from './components/feedback.js';
import { AppShell } from './components/layout.js';
import { api, setCsrfToken, setUnauthenticatedHandler } from './lib/api.js';
import { html } from './lib/html.js';
import { match, navigate, RouterProvider, useRoute } from './lib/router.js';
import { SessionContext } from './lib/session.js';
import { NAV, NotFoundPage, PAGES } from './pages/index.js';
import { LoginPage } from './pages/login.js';

function CurrentPage({ session }) {
  const { path } = useRoute();
  useEffect(() => {
    // Move focus to the new page's heading so screen readers announce it.
    requestAnimationFrame(() => document.getElementById('page-title')?.focus({ preventScroll: false }));
  }, [path]);
  for (const page of PAGES) {
    const params = match(page.path, path);
    if (!params) continue;
    if (page.needs && !session.permissions.includes(page.needs)) break;
    const Page = page.component;
    return html`<${Page} ...${params} />`;
  }
  return html`<${NotFoundPage} />`;
}

export function App() {
  const [session, setSession] = useState(undefined);
  const [expired, setExpired] = useState(false);

  const adopt = useCallback((next) => {
    setCsrfToken(next?.csrfToken);
    setSession(next);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setExpired(true);
      adopt(null);
    });
    api.get('/auth/session').then(adopt, () => adopt(null));
  }, [adopt]);

  const signOut = async () => {
    await api.post('/auth/logout').catch(() => {});
    setExpired(false);
    adopt(null);
    navigate('/', { replace: true });
  };

  if (session === undefined) return html`<p class="boot"><${Spinner} label="Loading stockbridge…" /></p>`;
  if (session === null) {
    return html`<${LoginPage} expired=${expired} onSignedIn=${(next) => {
      setExpired(false);
      adopt(next);
    }} />`;
  }
  return html`<${SessionContext.Provider} value=${session}>
    <${RouterProvider}>
      <${AppShell} nav=${NAV} onSignOut=${signOut}><${CurrentPage} session=${session} /></${AppShell}>
    </${RouterProvider}>
  </${SessionContext.Provider}>`;
}
