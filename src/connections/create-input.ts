// The body of POST /api/v1/connections (spec, "Interfaces"), validated at the edge, and its split
// into plain settings (stored as JSON) and credentials (encrypted).
import { z } from 'zod';
import {
  ErpCredentials,
  ErpSettings,
  ErpType,
  ManualEditPolicy,
  MovementPolicy,
  type ShopifyCredentials,
  ShopifySettings,
  WooCommerceCredentials,
  WooCommerceSettings,
} from './types.js';

const secret = z.string().trim().min(1).max(4_096);
const name = z.string().trim().min(1).max(120);

const policyFields = {
  bufferQuantity: z.number().int().min(0).max(1_000_000).optional(),
  capQuantity: z.number().int().min(0).max(1_000_000_000).nullable().optional(),
  allocationPercent: z.number().int().min(1).max(100).nullable().optional(),
  manualEditPolicy: ManualEditPolicy.optional(),
};

const LocationInput = z.object({
  externalLocationId: z.string().trim().min(1).max(200),
  name: z.string().max(200).optional(),
  warehouseCodes: z.array(z.string().trim().min(1).max(200)).max(100),
  active: z.boolean().optional(),
});
export type LocationInput = z.infer<typeof LocationInput>;

const ShopifyInput = z
  .object({
    kind: z.literal('shopify'),
    name,
    shopDomain: ShopifySettings.shape.shopDomain,
    apiVersion: z
      .string()
      .regex(/^\d{4}-\d{2}$/)
      .optional(),
    accessToken: secret.optional(),
    webhookSecret: secret.optional(),
    clientId: secret.optional(),
    clientSecret: secret.optional(),
    baseUrl: z.url().optional(),
    locations: z.array(LocationInput).max(200).optional(),
    ...policyFields,
  })
  .strict()
  .refine((body) => (body.accessToken && body.webhookSecret) || (body.clientId && body.clientSecret), {
    message: 'give either accessToken + webhookSecret (custom app) or clientId + clientSecret (apps made since 2026)',
    path: ['accessToken'],
  });

const WooCommerceInput = z
  .object({
    kind: z.literal('woocommerce'),
    name,
    siteUrl: z.url(),
    consumerKey: secret,
    consumerSecret: secret,
    webhookSecret: secret,
    baseUrl: z.url().optional(),
    locations: z.array(LocationInput).max(200).optional(),
    ...policyFields,
  })
  .strict();

const ErpInput = z
  .object({
    kind: z.literal('erp'),
    erpType: ErpType,
    name,
    baseUrl: z.url(),
    apiKey: secret.optional(),
    apiSecret: secret.optional(),
    webhookSecret: secret.optional(),
    database: z.string().max(200).optional(),
    movementPolicy: MovementPolicy.optional(),
    quantityBasis: ErpSettings.shape.quantityBasis.optional(),
  })
  .strict();

export const CreateConnectionInput = z.discriminatedUnion('kind', [ShopifyInput, WooCommerceInput, ErpInput]);
export type CreateConnectionInput = z.infer<typeof CreateConnectionInput>;

export type SplitConnection =
  | { kind: 'shopify'; erpType: null; settings: ShopifySettings; credentials: ShopifyCredentials; probeUrls: string[] }
  | { kind: 'woocommerce'; erpType: null; settings: WooCommerceSettings; credentials: WooCommerceCredentials; probeUrls: string[] }
  | { kind: 'erp'; erpType: ErpType; settings: ErpSettings; credentials: ErpCredentials; probeUrls: string[] };

const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Settings and credentials as stored, plus every URL the server will call (for the SSRF guard). */
export function splitConnectionInput(input: CreateConnectionInput, defaults: { shopifyApiVersion: string }): SplitConnection {
  if (input.kind === 'shopify') {
    const settings = ShopifySettings.parse(
      defined({
        ...pickPolicy(input),
        shopDomain: input.shopDomain,
        apiVersion: input.apiVersion ?? defaults.shopifyApiVersion,
        baseUrl: input.baseUrl,
      }),
    );
    const credentials: ShopifyCredentials =
      input.clientId && input.clientSecret
        ? { kind: 'client-credentials', clientId: input.clientId, clientSecret: input.clientSecret }
        : { kind: 'static', accessToken: input.accessToken ?? '', webhookSecret: input.webhookSecret ?? '' };
    return { kind: 'shopify', erpType: null, settings, credentials, probeUrls: [input.baseUrl ?? `https://${input.shopDomain}`] };
  }
  if (input.kind === 'woocommerce') {
    const settings = WooCommerceSettings.parse(defined({ ...pickPolicy(input), siteUrl: input.siteUrl, baseUrl: input.baseUrl }));
    const credentials = WooCommerceCredentials.parse({
      consumerKey: input.consumerKey,
      consumerSecret: input.consumerSecret,
      webhookSecret: input.webhookSecret,
    });
    return { kind: 'woocommerce', erpType: null, settings, credentials, probeUrls: [input.baseUrl ?? input.siteUrl] };
  }
  const settings = ErpSettings.parse(
    defined({
      erpType: input.erpType,
      baseUrl: input.baseUrl,
      movementPolicy: input.movementPolicy,
      quantityBasis: input.quantityBasis,
      database: input.database,
    }),
  );
  const credentials = ErpCredentials.parse(
    defined({ apiKey: input.apiKey, apiSecret: input.apiSecret, webhookSecret: input.webhookSecret }),
  );
  return { kind: 'erp', erpType: input.erpType, settings, credentials, probeUrls: [input.baseUrl] };
}

function pickPolicy(input: {
  bufferQuantity?: number;
  capQuantity?: number | null;
  allocationPercent?: number | null;
  manualEditPolicy?: ManualEditPolicy;
}) {
  return defined({
    bufferQuantity: input.bufferQuantity,
    capQuantity: input.capQuantity,
    allocationPercent: input.allocationPercent,
    manualEditPolicy: input.manualEditPolicy,
  });
}

/** Whether the body replaces a platform's own API origin (simulators, test servers). */
export function usesBaseUrlOverride(input: CreateConnectionInput): boolean {
  return input.kind !== 'erp' && input.baseUrl !== undefined;
}
