// The simulated stores: catalog, locations, levels, orders, webhook subscriptions, bulk operations.
// Ids are bigints rendered as digit strings, deliberately above 2^53 for items, variants and
// orders, so any client that parses them as JavaScript numbers gets caught. (This module, like all
// of src/simulators, imports nothing from src/: it stands in for Shopify, not for our code.)
import { randomBytes } from 'node:crypto';

export type PlanName = 'standard' | 'advanced' | 'plus';
export type Plan = PlanName | { bucketSize: number; restoreRate: number };

export const PLANS: Record<PlanName, { bucketSize: number; restoreRate: number }> = {
  standard: { bucketSize: 2_000, restoreRate: 100 },
  advanced: { bucketSize: 4_000, restoreRate: 200 },
  plus: { bucketSize: 20_000, restoreRate: 1_000 },
};

export type Level = { available: number; onHand: number; committed: number; updatedAt: string };
export type SimLocation = { id: string; name: string; isActive: boolean };
export type SimProduct = { id: string; title: string; variantIds: string[]; updatedAt: string };
export type SimVariant = { id: string; productId: string; sku: string; title: string; inventoryItemId: string; updatedAt: string };
export type SimItem = { id: string; variantId: string; tracked: boolean; levels: Map<string, Level> };
export type SimLineItem = {
  id: string;
  variantId: string | null;
  sku: string;
  quantity: number;
  currentQuantity: number;
  locationId: string;
};
export type SimOrder = {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  lineItems: SimLineItem[];
};
export type SimWebhook = { id: string; topic: string; uri: string; apiVersion: string; createdAt: string };
export type SimBulkOperation = {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  fileToken: string | null;
  fileSize: number;
  errorCode: string | null;
};
export type IdempotencyRecord = { fingerprint: string; result: unknown };

export type SimShop = {
  id: string;
  domain: string;
  name: string;
  plan: Plan;
  bucket: { available: number; at: number };
  staticToken: string | null;
  client: { id: string; secret: string } | null;
  tokenTtlSeconds: number;
  issuedTokens: Map<string, number>; // token → expiry (ms)
  webhookSecret: string;
  uninstalled: boolean;
  locations: Map<string, SimLocation>;
  products: Map<string, SimProduct>;
  variants: Map<string, SimVariant>;
  items: Map<string, SimItem>;
  orders: Map<string, SimOrder>;
  webhooks: Map<string, SimWebhook>;
  bulkOperations: Map<string, SimBulkOperation>;
  bulkFiles: Map<string, string>;
  idempotency: Map<string, IdempotencyRecord>;
};

const ID_BASES: Record<string, bigint> = {
  Shop: 548_380_009n,
  Location: 24_826_418n,
  Product: 9_100_000_000_000_000_001n,
  ProductVariant: 9_200_000_000_000_000_001n,
  InventoryItem: 271_878_346_596_884_015n,
  Order: 9_300_000_000_000_000_001n,
  LineItem: 9_400_000_000_000_000_001n,
  WebhookSubscription: 9_500_000_000_000_000_001n,
  BulkOperation: 9_600_000_000_000_000_001n,
  InventoryAdjustmentGroup: 9_700_000_000_000_000_001n,
};

/** Consecutive ids differ in their last digits only, which a float cannot tell apart. */
export function createIdSource() {
  const next = new Map<string, bigint>();
  return (type: string): string => {
    const value = next.get(type) ?? ID_BASES[type] ?? 1_000_001n;
    next.set(type, value + 7n);
    return value.toString();
  };
}

export const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

/** gid://shopify/Type/123?x=y → { type, id } (null for anything else). */
export function parseGid(value: string): { type: string; id: string } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  return match ? { type: match[1] as string, id: match[2] as string } : null;
}

export function planOf(plan: Plan): { bucketSize: number; restoreRate: number } {
  return typeof plan === 'string' ? PLANS[plan] : plan;
}

export type ShopConfig = {
  domain: string;
  name?: string;
  plan?: Plan;
  /** Static Admin API token (custom apps made before 2026). */
  accessToken?: string;
  /** Client-credentials app (since 2026). */
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Signs this shop's webhooks; defaults to the client secret, then the simulator's webhookSecret. */
  webhookSecret?: string;
};

export function createShop(config: ShopConfig, defaults: { plan: Plan; webhookSecret: string }, nextId: (type: string) => string): SimShop {
  const plan = planOf(config.plan ?? defaults.plan);
  return {
    id: nextId('Shop'),
    domain: config.domain,
    name: config.name ?? config.domain.replace(/\.myshopify\.com$/, ''),
    plan: config.plan ?? defaults.plan,
    bucket: { available: plan.bucketSize, at: Date.now() },
    staticToken: config.accessToken ?? null,
    client: config.clientId && config.clientSecret ? { id: config.clientId, secret: config.clientSecret } : null,
    tokenTtlSeconds: config.tokenTtlSeconds ?? 86_399,
    issuedTokens: new Map(),
    webhookSecret: config.webhookSecret ?? config.clientSecret ?? defaults.webhookSecret,
    uninstalled: false,
    locations: new Map(),
    products: new Map(),
    variants: new Map(),
    items: new Map(),
    orders: new Map(),
    webhooks: new Map(),
    bulkOperations: new Map(),
    bulkFiles: new Map(),
    idempotency: new Map(),
  };
}

export function issueToken(shop: SimShop): { token: string; expiresIn: number } {
  const token = `shpat_sim_${randomBytes(16).toString('hex')}`;
  shop.issuedTokens.set(token, Date.now() + shop.tokenTtlSeconds * 1000);
  return { token, expiresIn: shop.tokenTtlSeconds };
}

export function tokenIsValid(shop: SimShop, token: string | undefined): boolean {
  if (!token || shop.uninstalled) return false;
  if (shop.staticToken && token === shop.staticToken) return true;
  const expiry = shop.issuedTokens.get(token);
  return expiry !== undefined && expiry > Date.now();
}

export type SeedCatalog = {
  locations?: { name: string; isActive?: boolean }[];
  products?: { title: string; variants: { sku: string; title?: string; tracked?: boolean; levels?: Record<string, number> }[] }[];
};

export type SeedResult = {
  locations: { id: string; name: string }[];
  variants: { sku: string; variantId: string; inventoryItemId: string; productId: string }[];
};

/** Adds locations and products; levels are keyed by location name ("*" = every location). */
export function seedShop(shop: SimShop, catalog: SeedCatalog, nextId: (type: string) => string): SeedResult {
  const now = new Date().toISOString();
  const result: SeedResult = { locations: [], variants: [] };
  for (const location of catalog.locations ?? []) {
    const id = nextId('Location');
    shop.locations.set(id, { id, name: location.name, isActive: location.isActive ?? true });
    result.locations.push({ id: gid('Location', id), name: location.name });
  }
  const byName = new Map([...shop.locations.values()].map((location) => [location.name, location.id]));
  for (const product of catalog.products ?? []) {
    const productId = nextId('Product');
    const record: SimProduct = { id: productId, title: product.title, variantIds: [], updatedAt: now };
    shop.products.set(productId, record);
    for (const variant of product.variants) {
      const variantId = nextId('ProductVariant');
      const itemId = nextId('InventoryItem');
      const title = variant.title ?? (product.variants.length === 1 ? 'Default Title' : variant.sku);
      shop.variants.set(variantId, { id: variantId, productId, sku: variant.sku, title, inventoryItemId: itemId, updatedAt: now });
      const levels = new Map<string, Level>();
      for (const [name, available] of Object.entries(variant.levels ?? {})) {
        const locationIds = name === '*' ? [...shop.locations.keys()] : [byName.get(name)];
        for (const locationId of locationIds) {
          if (!locationId) throw new Error(`seed: unknown location "${name}"`);
          levels.set(locationId, { available, onHand: available, committed: 0, updatedAt: now });
        }
      }
      shop.items.set(itemId, { id: itemId, variantId, tracked: variant.tracked ?? true, levels });
      record.variantIds.push(variantId);
      result.variants.push({
        sku: variant.sku,
        variantId: gid('ProductVariant', variantId),
        inventoryItemId: gid('InventoryItem', itemId),
        productId: gid('Product', productId),
      });
    }
  }
  return result;
}

export function findVariantBySku(shop: SimShop, sku: string): SimVariant | undefined {
  for (const variant of shop.variants.values()) if (variant.sku === sku) return variant;
  return undefined;
}

export function locationByRef(shop: SimShop, ref: string | undefined): SimLocation | undefined {
  if (!ref) return [...shop.locations.values()].find((location) => location.isActive);
  const parsed = parseGid(ref);
  const id = parsed ? parsed.id : ref;
  return shop.locations.get(id) ?? [...shop.locations.values()].find((location) => location.name === ref);
}
