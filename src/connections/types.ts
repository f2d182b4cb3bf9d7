// The shapes of a connection's settings (plain JSON column) and credentials (encrypted column).
// Every module that reads a connection goes through these schemas, so they agree on field names.
import { z } from 'zod';

export const ManualEditPolicy = z.enum(['erp-wins', 'store-adjusts']);
export type ManualEditPolicy = z.infer<typeof ManualEditPolicy>;
export const MovementPolicy = z.enum(['post-movements', 'reserve-only']);
export type MovementPolicy = z.infer<typeof MovementPolicy>;
export const ErpType = z.enum(['generic-rest', 'erpnext', 'odoo']);
export type ErpType = z.infer<typeof ErpType>;

/** What a channel (store) connection may tune. */
export const ChannelPolicy = z.object({
  /** Units held back from this channel: target = max(0, available − buffer). */
  bufferQuantity: z.number().int().min(0).max(1_000_000).default(0),
  /** Never show more than this many units (null: no cap). */
  capQuantity: z.number().int().min(0).max(1_000_000_000).nullable().default(null),
  /** Share of available-to-sell offered to this channel, 1..100 (null: all of it). */
  allocationPercent: z.number().int().min(1).max(100).nullable().default(null),
  manualEditPolicy: ManualEditPolicy.default('erp-wins'),
});
export type ChannelPolicy = z.infer<typeof ChannelPolicy>;

export const ShopifySettings = ChannelPolicy.extend({
  shopDomain: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/, 'must look like name.myshopify.com'),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  /** Replaces https://{shop} for simulators and test servers. */
  baseUrl: z.url().optional(),
});
export type ShopifySettings = z.infer<typeof ShopifySettings>;

export const WooCommerceSettings = ChannelPolicy.extend({
  siteUrl: z.url(),
  baseUrl: z.url().optional(),
});
export type WooCommerceSettings = z.infer<typeof WooCommerceSettings>;

export const ErpSettings = z.object({
  erpType: ErpType,
  baseUrl: z.url(),
  movementPolicy: MovementPolicy.default('post-movements'),
  /** Which ERP quantities count towards available-to-sell. */
  quantityBasis: z
    .object({ subtractReserved: z.boolean().default(true), includeIncoming: z.boolean().default(false) })
    .default({ subtractReserved: true, includeIncoming: false }),
  /** Warehouses offered in location mappings (filled by the connection test). */
  warehouses: z.array(z.string()).default([]),
  /** Odoo database name, when the server hosts several. */
  database: z.string().optional(),
});
export type ErpSettings = z.infer<typeof ErpSettings>;

export const ShopifyCredentials = z.discriminatedUnion('kind', [
  /** A custom app made in the admin before 2026: a static Admin API token and the app's API secret key. */
  z.object({ kind: z.literal('static'), accessToken: z.string().min(1), webhookSecret: z.string().min(1) }),
  /** Apps made since 2026: the client-credentials grant; the client secret also signs webhooks. */
  z.object({ kind: z.literal('client-credentials'), clientId: z.string().min(1), clientSecret: z.string().min(1) }),
]);
export type ShopifyCredentials = z.infer<typeof ShopifyCredentials>;

export const WooCommerceCredentials = z.object({
  consumerKey: z.string().min(1),
  consumerSecret: z.string().min(1),
  webhookSecret: z.string().min(1),
});
export type WooCommerceCredentials = z.infer<typeof WooCommerceCredentials>;

export const ErpCredentials = z.object({
  apiKey: z.string().optional(),
  apiSecret: z.string().optional(),
  webhookSecret: z.string().optional(),
});
export type ErpCredentials = z.infer<typeof ErpCredentials>;

/** The key that signs this connection's webhooks (undefined: the platform sends none to us). */
export function webhookSecretOf(
  kind: 'shopify' | 'woocommerce' | 'erp',
  credentials: ShopifyCredentials | WooCommerceCredentials | ErpCredentials,
): string | undefined {
  if (kind === 'shopify') {
    const shopify = credentials as ShopifyCredentials;
    return shopify.kind === 'static' ? shopify.webhookSecret : shopify.clientSecret;
  }
  return (credentials as WooCommerceCredentials | ErpCredentials).webhookSecret;
}
