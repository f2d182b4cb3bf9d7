// One small ERP catalog used by the generic-rest contract suite: seeded into the simulator, and
// written out as the documented response bodies for the nock fixtures.
import type { ErpMovement } from '../../../../src/connectors/contract.js';

export const API_KEY = 'erp-contract-key';

export const WAREHOUSES = [
  { code: 'MAIN', name: 'Main warehouse' },
  { code: 'EAST', name: 'East depot' },
];

export const SEED = {
  warehouses: WAREHOUSES,
  items: [
    {
      sku: 'SKU-1',
      name: 'Blue mug',
      unitCost: '4.20',
      stock: [
        { warehouse: 'MAIN', onHand: 12, reserved: 2, incoming: 5 },
        { warehouse: 'EAST', onHand: 3 },
      ],
    },
    { sku: 'SKU-2', name: 'Red mug', unitCost: '3.10', stock: [{ warehouse: 'MAIN', onHand: 7 }] },
  ],
};

/** The rows in contract order (seeded one after the other, so updatedAt ascends in this order). */
export const ROWS = [
  { sku: 'SKU-1', warehouse: 'MAIN', onHand: 12, reserved: 2, incoming: 5, available: 10, unitCost: '4.20', name: 'Blue mug' },
  { sku: 'SKU-1', warehouse: 'EAST', onHand: 3, reserved: 0, incoming: 0, available: 3, unitCost: '4.20', name: 'Blue mug' },
  { sku: 'SKU-2', warehouse: 'MAIN', onHand: 7, reserved: 0, incoming: 0, available: 7, unitCost: '3.10', name: 'Red mug' },
] as const;

export const CHANGED_ROW = { ...ROWS[2], onHand: 9, available: 9 };

export const SALE: ErpMovement = {
  sku: 'SKU-1',
  warehouse: 'MAIN',
  quantity: -2,
  kind: 'sale',
  reference: 'order-1001',
  occurredAt: new Date('2026-03-01T10:00:00.000Z'),
};
export const SALE_KEY = 'mv-order-1001-SKU-1';

/** Contract-shaped wire row (nock responses). */
export function wireRow(row: (typeof ROWS)[number] | typeof CHANGED_ROW, updatedAt: string) {
  return { ...row, updatedAt };
}
