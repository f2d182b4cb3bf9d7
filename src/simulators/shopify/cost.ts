// Shopify's calculated query cost and leaky bucket (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
// scalars and enums 0, objects 1, connections 2 + first × (cost of one node), lists sized by their
// list argument (ids, names), mutations a fixed cost (default 10). The requested cost is computed
// from the document before running it; the bucket must hold that much, and is refunded down to the
// actual cost (what was really returned) afterwards. A single query may not exceed 1,000.
import {
  defaultFieldResolver,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { planOf, type SimShop } from './state.js';

export const MAX_SINGLE_QUERY_COST = 1_000;

type Walk = { schema: GraphQLSchema; variables: Record<string, unknown>; fragments: Map<string, FragmentDefinitionNode> };

const isConnection = (type: GraphQLNamedType) => type.name.endsWith('Connection');
const isFree = (type: GraphQLNamedType) => type.name === 'PageInfo' || type.name.endsWith('Edge');

function literalValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case 'Variable':
      return variables[node.name.value];
    case 'IntValue':
      return Number(node.value);
    case 'ListValue':
      return node.values.map((value) => literalValue(value, variables));
    case 'StringValue':
      return node.value;
    default:
      return undefined;
  }
}

function argument(field: FieldNode, name: string, walk: Walk): unknown {
  return literalValue(field.arguments?.find((arg) => arg.name.value === name)?.value, walk.variables);
}

function fieldDef(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return 'getFields' in parent ? (parent as GraphQLObjectType).getFields()[name] : undefined;
}

/** Cost of one node of a connection: its `nodes { … }` / `edges { node { … } }` selection. */
function connectionNodeCost(selection: SelectionSetNode | undefined, connection: GraphQLNamedType, walk: Walk): number {
  let total = 0;
  for (const child of selection?.selections ?? []) {
    if (child.kind !== 'Field') continue;
    const def = fieldDef(connection, child.name.value);
    if (!def) continue;
    const nodeType = getNamedType(def.type);
    if (child.name.value === 'nodes') total += 1 + selectionCost(child.selectionSet, nodeType, walk);
    if (child.name.value === 'edges') {
      for (const edgeChild of child.selectionSet?.selections ?? []) {
        if (edgeChild.kind === 'Field' && edgeChild.name.value === 'node') {
          const nodeDef = fieldDef(nodeType, 'node');
          if (nodeDef) total += 1 + selectionCost(edgeChild.selectionSet, getNamedType(nodeDef.type), walk);
        }
      }
    }
  }
  return total;
}

function selectionCost(selection: SelectionSetNode | undefined, parent: GraphQLNamedType, walk: Walk): number {
  if (!selection) return 0;
  let fields = 0;
  let fragments = 0;
  for (const child of selection.selections) {
    if (child.kind === 'InlineFragment' || child.kind === 'FragmentSpread') {
      const fragment = child.kind === 'InlineFragment' ? child : walk.fragments.get(child.name.value);
      const typeName = fragment?.typeCondition?.name.value;
      const type = typeName ? (walk.schema.getType(typeName) ?? parent) : parent;
      // An interface costs the most expensive of its possible selections.
      fragments = Math.max(fragments, selectionCost(fragment?.selectionSet, type, walk));
      continue;
    }
    const def = fieldDef(parent, child.name.value);
    if (!def) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named) || isFree(named)) continue;
    if (isConnection(named)) {
      const size = Number(argument(child, 'first', walk) ?? argument(child, 'last', walk) ?? 0);
      fields += 2 + size * connectionNodeCost(child.selectionSet, named, walk);
      continue;
    }
    const unwrapped = isNonNullType(def.type) ? def.type.ofType : def.type;
    let multiplier = 1;
    if (isListType(unwrapped)) {
      const listArgument = def.args.find((arg) => isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type));
      const value = listArgument ? argument(child, listArgument.name, walk) : undefined;
      multiplier = Array.isArray(value) ? value.length : 1;
    }
    fields += multiplier * (1 + selectionCost(child.selectionSet, named, walk));
  }
  return fields + fragments;
}

export function requestedCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  mutationCost: number,
): number {
  if (operation.operation === 'mutation') {
    return operation.selectionSet.selections.filter((s) => s.kind === 'Field' && s.name.value !== '__typename').length * mutationCost;
  }
  const root = schema.getQueryType();
  return root ? selectionCost(operation.selectionSet, root, { schema, variables, fragments }) : 0;
}

/** A field resolver that counts what was actually returned, by the same rules. */
export function costCountingResolver(
  counter: { actual: number },
  mutationCost: number,
  isMutation: boolean,
): GraphQLFieldResolver<unknown, unknown> {
  if (isMutation) {
    counter.actual = 0;
    return (source, args, context, info) => {
      if (info.path.prev === undefined) counter.actual += mutationCost;
      return defaultFieldResolver(source, args, context, info);
    };
  }
  return (source, args, context, info) => {
    const value = defaultFieldResolver(source, args, context, info);
    const named = getNamedType(info.returnType);
    if (value === null || value === undefined || isLeafType(named) || isFree(named)) return value;
    if (isConnection(named)) counter.actual += 2;
    else if (Array.isArray(value)) counter.actual += value.filter((entry) => entry !== null && entry !== undefined).length;
    else if (isObjectType(named) || 'getFields' in named) counter.actual += 1;
    return value;
  };
}

export type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };

/** Refills the shop's bucket to now and reports it. */
export function refill(shop: SimShop, now: number = Date.now()): ThrottleStatus {
  const { bucketSize, restoreRate } = planOf(shop.plan);
  const elapsed = Math.max(0, now - shop.bucket.at) / 1000;
  shop.bucket.available = Math.min(bucketSize, shop.bucket.available + elapsed * restoreRate);
  shop.bucket.at = now;
  return { maximumAvailable: bucketSize, currentlyAvailable: Math.floor(shop.bucket.available), restoreRate };
}

/** Takes `cost` from the bucket if it holds that much; false means THROTTLED. */
export function take(shop: SimShop, cost: number): boolean {
  refill(shop);
  if (shop.bucket.available < cost) return false;
  shop.bucket.available -= cost;
  return true;
}

export function refund(shop: SimShop, points: number): ThrottleStatus {
  const status = refill(shop);
  shop.bucket.available = Math.min(status.maximumAvailable, shop.bucket.available + Math.max(0, points));
  return refill(shop);
}
