// The demo's merchant: a clothing-and-homeware shop selling the same SKUs on one Shopify store (two
// shops, Berlin and Hamburg, each stocked from its own warehouse) and one WooCommerce store (selling
// from both warehouses), with the ERP owning stock and unit costs. Generated from a seed, so every
// run shows the same products. Most products come in 2–4 variants, as real catalogs do.
import type { SeedInput as ErpSeed } from '../simulators/erp/control.js';
import type { SeedCatalog as ShopifySeed } from '../simulators/shopify/state.js';
import type { SeedProduct as WooSeed } from '../simulators/woocommerce/store.js';
import { createRandom } from './random.js';

export const WAREHOUSES = [
  { code: 'WH-BER', name: 'Berlin warehouse' },
  { code: 'WH-HAM', name: 'Hamburg warehouse' },
] as const;
export type WarehouseCode = (typeof WAREHOUSES)[number]['code'];

/** The Shopify store's locations and the warehouse each one sells from. */
export const SHOPIFY_LOCATIONS = [
  { name: 'Berlin store', warehouse: 'WH-BER' },
  { name: 'Hamburg store', warehouse: 'WH-HAM' },
] as const satisfies readonly { name: string; warehouse: WarehouseCode }[];

export type DemoVariant = {
  sku: string;
  /** "M", "Navy", …; null for a product sold in one variant. */
  option: string | null;
  unitCost: string;
  stock: Record<WarehouseCode, { onHand: number; reserved: number }>;
  /** What each channel shows at start: usually the ERP's figure, sometimes drifted (to be healed). */
  shown: { shopify: Record<WarehouseCode, number>; woocommerce: number };
};
export type DemoProduct = { title: string; variants: DemoVariant[]; bestseller: boolean };
export type DemoCatalog = {
  products: DemoProduct[];
  skus: string[];
  /** SKUs of bestsellers: the order stream touches only these, so the rest stay quiet. */
  hotSkus: string[];
};

const FAMILIES = [
  { code: 'TEE', noun: 'T-Shirt', options: ['S', 'M', 'L', 'XL'], cost: [4, 9] },
  { code: 'SWT', noun: 'Sweater', options: ['S', 'M', 'L', 'XL'], cost: [18, 35] },
  { code: 'HOD', noun: 'Hoodie', options: ['S', 'M', 'L', 'XL'], cost: [15, 28] },
  { code: 'SCK', noun: 'Socks', options: ['36-39', '40-43', '44-47'], cost: [1, 3] },
  { code: 'CAP', noun: 'Cap', options: ['Black', 'Navy', 'Olive', 'Sand'], cost: [3, 7] },
  { code: 'MUG', noun: 'Mug', options: ['White', 'Black', 'Terracotta'], cost: [2, 5] },
  { code: 'BTL', noun: 'Bottle', options: ['500 ml', '750 ml', '1 l'], cost: [5, 12] },
  { code: 'TOT', noun: 'Tote Bag', options: ['Natural', 'Black'], cost: [2, 4] },
  { code: 'BNE', noun: 'Beanie', options: ['Grey', 'Navy', 'Mustard', 'Forest'], cost: [3, 8] },
  { code: 'CND', noun: 'Candle', options: ['Cedar', 'Fig', 'Sea Salt'], cost: [4, 9] },
] as const;
const ADJECTIVES = [
  'Merino',
  'Organic',
  'Recycled',
  'Heavyweight',
  'Everyday',
  'Vintage',
  'Alpine',
  'Harbour',
  'Linen',
  'Classic',
  'Studio',
];

const optionCode = (option: string) =>
  option
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
    .slice(0, 6);

/** A deterministic catalog of exactly `skus` SKUs (at least 1). */
export function buildDemoCatalog(options: { skus: number; seed: number }): DemoCatalog {
  const random = createRandom(options.seed);
  const products: DemoProduct[] = [];
  let remaining = Math.max(1, Math.floor(options.skus));
  for (let index = 0; remaining > 0; index += 1) {
    const family = FAMILIES[index % FAMILIES.length] as (typeof FAMILIES)[number];
    const wanted = random.chance(0.15) ? 1 : random.int(2, Math.min(4, family.options.length));
    const count = Math.min(wanted, remaining);
    remaining -= count;
    const base = `${family.code}-${String(index + 1).padStart(4, '0')}`;
    const variants = family.options.slice(0, count).map((option): DemoVariant => {
      const stock = {
        'WH-BER': warehouseStock(random),
        'WH-HAM': warehouseStock(random),
      };
      const available = (code: WarehouseCode) => stock[code].onHand - stock[code].reserved;
      const drift = (value: number) => (random.chance(0.03) ? Math.max(0, value + random.pick([-3, -2, -1, 1, 2, 3])) : value);
      return {
        sku: count === 1 ? base : `${base}-${optionCode(option)}`,
        option: count === 1 ? null : option,
        unitCost: `${random.int(family.cost[0], family.cost[1])}.${String(random.int(0, 99)).padStart(2, '0')}`,
        stock,
        shown: {
          shopify: { 'WH-BER': drift(available('WH-BER')), 'WH-HAM': drift(available('WH-HAM')) },
          woocommerce: drift(available('WH-BER') + available('WH-HAM')),
        },
      };
    });
    // Every eighth product sells briskly: enough to watch, few enough that the rest stay still.
    products.push({ title: `${random.pick(ADJECTIVES)} ${family.noun}`, variants, bestseller: index % 8 === 0 });
  }
  const skus = products.flatMap((product) => product.variants.map((variant) => variant.sku));
  const hotSkus = products.filter((product) => product.bestseller).flatMap((product) => product.variants.map((variant) => variant.sku));
  return { products, skus, hotSkus };
}

function warehouseStock(random: ReturnType<typeof createRandom>) {
  if (random.chance(0.05)) return { onHand: 0, reserved: 0 };
  const onHand = random.int(8, 80);
  return { onHand, reserved: random.chance(0.2) ? random.int(1, 3) : 0 };
}

export function erpSeed(catalog: DemoCatalog): ErpSeed {
  return {
    warehouses: WAREHOUSES.map((warehouse) => ({ ...warehouse })),
    items: catalog.products.flatMap((product) =>
      product.variants.map((variant) => ({
        sku: variant.sku,
        name: variant.option ? `${product.title} (${variant.option})` : product.title,
        unitCost: variant.unitCost,
        stock: WAREHOUSES.map(({ code }) => ({
          warehouse: code,
          onHand: variant.stock[code].onHand,
          reserved: variant.stock[code].reserved,
        })),
      })),
    ),
  };
}

export function shopifySeed(catalog: DemoCatalog): ShopifySeed {
  return {
    locations: SHOPIFY_LOCATIONS.map(({ name }) => ({ name })),
    products: catalog.products.map((product) => ({
      title: product.title,
      variants: product.variants.map((variant) => ({
        sku: variant.sku,
        ...(variant.option ? { title: variant.option } : {}),
        levels: Object.fromEntries(SHOPIFY_LOCATIONS.map(({ name, warehouse }) => [name, variant.shown.shopify[warehouse]])),
      })),
    })),
  };
}

export function wooSeed(catalog: DemoCatalog): WooSeed[] {
  return catalog.products.map((product) => {
    const [only] = product.variants;
    if (product.variants.length === 1 && only) {
      return { name: product.title, sku: only.sku, type: 'simple', manageStock: true, stockQuantity: only.shown.woocommerce };
    }
    return {
      name: product.title,
      type: 'variable',
      variations: product.variants.map((variant) => ({
        sku: variant.sku,
        name: variant.option ?? variant.sku,
        manageStock: true,
        stockQuantity: variant.shown.woocommerce,
      })),
    };
  });
}
