// A minimal client for stockbridge's own JSON API with an API token, as automation would use it.
// The stack connects stores through it (the documented path), and tests read SKUs with it.

export class ApiCallError extends Error {
  readonly code = 'DEMO_API_CALL_FAILED';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export type ApiClient = {
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
};

export function createApiClient(options: { baseUrl: string; token: string; timeoutMs?: number }): ApiClient {
  async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiCallError(response.status, `${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }
  return { request, get: (path) => request('GET', path) };
}
