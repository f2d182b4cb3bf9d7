// A small TCP proxy for fault injection: put it between the service and PostgreSQL or Redis, then
// cut, block or delay the traffic (tc netem and toxiproxy are not available here).
import net from 'node:net';

export type TcpProxy = {
  port: number;
  /** Refuse new connections and destroy open ones. */
  cut(): void;
  /** Accept and forward again. */
  restore(): void;
  /** Accept connections but forward nothing (a hung server). */
  blackhole(): void;
  /** Added delay per chunk, in milliseconds. */
  setLatencyMs(ms: number): void;
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'forward' | 'cut' | 'blackhole' = 'forward';
  let latencyMs = 0;
  const sockets = new Set<net.Socket>();
  const relay = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (mode === 'blackhole') return;
      if (latencyMs > 0) setTimeout(() => to.write(chunk), latencyMs);
      else to.write(chunk);
    });
  };
  const server = net.createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    relay(client, upstream);
    relay(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const destroyAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port,
    cut() {
      mode = 'cut';
      destroyAll();
    },
    restore() {
      mode = 'forward';
    },
    blackhole() {
      mode = 'blackhole';
    },
    setLatencyMs(ms) {
      latencyMs = ms;
    },
    close() {
      destroyAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
