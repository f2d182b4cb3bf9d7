// Reading "available" per item and location: for chosen variants (nodes by id), and page by page
// for a whole store that is small enough not to need a bulk operation. Page sizes follow from the
// number of locations so each query stays under Shopify's 1,000-point single-query limit.
import type { ChannelLevel, LevelWrite } from '../contract.js';
import type { ShopifyGraphql } from './client.js';
import { type Connection, levelsOfVariant, type VariantWithLevels } from './map.js';
import { LEVELS_PAGE_QUERY, levelsPageCost, levelsPageSize, VARIANT_LEVELS_QUERY, variantLevelsCost } from './queries.js';
import { pairKey } from './write-levels.js';

export type ReadDeps = {
  graphql: ShopifyGraphql;
  /** Locations of the store (cached by the connector): sizes inventoryLevels(first:). */
  locationCount(): Promise<number>;
};

async function levelsFirst(deps: ReadDeps): Promise<number> {
  return Math.min(250, Math.max(1, await deps.locationCount()));
}

export async function readVariantLevels(deps: ReadDeps, variantIds: string[]): Promise<ChannelLevel[]> {
  const ids = [...new Set(variantIds)];
  const locations = await levelsFirst(deps);
  const chunk = levelsPageSize(locations);
  const levels: ChannelLevel[] = [];
  for (let start = 0; start < ids.length; start += chunk) {
    const slice = ids.slice(start, start + chunk);
    const { data } = await deps.graphql.request<{ nodes: (VariantWithLevels | null)[] }>({
      operation: 'VariantLevels',
      query: VARIANT_LEVELS_QUERY,
      variables: { ids: slice, locations },
      estimatedCost: variantLevelsCost(slice.length, locations),
      costKey: `VariantLevels:${slice.length}:${locations}`,
    });
    // A deleted variant comes back as null: it simply has no levels to report.
    for (const node of data.nodes) if (node?.inventoryItem) levels.push(...levelsOfVariant(node));
  }
  return levels;
}

/** What Shopify shows now for each written pair (null: no level there any more). */
export async function readActual(deps: ReadDeps, writes: LevelWrite[]): Promise<Map<string, number | null>> {
  const levels = await readVariantLevels(
    deps,
    writes.map((write) => write.externalVariantId),
  );
  return new Map(levels.map((level) => [pairKey(level.externalVariantId, level.externalLocationId), level.available]));
}

export async function* readLevelPages(deps: ReadDeps, pageSize?: number): AsyncGenerator<ChannelLevel[]> {
  const locations = await levelsFirst(deps);
  const first = Math.min(pageSize ?? 250, levelsPageSize(locations));
  let after: string | null = null;
  do {
    const response: { data: { productVariants: Connection<VariantWithLevels> } } = await deps.graphql.request({
      operation: 'LevelsPage',
      query: LEVELS_PAGE_QUERY,
      variables: { first, after, locations },
      estimatedCost: levelsPageCost(first, locations),
      costKey: `LevelsPage:${first}:${locations}`,
    });
    const page: Connection<VariantWithLevels> = response.data.productVariants;
    yield page.nodes.flatMap(levelsOfVariant);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
}
