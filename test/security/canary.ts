// A loopback HTTP server that records every request it gets: the stand-in for whatever an SSRF
// would reach (a metadata service, an internal admin page). Listening on "::" it answers IPv4 and
// IPv6 loopback alike, so every spelling of "this machine" lands here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type Canary = { port: number; hits: string[]; close(): Promise<void> };

export async function startCanary(respond?: (request: IncomingMessage, response: ServerResponse) => void): Promise<Canary> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.headers.host}${request.url}`);
    if (respond) return respond(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('internal only');
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
