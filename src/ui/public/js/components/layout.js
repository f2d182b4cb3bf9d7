// The frame around every page: a skip link, the header with the signed-in user and sign-out, and
// navigation that lists only what the user's role may open.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Link, useRoute } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';

function isCurrent(href, path) {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function AppShell({ nav, onSignOut, children }) {
  const session = useSession();
  const can = useCan();
  const { path } = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);

  const groups = nav
    .map((group) => ({ ...group, items: group.items.filter((item) => !item.needs || can(item.needs)) }))
    .filter((group) => group.items.length > 0);

  return html`<div class="shell">
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <button type="button" class="menu-button" aria-expanded=${menuOpen} aria-controls="site-nav" onClick=${() => setMenuOpen(!menuOpen)}>
        <span aria-hidden="true">☰</span> Menu
      </button>
      <${Link} href="/" class="brand"><img src="/ui/assets/icon.svg" alt="" width="24" height="24" /> stockbridge</${Link}>
      <div class="topbar-user">
        <span class="user-name">${session.user.name || session.user.email}</span>
        <span class=${`badge badge-role role-${session.user.role}`}>${session.user.role}</span>
        <button type="button" class="button button-quiet" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <div class="body">
      <nav id="site-nav" class=${`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
        ${groups.map(
          (group) => html`<div class="nav-group">
            ${group.title ? html`<p class="nav-title" id=${`nav-${group.title}`}>${group.title}</p>` : null}
            <ul aria-labelledby=${group.title ? `nav-${group.title}` : undefined}>
              ${group.items.map(
                (item) =>
                  html`<li><${Link} href=${item.href} aria-current=${isCurrent(item.href, path) ? 'page' : undefined}>${item.label}</${Link}></li>`,
              )}
            </ul>
          </div>`,
        )}
        <div class="nav-group"><ul><li><a href="/docs" target="_blank" rel="noopener">API docs ↗</a></li></ul></div>
      </nav>
      <main id="main" tabindex="-1">${children}</main>
    </div>
  </div>`;
}
