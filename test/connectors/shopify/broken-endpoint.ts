// Loopback endpoints that fail at the socket, for the failures nock cannot produce with fetch:
// refused connections, dropped connections, silence (timeouts) and plain HTTP where TLS is expected.
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';

export type BrokenBehaviour = 'refused' | 'reset' | 'silent' | 'plain';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startBrokenEndpoint(behaviour: BrokenBehaviour): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server =
    behaviour === 'plain'
      ? createHttpServer((_request, response) => response.end('plain http'))
      : createServer((socket) => {
          sockets.add(socket);
          if (behaviour === 'reset') socket.destroy();
        });
  server.on('connection', (socket: Socket) => sockets.add(socket));
  const port = await listen(server);
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  if (behaviour === 'refused') await close(); // the port is now known to be free: connecting is refused
  const scheme = behaviour === 'plain' ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${port}`, close: behaviour === 'refused' ? async () => {} : close };
}
