// The same contract suite against nock fixtures and against the simulator.
import nock from 'nock';
import { expect } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../src/simulators/shopify/server.js';
import { CATALOG, type ContractBackend, describeShopifyContract } from './contract-suite.js';
import { buildConnector, createTestRedis, STATIC_TOKEN } from './helpers.js';
import { arrangeNock } from './nock-store.js';

const redis = createTestRedis('shopify-contract');

function nockBackend(): ContractBackend {
  let scope: nock.Scope | null = null;
  return {
    name: 'nock fixtures',
    start: async () => {},
    async arrange(scenario) {
      scope = arrangeNock(scenario);
      return buildConnector(redis, { pageSize: 2 }).connector;
    },
    verify() {
      const pending = scope?.pendingMocks() ?? [];
      nock.cleanAll();
      expect(pending).toEqual([]);
    },
    stop: async () => {},
  };
}

function simulatorBackend(): ContractBackend {
  let sim: ShopifySimulator;
  let count = 0;
  return {
    name: 'simulator',
    async start() {
      sim = await startShopifySimulator({ webhookSecret: 'whsec_contract', shops: [] });
    },
    async arrange(scenario) {
      count += 1;
      const domain = `contract-${count}.myshopify.com`;
      sim.control.addShop({ domain, accessToken: STATIC_TOKEN });
      sim.control.seed(domain, CATALOG);
      if (scenario === 'orders') sim.control.placeOrder(domain, { lineItems: [{ sku: 'MUG-1', quantity: 2 }], location: 'Warehouse' });
      return buildConnector(redis, { shopDomain: domain, baseUrl: sim.shopUrl(domain), pageSize: 2 }).connector;
    },
    verify() {
      // Nothing drifted into an error or a throttle on the simulator's side either.
      expect(sim.control.calls().filter((call) => call.outcome !== 'ok')).toEqual([]);
    },
    async stop() {
      await sim.close();
      await redis.drop();
    },
  };
}

describeShopifyContract(nockBackend());
describeShopifyContract(simulatorBackend());
