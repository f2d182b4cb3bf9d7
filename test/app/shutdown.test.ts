// Graceful shutdown: a job running when the worker is told to stop finishes (it is not lost), and
// a real `npm start` process exits cleanly on SIGTERM after answering /readyz.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { expect } from 'vitest';
import { createWorkerRedis } from '../../src/queue/redis.js';
import { startWorkers } from '../../workers/runtime.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

test('a job in flight when the worker stops is finished, not lost', async ({ services }) => {
  const connection = createWorkerRedis(services.config.redis, 'test-worker');
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = false;
  let finished = 0;
  const runtime = startWorkers({
    connection,
    prefix: services.config.queuePrefix,
    handlers: {
      'inbox.relay': async () => {
        started = true;
        await gate;
        finished += 1;
      },
    },
    concurrency: { maintenance: 1 },
    log: services.log,
    metrics: services.metrics,
  });
  const jobId = await services.queues.add('inbox.relay', {});
  await waitFor(async () => started, { what: 'job started' });
  const closing = runtime.close();
  // The worker waits for the running job instead of abandoning it.
  setTimeout(release, 200);
  await closing;
  expect(finished).toBe(1);
  const queue = new Queue('maintenance', { connection, prefix: services.config.queuePrefix });
  expect(await (await queue.getJob(jobId))?.getState()).toBe('completed');
  await queue.close();
  await connection.quit();
});

test('npm start answers /readyz and exits 0 on SIGTERM', async ({ database }) => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      QUEUE_PREFIX: `test-shutdown-${port}`,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  try {
    await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        return response?.status === 200;
      },
      { timeoutMs: 20_000, what: 'readyz 200' },
    );
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(output).toContain('shutting down');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
