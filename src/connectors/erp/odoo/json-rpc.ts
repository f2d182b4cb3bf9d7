// Odoo's external JSON-RPC API: POST /jsonrpc with `common.authenticate(db, login, key, {})` for the
// user id, then `object.execute_kw(db, uid, key, model, method, args, kwargs)` (platform-apis.md §7).
// JSON-RPC rather than JSON-2 because it answers on every supported Odoo (JSON-2 is 19+ only); it is
// deprecated in 19 and scheduled for removal no earlier than Odoo 20/22, which the client's small
// surface (this file) makes easy to swap.
//
// Credentials: `apiKey` carries the Odoo login (user name or e-mail) and `apiSecret` the user's API
// key (or password), because authenticate needs both and a connection stores exactly these two.
import { z } from 'zod';
import { ConnectorError, PermanentError, RetryableError } from '../../errors.js';
import type { ErpHttp } from '../erp-http.js';

const RpcResponse = z.union([
  z.object({ result: z.unknown() }),
  z.object({
    error: z.object({
      code: z.number().optional(),
      message: z.string().optional(),
      data: z.object({ name: z.string().optional(), message: z.string().optional() }).partial().optional(),
    }),
  }),
]);

export type OdooRpc = {
  executeKw<T extends z.ZodType>(call: {
    model: string;
    method: string;
    args: unknown[];
    kwargs?: Record<string, unknown>;
    result: T;
  }): Promise<z.infer<T>>;
  authenticate(): Promise<number>;
};

export function createOdooRpc(deps: {
  http: ErpHttp;
  database: string | undefined;
  login: string | undefined;
  key: string | undefined;
}): OdooRpc {
  let uid: Promise<number> | undefined;
  let nextId = 1;

  async function call(service: 'common' | 'object', method: string, args: unknown[]): Promise<unknown> {
    const id = nextId++;
    const response = await deps.http.request({
      method: 'POST',
      path: '/jsonrpc',
      body: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id },
    });
    const parsed = RpcResponse.safeParse(response.body);
    if (!parsed.success) {
      throw new PermanentError('Odoo answered /jsonrpc with something that is not a JSON-RPC reply', { code: 'ERP_INVALID_RESPONSE' });
    }
    if ('error' in parsed.data) throw errorFromRpc(parsed.data.error, `${service}.${method}`);
    return parsed.data.result;
  }

  function credentials(): { database: string; login: string; key: string } {
    if (!deps.database) {
      throw new PermanentError('Odoo needs the database name (settings.database)', { code: 'ODOO_DATABASE_REQUIRED' });
    }
    if (!deps.login || !deps.key) {
      throw new PermanentError('Odoo needs a login (apiKey) and an API key (apiSecret)', { code: 'ERP_AUTH_FAILED' });
    }
    return { database: deps.database, login: deps.login, key: deps.key };
  }

  async function authenticate(): Promise<number> {
    const { database, login, key } = credentials();
    const result = await call('common', 'authenticate', [database, login, key, {}]);
    if (typeof result !== 'number') {
      // authenticate answers `false` for a wrong login or key, not an error.
      throw new PermanentError('Odoo refused the login and API key', { code: 'ERP_AUTH_FAILED' });
    }
    return result;
  }

  /** The user id, fetched once and kept until Odoo refuses it. */
  function userId(): Promise<number> {
    uid ??= authenticate().catch((error: unknown) => {
      uid = undefined;
      throw error;
    });
    return uid;
  }

  return {
    authenticate: userId,

    async executeKw({ model, method, args, kwargs, result }) {
      const { database, key } = credentials();
      const user = await userId();
      try {
        const raw = await call('object', 'execute_kw', [database, user, key, model, method, args, kwargs ?? {}]);
        const parsed = result.safeParse(raw);
        if (!parsed.success) {
          throw new PermanentError(`Odoo's ${model}.${method} answer did not have the expected shape`, {
            code: 'ERP_INVALID_RESPONSE',
            context: { model, method, paths: parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.')) },
          });
        }
        return parsed.data;
      } catch (error) {
        // A revoked key: authenticate again next time instead of reusing the cached uid.
        if (error instanceof ConnectorError && error.code === 'ERP_AUTH_FAILED') uid = undefined;
        throw error;
      }
    },
  };
}

type RpcError = { code?: number | undefined; message?: string | undefined; data?: { name?: string; message?: string } | undefined };

/** Odoo puts the Python exception class in error.data.name. */
export function errorFromRpc(error: RpcError, call: string): ConnectorError {
  const name = error.data?.name ?? '';
  const text = (error.data?.message ?? error.message ?? 'unknown error').split('\n')[0]?.slice(0, 300) ?? '';
  const message = `Odoo ${call} failed: ${name ? `${name}: ` : ''}${text}`;
  const details = { context: { call, exception: name } };
  if (name === 'odoo.exceptions.AccessDenied') return new PermanentError(message, { ...details, code: 'ERP_AUTH_FAILED' });
  if (name === 'odoo.exceptions.AccessError') return new PermanentError(message, { ...details, code: 'ERP_FORBIDDEN' });
  if (name === 'odoo.exceptions.MissingError') return new PermanentError(message, { ...details, code: 'ODOO_MISSING_RECORD' });
  if (name.startsWith('odoo.exceptions.')) return new PermanentError(message, { ...details, code: 'ODOO_USER_ERROR' });
  if (name.startsWith('psycopg2.')) {
    if (/database .* does not exist/i.test(text)) return new PermanentError(message, { ...details, code: 'ODOO_DATABASE_NOT_FOUND' });
    // Serialization failures and lost connections inside Odoo: the same call later usually succeeds.
    return new RetryableError(message, { ...details, code: 'ODOO_DATABASE_ERROR' });
  }
  // Python errors from a call Odoo did not expect (unknown model or method, bad arguments) repeat on retry.
  return new PermanentError(message, { ...details, code: 'ODOO_RPC_ERROR' });
}
