// OpenAPI for the JSON API, generated from the routes' zod schemas (fastify-type-provider-zod's
// jsonSchemaTransform) and served at /docs (Swagger UI, assets served by us) and /docs/json.
// Register it before any route: @fastify/swagger collects routes as they are added.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export type OpenApiOptions = { publicUrl: string; version: string };

/** Only the API and the login endpoints are documented; the UI's pages and assets are not. */
const DOCUMENTED = /^\/(api\/v1|auth)\//;

export const openApiPlugin = fp(async (app: FastifyInstance, options: OpenApiOptions) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'stockbridge API',
        version: options.version,
        description:
          'Keeps stock consistent between an ERP and WooCommerce/Shopify stores. Automation authenticates with ' +
          '`Authorization: Bearer <token>` (`npm run cli -- tokens create`); the admin UI uses a session cookie plus ' +
          'an `X-CSRF-Token` header on every state-changing request.',
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (sbt_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'sb_session', description: 'admin UI session (with X-CSRF-Token)' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: (input) => {
      if (!DOCUMENTED.test(input.url)) return { schema: { ...input.schema, hide: true }, url: input.url };
      return jsonSchemaTransform(input);
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null },
  });
});
