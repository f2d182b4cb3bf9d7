// Security headers on every response (helmet). The Content-Security-Policy allows only our own
// origin: every script, style, font and image of the admin UI and /docs is served by us, so an
// injected <script> or a tampered CDN has nowhere to load from. The UI's inline import map is the
// one inline script; it is allowed by its SHA-256, not by 'unsafe-inline'.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type SecurityOptions = {
  /** https deployments also get HSTS and upgrade-insecure-requests; plain-http demos must not. */
  https: boolean;
  /** 'sha256-…' sources of inline scripts we serve ourselves. */
  inlineScriptHashes: readonly string[];
};

export const securityPlugin = fp(async (app: FastifyInstance, options: SecurityOptions) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'", ...options.inlineScriptHashes.map((hash) => `'${hash}'`)],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
});
