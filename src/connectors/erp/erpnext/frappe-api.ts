// The few Frappe REST calls the ERPNext connector makes, over the shared ERP HTTP layer.
// List calls always pass limit_page_length: Frappe's default page is small (20) and silently
// truncates otherwise (platform-apis.md §7).
import type { z } from 'zod';
import type { ErpHttp } from '../erp-http.js';
import { parseErpBody } from '../erp-http.js';
import { FrappeDocument, FrappeMessage, listOf } from './map.js';

export type FrappeFilter = [string, string, unknown];

export type FrappeListQuery = {
  fields: string[];
  filters?: FrappeFilter[];
  orderBy?: string;
  start?: number;
  pageLength: number;
};

export type FrappeApi = ReturnType<typeof createFrappeApi>;

export function createFrappeApi(http: ErpHttp) {
  const resource = (doctype: string) => `/api/resource/${encodeURIComponent(doctype)}`;
  return {
    async list<T extends z.ZodType>(doctype: string, row: T, query: FrappeListQuery): Promise<z.infer<T>[]> {
      const response = await http.request({
        method: 'GET',
        path: resource(doctype),
        query: {
          fields: JSON.stringify(query.fields),
          filters: query.filters && query.filters.length > 0 ? JSON.stringify(query.filters) : undefined,
          order_by: query.orderBy,
          limit_start: query.start ?? 0,
          limit_page_length: query.pageLength,
        },
      });
      return parseErpBody(listOf(row), response.body, `${doctype} list`).data;
    },

    async method<T extends z.ZodType>(dottedPath: string, message: T): Promise<z.infer<T>> {
      const response = await http.request({ method: 'GET', path: `/api/method/${dottedPath}` });
      return (parseErpBody(FrappeMessage(message), response.body, dottedPath) as { message: z.infer<T> }).message;
    },

    async insert(doctype: string, doc: Record<string, unknown>) {
      const response = await http.request({ method: 'POST', path: resource(doctype), body: doc });
      return parseErpBody(FrappeDocument, response.body, `${doctype} insert`).data;
    },

    async update(doctype: string, name: string, values: Record<string, unknown>) {
      const response = await http.request({ method: 'PUT', path: `${resource(doctype)}/${encodeURIComponent(name)}`, body: values });
      return parseErpBody(FrappeDocument, response.body, `${doctype} update`).data;
    },
  };
}
