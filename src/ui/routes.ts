// Serves the admin UI. Every /ui/* path that is not an asset answers the same HTML page and the
// app routes on the client, so deep links (/ui/skus/ABC-1) survive a reload. The UI talks only to
// /api/v1 and /auth, like any other client.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../http/errors.js';
import { renderIndexHtml } from './index-html.js';

const require = createRequire(import.meta.url);

/** The ES-module builds of our two runtime libraries, read once at start-up. */
function vendorFiles(): Map<string, string> {
  // Each package's CommonJS entry sits beside its ES-module build (x.js → x.mjs). The source-map
  // comment goes: the maps are not served, and a browser would only log a 404 for each.
  const esm = (specifier: string) =>
    readFileSync(require.resolve(specifier).replace(/\.js$/, '.mjs'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return new Map([
    ['preact.mjs', esm('preact')],
    ['preact-hooks.mjs', esm('preact/hooks')],
    ['htm.mjs', esm('htm')],
  ]);
}

export async function uiRoutes(app: FastifyInstance) {
  const html = renderIndexHtml({ title: 'stockbridge admin' });
  const vendor = vendorFiles();

  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./public/', import.meta.url)),
    prefix: '/ui/assets/',
    index: false,
    // Revalidate on every load (ETag): an upgrade must never run old modules against a new API.
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
    schemaHide: true,
  });

  app.get('/ui/vendor/:file', { schema: { hide: true } }, async (request, reply) => {
    const body = vendor.get((request.params as { file: string }).file);
    if (!body) throw notFound('vendor file');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body);
  });

  const page = async (_request: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  app.get('/ui', { schema: { hide: true } }, page);
  app.get('/ui/*', { schema: { hide: true } }, page);
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
}
