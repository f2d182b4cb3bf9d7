// Locations and the variant catalog: SKU → variant, product and inventory item (gid strings).
import type { CatalogItem, ChannelLocation, Page } from '../contract.js';
import type { ShopifyGraphql } from './client.js';
import type { Connection } from './map.js';
import { CATALOG_QUERY, catalogCost, LOCATIONS_QUERY, locationsCost } from './queries.js';

type LocationNode = { id: string; name: string; isActive: boolean };
type CatalogNode = {
  id: string;
  sku: string | null;
  title: string;
  product: { id: string; title: string };
  inventoryItem: { id: string; tracked: boolean } | null;
};

export async function listLocations(graphql: ShopifyGraphql): Promise<ChannelLocation[]> {
  const locations: ChannelLocation[] = [];
  const first = 250;
  let after: string | null = null;
  do {
    const { data }: { data: { locations: Connection<LocationNode> } } = await graphql.request({
      operation: 'Locations',
      query: LOCATIONS_QUERY,
      variables: { first, after },
      estimatedCost: locationsCost(first),
    });
    for (const node of data.locations.nodes) {
      // Deactivated locations hold no sellable stock; Shopify lists only active ones by default.
      if (node.isActive) locations.push({ externalLocationId: node.id, name: node.name });
    }
    after = data.locations.pageInfo.hasNextPage ? data.locations.pageInfo.endCursor : null;
  } while (after);
  return locations;
}

function titleOf(node: CatalogNode): string {
  // Single-variant products carry Shopify's placeholder "Default Title" as the variant title.
  return node.title && node.title !== 'Default Title' ? `${node.product.title} - ${node.title}` : node.product.title;
}

export async function listCatalog(graphql: ShopifyGraphql, cursor: string | null, pageSize: number): Promise<Page<CatalogItem>> {
  const first = Math.min(250, Math.max(1, pageSize));
  const { data } = await graphql.request<{ productVariants: Connection<CatalogNode> }>({
    operation: 'CatalogPage',
    query: CATALOG_QUERY,
    variables: { first, after: cursor },
    estimatedCost: catalogCost(first),
    costKey: `CatalogPage:${first}`,
  });
  const page = data.productVariants;
  return {
    items: page.nodes.map((node) => ({
      sku: (node.sku ?? '').trim(),
      externalProductId: node.product.id,
      externalVariantId: node.id,
      externalInventoryItemId: node.inventoryItem?.id,
      title: titleOf(node),
      manageStock: node.inventoryItem?.tracked ?? false,
    })),
    nextCursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
  };
}
