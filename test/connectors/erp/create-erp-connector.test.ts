// The erpType of a connection picks its connector.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createErpConnector } from '../../../src/connectors/erp/create-erp-connector.js';
import { expectNockDone, silentLog } from './helpers.js';

afterEach(expectNockDone);

const options = {
  baseUrl: 'https://erp.example.test',
  credentials: { apiKey: 'k', apiSecret: 's' },
  settings: { database: 'db' },
  fetch: globalThis.fetch,
  log: silentLog,
};

describe('createErpConnector', () => {
  it.each(['generic-rest', 'erpnext', 'odoo'] as const)('builds the %s connector', (erpType) => {
    expect(createErpConnector(erpType, options).kind).toBe(erpType);
  });

  it('each connector authenticates its own way', async () => {
    nock('https://erp.example.test', { reqheaders: { authorization: 'Bearer k' } })
      .get('/warehouses')
      .reply(200, { items: [] });
    nock('https://erp.example.test', { reqheaders: { authorization: 'token k:s' } })
      .get('/api/resource/Warehouse')
      .query(true)
      .reply(200, { data: [] });
    nock('https://erp.example.test', { badheaders: ['authorization'] })
      .post('/jsonrpc', {
        jsonrpc: '2.0',
        method: 'call',
        params: { service: 'common', method: 'authenticate', args: ['db', 'k', 's', {}] },
        id: 1,
      })
      .reply(200, { jsonrpc: '2.0', id: 1, result: false });
    expect(await createErpConnector('generic-rest', options).listWarehouses()).toEqual([]);
    expect(await createErpConnector('erpnext', options).listWarehouses()).toEqual([]);
    expect(await createErpConnector('odoo', options).testConnection()).toMatchObject({ outcome: 'auth_failed' });
  });
});
