// docs/erp-contract.yaml is valid OpenAPI 3.1, describes every operation the generic-rest client
// calls, and every $ref in it resolves.
import { readFile } from 'node:fs/promises';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const CONTRACT_PATH = new URL('../../../docs/erp-contract.yaml', import.meta.url);

type Json = Record<string, unknown>;

async function loadContract(): Promise<Json> {
  return parse(await readFile(CONTRACT_PATH, 'utf8')) as Json;
}

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) for (const inner of value) collectRefs(inner, refs);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') refs.push(inner);
      else collectRefs(inner, refs);
    }
  }
  return refs;
}

function resolvePointer(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!current || typeof current !== 'object' || !(segment in current)) return undefined;
    current = (current as Json)[segment];
  }
  return current;
}

const at = (document: Json, ...path: string[]) =>
  path.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document) as Json | undefined;

describe('the generic-rest ERP contract document', () => {
  it('is valid OpenAPI 3.1 for the OpenAPI parser', async () => {
    const result = await validate((await loadContract()) as Parameters<typeof validate>[0]);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('the validator would catch a broken $ref (so the check above means something)', async () => {
    const broken = await loadContract();
    const stock = at(broken, 'paths', '/stock', 'get', 'responses', '200', 'content', 'application/json') as Json;
    stock.schema = { $ref: '#/components/schemas/NoSuchSchema' };
    expect((await validate(broken as Parameters<typeof validate>[0])).valid).toBe(false);
  });

  it('declares the four operations, the webhook, bearer auth and Retry-After on 429', async () => {
    const contract = await loadContract();
    expect(String(contract.openapi)).toMatch(/^3\.1\./);
    expect(at(contract, 'paths', '/stock', 'get', 'operationId')).toBe('listStock');
    expect(at(contract, 'paths', '/stock/query', 'post', 'operationId')).toBe('queryStock');
    expect(at(contract, 'paths', '/warehouses', 'get', 'operationId')).toBe('listWarehouses');
    expect(at(contract, 'paths', '/movements', 'post', 'operationId')).toBe('postMovement');
    expect(at(contract, 'webhooks', 'stockChanged', 'post', 'operationId')).toBe('stockChanged');
    const listParameters = (at(contract, 'paths', '/stock', 'get', 'parameters') as unknown as { name: string }[]).map((p) => p.name);
    expect(listParameters).toEqual(['updatedSince', 'cursor', 'limit']);
    const movementHeaders = (at(contract, 'paths', '/movements', 'post', 'parameters') as unknown as { name: string; in: string }[]).map(
      (p) => `${p.in}:${p.name}`,
    );
    expect(movementHeaders).toEqual(['header:Idempotency-Key']);
    expect(Object.keys(at(contract, 'paths', '/movements', 'post', 'responses') ?? {})).toEqual(
      expect.arrayContaining(['200', '201', '409', '422', '429']),
    );
    expect(at(contract, 'components', 'securitySchemes', 'bearerApiKey')).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(at(contract, 'components', 'responses', 'TooManyRequests', 'headers', 'Retry-After')).toBeDefined();
    const webhookHeaders = (at(contract, 'webhooks', 'stockChanged', 'post', 'parameters') as unknown as { name: string }[]).map(
      (p) => p.name,
    );
    expect(webhookHeaders).toEqual(['X-Stockbridge-Signature', 'X-Stockbridge-Event-Id']);
  });

  it('every $ref resolves inside the document', async () => {
    const contract = await loadContract();
    const refs = collectRefs(contract);
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((ref) => resolvePointer(contract, ref) === undefined)).toEqual([]);
  });

  it('a stock row and a movement carry exactly the fields the connector reads and sends', async () => {
    const contract = await loadContract();
    const row = at(contract, 'components', 'schemas', 'StockRow') as { required: string[]; properties: Json };
    expect(Object.keys(row.properties)).toEqual([
      'sku',
      'warehouse',
      'onHand',
      'reserved',
      'incoming',
      'available',
      'unitCost',
      'name',
      'updatedAt',
    ]);
    expect(row.required).toEqual(['sku', 'warehouse', 'onHand', 'reserved', 'incoming', 'available', 'updatedAt']);
    const movement = at(contract, 'components', 'schemas', 'Movement') as { required: string[] };
    expect(movement.required).toEqual(['sku', 'warehouse', 'quantity', 'kind', 'reference', 'occurredAt']);
    expect(at(contract, 'components', 'schemas', 'Movement', 'properties', 'kind', 'enum')).toEqual(['sale', 'release', 'adjustment']);
  });
});
