// stockbridge's worker side of the reconcile bench, in a process of its own so its peak RSS is
// measured alone, with the heap the bench gives it (--max-old-space-size, as a container's memory
// limit would). Wired as npm run start:worker wires it, running the jobs a reconciliation uses.
// IPC with the bench: "ready" once started, then it answers "memory" and "close".
import { readFileSync } from 'node:fs';
import { createServices } from '../../src/app/services.js';
import { loadConfig } from '../../src/config/config.js';
import { createConnectorFactory } from '../../src/connections/create-connector-factory.js';
import { createJobHandlers } from '../../workers/processors.js';
import { startWorkerProcess } from '../../workers/start.js';

export type WorkerMemory = { peakRssMb: number; rssMb: number };

const services = await createServices(loadConfig());
// One knob differs from production: a 60 s per-request timeout instead of 15 s, because the Shopify
// simulator builds a 100k-variant bulk file synchronously and stops answering meanwhile (Shopify
// builds it in the background and answers status polls at once).
const connectorFactory = createConnectorFactory({
  cipher: services.cipher,
  redis: services.redis,
  keyPrefix: services.config.queuePrefix,
  guard: services.guard,
  log: services.log.child({ module: 'connector' }),
  metrics: services.metrics,
  shopifyApiVersion: services.config.shopifyApiVersion,
  timeoutMs: 60_000,
});
const all = createJobHandlers({ ...services, connectorFactory });
const workers = startWorkerProcess(
  { ...services, connectorFactory },
  { 'channel.push': all['channel.push'], 'reconciliation.run': all['reconciliation.run'] },
);

/** The kernel's high-water mark of this process's resident set (VmHWM), and the current one. */
function memory(): WorkerMemory {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

process.on('message', async (message: { type: string }) => {
  if (message.type === 'memory') process.send?.({ type: 'memory', memory: memory() });
  if (message.type === 'close') {
    await workers.close();
    await services.close();
    process.exit(0);
  }
});
process.send?.({ type: 'ready' });
