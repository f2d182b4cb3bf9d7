// Collection parameters shared by the list endpoints: page/per_page with X-WP-Total and
// X-WP-TotalPages (and a Link header), orderby/order, and modified_after with dates_are_gmt.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { wooError } from './resources.js';

export type Query = Record<string, string | undefined>;
export class RestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const invalidParam = (name: string) => new RestError('rest_invalid_param', `Invalid parameter(s): ${name}`, 400);

export function sendRestError(reply: FastifyReply, error: RestError) {
  return reply.code(error.status).send(wooError(error.code, error.message, error.status));
}

/** Wraps a route handler so a thrown RestError becomes WooCommerce's `{ code, message, data }` body. */
export const restHandler =
  (handler: (request: FastifyRequest, reply: FastifyReply) => unknown) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      if (error instanceof RestError) return sendRestError(reply, error);
      throw error;
    }
  };

function integer(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParam(name);
  return value;
}

/** WordPress's rest_parse_date; without a zone the value is GMT when dates_are_gmt is true, else site time (UTC here). */
export function modifiedAfter(query: Query): Date | null {
  const raw = query['modified_after'];
  if (!raw) return null;
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(raw)) throw invalidParam('modified_after');
  const date = new Date(/Z|[+-]\d{2}(:?\d{2})?$/.test(raw) ? raw : `${raw.replace(' ', 'T')}Z`);
  if (Number.isNaN(date.getTime())) throw invalidParam('modified_after');
  // post_modified_gmt holds whole seconds, and the comparison is strictly "after".
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

type Sortable = { id: number; createdAt: Date; modifiedAt: Date };

export function sortFor<T extends Sortable>(query: Query): (a: T, b: T) => number {
  const orderby = query['orderby'] ?? 'date';
  const order = query['order'] ?? 'desc';
  if (!['date', 'id', 'modified', 'include', 'title', 'slug'].includes(orderby)) throw invalidParam('orderby');
  if (order !== 'asc' && order !== 'desc') throw invalidParam('order');
  const key = (item: T) => (orderby === 'date' ? item.createdAt.getTime() : orderby === 'modified' ? item.modifiedAt.getTime() : item.id);
  const direction = order === 'asc' ? 1 : -1;
  return (a, b) => (key(a) - key(b) || a.id - b.id) * direction;
}

/** One page of `items`; sets the pagination headers the way WP_REST controllers do. */
export function paginate<T>(items: T[], query: Query, reply: FastifyReply, url: string): T[] {
  const perPage = integer(query, 'per_page', 10, 1, 100);
  const page = integer(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const totalPages = Math.ceil(items.length / perPage);
  reply.header('X-WP-Total', String(items.length));
  reply.header('X-WP-TotalPages', String(totalPages));
  const links: string[] = [];
  const linkTo = (target: number) => {
    const next = new URL(url);
    next.searchParams.set('page', String(target));
    for (const name of [...next.searchParams.keys()]) if (name.startsWith('oauth_')) next.searchParams.delete(name);
    return next.toString();
  };
  if (page > 1) links.push(`<${linkTo(Math.min(page - 1, Math.max(totalPages, 1)))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${linkTo(page + 1)}>; rel="next"`);
  if (links.length > 0) reply.header('Link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}
