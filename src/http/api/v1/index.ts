// The JSON API. One file per resource; each receives only the services it uses.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../app/services.js';
import { connectionRoutes } from './connections.js';
import { deadLetterRoutes } from './dead-letters.js';
import { eventRoutes } from './events.js';
import { meRoutes } from './me.js';
import { queueRoutes } from './queues.js';
import { reconciliationRoutes } from './reconciliations.js';
import { reportRoutes } from './reports.js';
import { resyncRoutes } from './resyncs.js';
import { skuRoutes } from './skus.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';

export async function apiV1Routes(app: FastifyInstance, options: { services: Services }) {
  const { services } = options;
  await app.register(meRoutes);
  await app.register(tokenRoutes, { apiTokens: services.apiTokens });
  await app.register(connectionRoutes, { connections: services.connections, prisma: services.prisma, queues: services.queues });
  await app.register(eventRoutes, { events: services.inbox.events });
  await app.register(userRoutes, { users: services.users });
  await app.register(queueRoutes, { queues: services.queues, deadlineMs: services.config.redis.commandTimeoutMs });
  await app.register(resyncRoutes, { resyncRequests: services.resyncRequests });
  await app.register(deadLetterRoutes, { deadLetters: services.deadLetters });
  await app.register(skuRoutes, { skuView: services.skuView });
  await app.register(reconciliationRoutes, { reconciliations: services.reconciliations });
  await app.register(reportRoutes, { reports: services.reports });
}
