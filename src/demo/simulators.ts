// The other companies' side of the stack: a generic-rest ERP, one Shopify store with two locations
// and one WooCommerce store, each on a free port, seeded with the same catalog and holding fresh
// random credentials for this run only.
import { randomBytes } from 'node:crypto';
import { type ErpSimulator, startErpSimulator } from '../simulators/erp/start-erp-simulator.js';
import { type ShopifySimulator, startShopifySimulator } from '../simulators/shopify/server.js';
import { startWooCommerceSimulator, type WooSimulator } from '../simulators/woocommerce/woocommerce-simulator.js';
import { type DemoCatalog, erpSeed, shopifySeed, wooSeed } from './catalog.js';
import { createRandom } from './random.js';

export const SHOP_DOMAIN = 'demo-outfitters.myshopify.com';

export type SimulatorCredentials = {
  erp: { apiKey: string; webhookSecret: string };
  shopify: { accessToken: string; webhookSecret: string };
  woocommerce: { consumerKey: string; consumerSecret: string; webhookSecret: string };
};

export type Simulators = {
  erp: ErpSimulator;
  shopify: ShopifySimulator;
  woocommerce: WooSimulator;
  credentials: SimulatorCredentials;
  /** Shopify location name → its gid, as the store reports it. */
  shopifyLocations: Map<string, string>;
  close(): Promise<void>;
};

const secret = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export async function startSimulators(options: { catalog: DemoCatalog; seed: number }): Promise<Simulators> {
  const credentials: SimulatorCredentials = {
    erp: { apiKey: secret('erp_'), webhookSecret: secret('erpwh_') },
    shopify: { accessToken: secret('shpat_demo_'), webhookSecret: secret('shpss_demo_') },
    woocommerce: { consumerKey: secret('ck_'), consumerSecret: secret('cs_'), webhookSecret: secret('wcwh_') },
  };
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const simulator of started.reverse()) await simulator.close();
  };
  try {
    const erp = await startErpSimulator({ apiKey: credentials.erp.apiKey });
    started.push(erp);
    erp.control.seed(erpSeed(options.catalog));

    const shopify = await startShopifySimulator({
      webhookSecret: credentials.shopify.webhookSecret,
      shops: [{ domain: SHOP_DOMAIN, name: 'Demo Outfitters', accessToken: credentials.shopify.accessToken }],
      // Only draws when chaos knobs are turned on; seeded so such a run can be repeated.
      random: createRandom(options.seed).next,
    });
    started.push(shopify);
    const seeded = shopify.control.seed(SHOP_DOMAIN, shopifySeed(options.catalog));
    const shopifyLocations = new Map(seeded.locations.map((location) => [location.name, location.id]));

    const woocommerce = await startWooCommerceSimulator({
      consumerKey: credentials.woocommerce.consumerKey,
      consumerSecret: credentials.woocommerce.consumerSecret,
      catalog: wooSeed(options.catalog),
      randomSeed: options.seed,
    });
    started.push(woocommerce);

    return { erp, shopify, woocommerce, credentials, shopifyLocations, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
