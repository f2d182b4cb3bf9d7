// The demo catalog: big enough to be realistic, mostly products with 2–4 variants, the same SKUs in
// the ERP and both stores, store quantities matching the ERP except a few drifted ones, and the
// same catalog for the same seed.
import { describe, expect, test } from 'vitest';
import { buildDemoCatalog, erpSeed, shopifySeed, WAREHOUSES, wooSeed } from '../../src/demo/catalog.js';
import { loadDemoOptions } from '../../src/demo/demo-options.js';

const catalog = buildDemoCatalog({ skus: 500, seed: 42 });
const variants = catalog.products.flatMap((product) => product.variants);

describe('buildDemoCatalog', () => {
  test('holds exactly the SKUs asked for, each once, mostly in products of 2–4 variants', () => {
    expect(catalog.skus).toHaveLength(500);
    expect(new Set(catalog.skus).size).toBe(500);
    const sizes = catalog.products.map((product) => product.variants.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(sizes.filter((size) => size >= 2).length / sizes.length).toBeGreaterThan(0.7);
  });

  test('gives every SKU a unit cost and stock in both warehouses, never more reserved than on hand', () => {
    for (const variant of variants) {
      expect(variant.unitCost).toMatch(/^\d+\.\d{2}$/);
      for (const { code } of WAREHOUSES) {
        expect(variant.stock[code].onHand).toBeGreaterThanOrEqual(variant.stock[code].reserved);
        expect(variant.stock[code].reserved).toBeGreaterThanOrEqual(0);
      }
    }
  });

  test('seeds the ERP, Shopify and WooCommerce with the same SKUs', () => {
    const erp = (erpSeed(catalog).items ?? []).map((item) => item.sku).sort();
    const shopify = (shopifySeed(catalog).products ?? []).flatMap((product) => product.variants.map((variant) => variant.sku)).sort();
    const woo = wooSeed(catalog)
      .flatMap((product) => (product.variations ? product.variations.map((variation) => variation.sku) : [product.sku]))
      .sort();
    const expected = [...catalog.skus].sort();
    expect(erp).toEqual(expected);
    expect(shopify).toEqual(expected);
    expect(woo).toEqual(expected);
    expect(shopifySeed(catalog).locations?.map((location) => location.name)).toEqual(['Berlin store', 'Hamburg store']);
  });

  test('starts the stores at the ERP’s figures, except a few drifted ones for the first resync to heal', () => {
    const available = (variant: (typeof variants)[number], code: 'WH-BER' | 'WH-HAM') =>
      variant.stock[code].onHand - variant.stock[code].reserved;
    const drifted = variants.filter(
      (variant) =>
        variant.shown.shopify['WH-BER'] !== available(variant, 'WH-BER') ||
        variant.shown.shopify['WH-HAM'] !== available(variant, 'WH-HAM') ||
        variant.shown.woocommerce !== available(variant, 'WH-BER') + available(variant, 'WH-HAM'),
    );
    expect(drifted.length).toBeGreaterThan(0);
    expect(drifted.length).toBeLessThan(variants.length * 0.15);
  });

  test('names a small set of bestsellers for the order stream, and is the same for the same seed', () => {
    expect(catalog.hotSkus.length).toBeGreaterThan(0);
    expect(catalog.hotSkus.length).toBeLessThan(catalog.skus.length * 0.25);
    expect(catalog.hotSkus.every((sku) => catalog.skus.includes(sku))).toBe(true);
    expect(buildDemoCatalog({ skus: 500, seed: 42 })).toEqual(catalog);
    expect(buildDemoCatalog({ skus: 500, seed: 43 })).not.toEqual(catalog);
  });
});

describe('loadDemoOptions', () => {
  test('defaults to 500 SKUs, seed 42 and 3 changes a second; 0 turns the stream off', () => {
    expect(loadDemoOptions({})).toEqual({ skus: 500, seed: 42, actionsPerSecond: 3 });
    expect(loadDemoOptions({ DEMO_SKUS: '60', DEMO_RATE: '0', DEMO_SEED: '' })).toEqual({ skus: 60, seed: 42, actionsPerSecond: 0 });
  });

  test.each([
    [{ DEMO_SKUS: 'many' }, 'DEMO_SKUS'],
    [{ DEMO_SKUS: '0' }, 'DEMO_SKUS'],
    [{ DEMO_RATE: '-1' }, 'DEMO_RATE'],
    [{ DEMO_SEED: '1.5' }, 'DEMO_SEED'],
  ])('refuses %o, naming %s', (env, name) => {
    expect(() => loadDemoOptions(env)).toThrow(name);
  });
});
