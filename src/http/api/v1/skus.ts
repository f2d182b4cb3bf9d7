// A SKU's whole story for support: available-to-sell, ERP quantities, each store location's target,
// last push, last seen quantity and status, and the recent timeline joined by correlation id.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { createSkuView } from '../../../sync/sku-view.js';
import { notFound } from '../../errors.js';

const Params = z.object({ sku: z.string().min(1).max(200) });
const Query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

const Timestamp = z.string().describe('ISO 8601 date-time');

const ChannelState = z.object({
  connectionId: z.uuid(),
  connectionName: z.string(),
  kind: z.enum(['shopify', 'woocommerce', 'erp']),
  paused: z.boolean(),
  externalLocationId: z.string(),
  target: z.number().int().nullable(),
  lastPushed: z.number().int().nullable(),
  lastPushedAt: Timestamp.nullable(),
  lastSeen: z.number().int().nullable(),
  lastSeenAt: Timestamp.nullable(),
  status: z.enum(['in_sync', 'pending', 'pushing', 'error', 'paused', 'unmapped', 'deleted']),
  lastError: z.string().nullable(),
  outOfSyncSince: Timestamp.nullable(),
  updatedAt: Timestamp,
});

const TimelineEntry = z.object({
  at: Timestamp,
  type: z.enum(['inbox_event', 'movement', 'channel_call', 'audit', 'dead_letter']),
  id: z.string(),
  correlationId: z.string().nullable(),
  connectionId: z.string().nullable(),
  summary: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const SkuViewResponse = z.object({
  sku: z.string(),
  name: z.string(),
  isBundle: z.boolean(),
  version: z.string(),
  availableToSell: z.number().int().nullable().describe('ERP available minus movements the ERP does not reflect yet'),
  erp: z.array(
    z.object({
      connectionId: z.uuid(),
      warehouse: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      incoming: z.number().int(),
      available: z.number().int(),
      sourceUpdatedAt: Timestamp,
    }),
  ),
  channels: z.array(ChannelState),
  timeline: z.array(TimelineEntry),
  correlations: z.array(
    z.object({ correlationId: z.string(), from: Timestamp, to: Timestamp, types: z.array(z.string()), entries: z.number().int() }),
  ),
});

export async function skuRoutes(app: FastifyInstance, options: { skuView: Pick<ReturnType<typeof createSkuView>, 'read'> }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/skus/:sku',
    {
      schema: {
        tags: ['skus'],
        summary: 'A SKU: available-to-sell, ERP stock, per-channel sync state and recent timeline',
        params: Params,
        querystring: Query,
        response: { 200: SkuViewResponse },
      },
    },
    async (request) => {
      const view = await options.skuView.read(request.params.sku, { limit: request.query.limit });
      if (!view) throw notFound(`SKU ${request.params.sku}`);
      return view;
    },
  );
}
