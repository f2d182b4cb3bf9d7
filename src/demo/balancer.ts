// A tiny TCP round-robin balancer in front of several API processes, so PUBLIC_URL (where the
// simulators send webhooks and where tests call the API) stays one address while API processes are
// killed and restarted. A connection to a dead process is refused at once, so the next one is tried.
import net from 'node:net';

export type Balancer = { port: number; close(): Promise<void> };

export async function startBalancer(options: { port: number; upstreams: () => number[] }): Promise<Balancer> {
  let cursor = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = net.createServer((client) => {
    track(client);
    // Hold what the client sends until an upstream accepts; pipe() resumes the flow.
    client.pause();
    client.on('error', () => client.destroy());
    const ports = options.upstreams();
    const attempt = (tried: number) => {
      if (client.destroyed) return;
      if (tried >= ports.length) {
        client.destroy();
        return;
      }
      const port = ports[cursor++ % ports.length] as number;
      const upstream = net.connect(port, '127.0.0.1');
      track(upstream);
      const refused = () => {
        upstream.destroy();
        attempt(tried + 1);
      };
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        upstream.on('error', () => client.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    attempt(0);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${options.port} is already in use: set PORT to a free port`) : error),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
