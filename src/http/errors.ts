// Errors the HTTP layer knows how to answer. Domain modules throw these (or return outcomes);
// the error plugin maps each code to a status exactly once.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'BAD_REQUEST', message, details);
export const conflict = (message: string) => new HttpError(409, 'CONFLICT', message);
