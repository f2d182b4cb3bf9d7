// Webhook subscriptions for the topics the engine acts on, created and removed through GraphQL.
// Registering is idempotent (an existing subscription for the same topic and address is reused),
// and a registration that fails partway removes what it created before reporting the failure.
import type { Logger } from 'pino';
import type { WebhookRegistration } from '../contract.js';
import { PermanentError } from '../errors.js';
import type { ShopifyGraphql } from './client.js';
import type { Connection } from './map.js';
import { MUTATION_COST, WEBHOOK_CREATE_MUTATION, WEBHOOK_DELETE_MUTATION, WEBHOOKS_QUERY, webhooksCost } from './queries.js';

/** GraphQL topic enum → the X-Shopify-Topic name the inbox sees. */
export const SUBSCRIBED_TOPICS = {
  ORDERS_CREATE: 'orders/create',
  ORDERS_CANCELLED: 'orders/cancelled',
  REFUNDS_CREATE: 'refunds/create',
  INVENTORY_LEVELS_UPDATE: 'inventory_levels/update',
  PRODUCTS_UPDATE: 'products/update',
  APP_UNINSTALLED: 'app/uninstalled',
} as const;

type SubscriptionNode = { id: string; topic: string; uri: string };
type UserError = { field: string[] | null; message: string };

async function listSubscriptions(graphql: ShopifyGraphql): Promise<SubscriptionNode[]> {
  const all: SubscriptionNode[] = [];
  const first = 100;
  let after: string | null = null;
  do {
    const { data }: { data: { webhookSubscriptions: Connection<SubscriptionNode> } } = await graphql.request({
      operation: 'Webhooks',
      query: WEBHOOKS_QUERY,
      variables: { first, after },
      estimatedCost: webhooksCost(first),
    });
    all.push(...data.webhookSubscriptions.nodes);
    after = data.webhookSubscriptions.pageInfo.hasNextPage ? data.webhookSubscriptions.pageInfo.endCursor : null;
  } while (after);
  return all;
}

async function deleteSubscription(graphql: ShopifyGraphql, id: string): Promise<void> {
  const { data } = await graphql.request<{
    webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string | null; userErrors: UserError[] };
  }>({
    operation: 'WebhookDelete',
    query: WEBHOOK_DELETE_MUTATION,
    variables: { id },
    estimatedCost: MUTATION_COST,
  });
  const result = data.webhookSubscriptionDelete;
  // "does not exist" means someone (or Shopify, after failed deliveries) removed it already: the goal is met.
  const real = result.userErrors.filter((error) => !/does not exist|not found/i.test(error.message));
  if (real.length > 0) {
    throw new PermanentError(`Shopify refused to delete webhook ${id}: ${real.map((e) => e.message).join('; ')}`, {
      code: 'SHOPIFY_WEBHOOK_REJECTED',
    });
  }
}

export async function registerWebhooks(graphql: ShopifyGraphql, log: Logger, callbackUrl: string): Promise<WebhookRegistration[]> {
  const existing = await listSubscriptions(graphql);
  const registrations: WebhookRegistration[] = [];
  const created: string[] = [];
  try {
    for (const [enumTopic, topic] of Object.entries(SUBSCRIBED_TOPICS)) {
      const found = existing.find((node) => node.topic === enumTopic && node.uri === callbackUrl);
      if (found) {
        registrations.push({ id: found.id, topic, address: callbackUrl });
        continue;
      }
      const { data } = await graphql.request<{
        webhookSubscriptionCreate: { webhookSubscription: SubscriptionNode | null; userErrors: UserError[] };
      }>({
        operation: 'WebhookCreate',
        query: WEBHOOK_CREATE_MUTATION,
        variables: { topic: enumTopic, uri: callbackUrl },
        estimatedCost: MUTATION_COST,
      });
      const { webhookSubscription, userErrors } = data.webhookSubscriptionCreate;
      if (!webhookSubscription) {
        const reason = userErrors.map((error) => error.message).join('; ') || 'no reason given';
        throw new PermanentError(`Shopify refused the ${topic} webhook: ${reason}`, {
          code: 'SHOPIFY_WEBHOOK_REJECTED',
          context: { topic },
        });
      }
      created.push(webhookSubscription.id);
      registrations.push({ id: webhookSubscription.id, topic, address: callbackUrl });
    }
  } catch (error) {
    for (const id of created) {
      await deleteSubscription(graphql, id).catch((undoError: unknown) =>
        log.warn({ webhookId: id, err: (undoError as Error).message }, 'could not remove a webhook while undoing a failed registration'),
      );
    }
    throw error;
  }
  log.info({ created: created.length, reused: registrations.length - created.length }, 'Shopify webhooks registered');
  return registrations;
}

export async function unregisterWebhooks(graphql: ShopifyGraphql, registrations: WebhookRegistration[]): Promise<void> {
  for (const registration of registrations) await deleteSubscription(graphql, registration.id);
}
