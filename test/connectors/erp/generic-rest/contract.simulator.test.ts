// The generic-rest contract suite against the ERP simulator (a real HTTP server on loopback).
import { afterAll, beforeAll } from 'vitest';
import { createGenericRestErp } from '../../../../src/connectors/erp/generic-rest/client.js';
import { type ErpSimulator, startErpSimulator } from '../../../../src/simulators/erp/start-erp-simulator.js';
import { silentLog } from '../helpers.js';
import { describeGenericRestContract } from './contract-suite.js';
import { API_KEY, SEED } from './fixtures.js';

let sim: ErpSimulator;

beforeAll(async () => {
  sim = await startErpSimulator({ apiKey: API_KEY });
});
afterAll(async () => {
  await sim.close();
});

const calm = { errorRate: 0, throttleRate: 0, timeoutRate: 0, retryAfterSeconds: 2, hangMs: 10_000 };

describeGenericRestContract('simulator', () => ({
  connector: (options = {}) =>
    createGenericRestErp({
      baseUrl: sim.url,
      credentials: { apiKey: options.apiKey ?? API_KEY },
      fetch: globalThis.fetch,
      log: silentLog,
      pageSize: options.pageSize,
      timeoutMs: options.timeoutMs,
    }),
  async arrange(scenario) {
    sim.control.reset();
    sim.control.setKnobs(calm);
    sim.control.seed(SEED);
    switch (scenario) {
      case 'changed-since': {
        const newest = Math.max(...sim.control.state().stock.map((row) => Date.parse(row.updatedAt)));
        const since = new Date(newest + 1);
        sim.control.setStock({ sku: 'SKU-2', warehouse: 'MAIN', onHand: 9 });
        return { since };
      }
      case 'movement-reply-lost':
        sim.control.setKnobs({ timeoutRate: 1 });
        return {};
      case 'throttled':
        sim.control.setKnobs({ throttleRate: 1 });
        return {};
      case 'unavailable':
        sim.control.setKnobs({ errorRate: 1 });
        return {};
      default:
        return {};
    }
  },
  async heal() {
    sim.control.setKnobs(calm);
  },
  verify() {},
}));
