// The admin UI's single HTML page. Modules load from our own origin: the app from /ui/assets, and
// preact + htm straight from node_modules via /ui/vendor, resolved by an import map (no build step,
// no CDN). The import map is the page's only inline script, so the CSP allows exactly its hash.
import { createHash } from 'node:crypto';

const IMPORT_MAP = JSON.stringify({
  imports: {
    preact: '/ui/vendor/preact.mjs',
    'preact/hooks': '/ui/vendor/preact-hooks.mjs',
    htm: '/ui/vendor/htm.mjs',
  },
});

const STYLESHEETS = ['base', 'layout', 'controls', 'feedback', 'data'];

/** The CSP source for the import map ('sha256-…'). */
export const importMapHash = `sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}`;

export function renderIndexHtml(options: { title: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="icon" href="/ui/assets/icon.svg" type="image/svg+xml">
${STYLESHEETS.map((name) => `<link rel="stylesheet" href="/ui/assets/css/${name}.css">`).join('\n')}
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/ui/assets/js/main.js"></script>
</head>
<body>
<div id="app"><p class="boot">Loading stockbridge…</p></div>
<noscript><p class="boot">The stockbridge admin needs JavaScript enabled.</p></noscript>
</body>
</html>
`;
}
