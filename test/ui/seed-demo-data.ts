// Rows that make the screenshots and browser tests look like a store in use: an ERP and two stores,
// a completed reconciliation with discrepancies, an open dead letter, received events, movements
// and audit entries for one SKU. Written straight to the test database (no platform is called).
import { randomUUID } from 'node:crypto';
import type { Services } from '../../src/app/services.js';

export type DemoData = { erpId: string; shopifyId: string; wooId: string; runId: string; deadLetterId: string; sku: string };

export async function seedDemoData(services: Services, now = new Date()): Promise<DemoData> {
  const { prisma, cipher } = services;
  const day = (n: number) => new Date(now.getTime() - n * 86_400_000);
  const connection = async (data: { kind: 'erp' | 'shopify' | 'woocommerce'; name: string; settings: object; erpType?: string }) => {
    const secret = cipher.encrypt({ apiKey: 'seeded-not-used' });
    const row = await prisma.connection.create({
      data: {
        ...data,
        erpType: data.erpType ?? null,
        credentials: secret.ciphertext,
        credentialsKeyId: secret.keyId,
        lastTestedAt: day(0),
        lastTestResult: { outcome: 'ok', detail: `${data.name} answered` },
        webhookRegistrations: data.kind === 'erp' ? [] : [{ topic: 'orders/create', id: '1' }],
      },
    });
    return row.id;
  };
  const erpId = await connection({
    kind: 'erp',
    erpType: 'generic-rest',
    name: 'Main ERP',
    settings: { erpType: 'generic-rest', baseUrl: 'https://erp.example.com', warehouses: ['WH-EAST', 'WH-WEST'] },
  });
  const shopifyId = await connection({
    kind: 'shopify',
    name: 'EU Shopify',
    settings: { shopDomain: 'eu-shop.myshopify.com', bufferQuantity: 2 },
  });
  const wooId = await connection({
    kind: 'woocommerce',
    name: 'Outlet WooCommerce',
    settings: { siteUrl: 'https://outlet.example.com', bufferQuantity: 0 },
  });
  await prisma.locationMapping.create({
    data: { connectionId: shopifyId, externalLocationId: 'gid://shopify/Location/1', name: 'Berlin', warehouseCodes: ['WH-EAST'] },
  });

  // Catalog health: one good listing, a blank SKU, a duplicated SKU and one the ERP does not know.
  const listing = (sku: string, variant: string, state: string, title: string) => ({
    connectionId: wooId,
    sku,
    externalProductId: `p-${variant}`,
    externalVariantId: variant,
    title,
    state,
  });
  await prisma.listing.createMany({
    data: [
      listing('TSHIRT-RED-M', '101', 'active', 'T-shirt red M'),
      listing('', '102', 'blank_sku', 'Gift card'),
      listing('MUG-BLUE', '103', 'duplicate_sku', 'Mug blue'),
      listing('MUG-BLUE', '104', 'duplicate_sku', 'Mug blue (old)'),
      listing('POSTER-A2', '105', 'active', 'Poster A2'),
    ],
  });

  const sku = 'TSHIRT-RED-M';
  await prisma.sku.createMany({
    data: [
      { sku, name: 'T-shirt red M', unitCost: '7.5000' },
      { sku: 'MUG-BLUE', name: 'Mug blue', unitCost: '3.2000' },
    ],
  });
  await prisma.stockSnapshot.create({
    data: { connectionId: erpId, sku, warehouse: 'WH-EAST', onHand: 14, reserved: 2, available: 12, sourceUpdatedAt: day(0) },
  });
  await prisma.syncState.createMany({
    data: [
      {
        sku,
        connectionId: shopifyId,
        externalLocationId: 'gid://shopify/Location/1',
        target: 9,
        lastPushed: 9,
        lastSeen: 9,
        status: 'in_sync',
      },
      { sku, connectionId: wooId, target: 11, lastPushed: 11, lastSeen: 12, status: 'pending', outOfSyncSince: day(1) },
    ],
  });

  const correlationId = randomUUID();
  const event = await prisma.inboxEvent.create({
    data: {
      connectionId: wooId,
      source: 'woocommerce',
      topic: 'order.created',
      dedupeKey: `delivery-${randomUUID()}`,
      resourceId: '1042',
      payload: JSON.stringify({ id: 1042, line_items: [{ sku, quantity: 1 }] }),
      status: 'processed',
      correlationId,
      receivedAt: day(0),
      processedAt: day(0),
    },
  });
  await prisma.movement.create({
    data: {
      idempotencyKey: `woo:${wooId}:order:1042:line:1`,
      sku,
      connectionId: wooId,
      kind: 'sale',
      quantity: -1,
      status: 'posted',
      sourceEventId: event.id,
      sourceRef: 'order:1042:line:1',
      correlationId,
      occurredAt: day(0),
    },
  });
  await prisma.auditEntry.create({
    data: {
      actor: 'worker',
      action: 'target.changed',
      entityType: 'sync_state',
      entityId: `${sku}:${shopifyId}`,
      sku,
      connectionId: shopifyId,
      before: { target: 10 },
      after: { target: 9 },
      correlationId,
    },
  });
  await prisma.inboxEvent.create({
    data: {
      connectionId: shopifyId,
      source: 'shopify',
      topic: 'inventory_levels/update',
      dedupeKey: `event-${randomUUID()}`,
      payload: JSON.stringify({ inventory_item_id: 1, available: 3 }),
      status: 'dead',
      error: 'SHOPIFY_UNKNOWN_ITEM: inventory item 1 is not listed',
      correlationId: randomUUID(),
      receivedAt: day(0),
    },
  });
  const deadLetter = await prisma.deadLetter.create({
    data: {
      jobName: 'channel.push',
      payload: { connectionId: shopifyId, correlationId },
      connectionId: shopifyId,
      sku: 'MUG-BLUE',
      errorCode: 'SHOPIFY_USER_ERROR',
      errorMessage: 'inventory item is not stocked at the location',
      context: { location: 'gid://shopify/Location/1' },
      attempts: 1,
      correlationId,
    },
  });

  const runs: string[] = [];
  for (const [ago, found] of [
    [3, 4],
    [2, 1],
    [1, 2],
  ] as const) {
    const run = await prisma.reconciliationRun.create({
      data: {
        status: 'completed',
        requestedBy: 'schedule',
        createdAt: day(ago),
        startedAt: day(ago),
        finishedAt: new Date(day(ago).getTime() + 42_000),
        progress: { phase: 'done', sources: {} },
        totals: {
          discrepancies: found,
          compared: 120,
          valueHigh: (found * 7.5).toFixed(4),
          valueLow: '0',
          valueNet: (found * 7.5).toFixed(4),
          byClassification: { channel_high: { count: found, units: found, value: (found * 7.5).toFixed(4) } },
          byChannel: [
            {
              connectionId: wooId,
              name: 'Outlet WooCommerce',
              discrepancies: found,
              valueHigh: '0',
              valueLow: '0',
              valueNet: (found * 7.5).toFixed(4),
              healRequested: 0,
            },
          ],
        },
      },
    });
    await prisma.discrepancy.createMany({
      data: Array.from({ length: found }, (_, i) => ({
        runId: run.id,
        sku: i === 0 ? sku : `SKU-${ago}-${i}`,
        connectionId: wooId,
        expected: 11,
        actual: 12,
        delta: 1,
        unitCost: '7.5000',
        value: '7.5000',
        classification: 'channel_high' as const,
      })),
    });
    runs.push(run.id);
  }
  return { erpId, shopifyId, wooId, runId: runs.at(-1) ?? '', deadLetterId: deadLetter.id, sku };
}
