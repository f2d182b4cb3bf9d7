// Driving and watching a whole stack from tests: start `npm run demo` as a real child process (in a
// process group of its own, as a terminal would), read what it printed, read a SKU through the API,
// add up a SKU across the simulated stores, and check that nothing is left running afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { ApiClient } from '../../src/demo/api-client.js';
import { SHOP_DOMAIN, type Simulators } from '../../src/demo/simulators.js';
import { waitFor } from './fixtures.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type SkuChannel = {
  connectionId: string;
  kind: 'shopify' | 'woocommerce';
  externalLocationId: string;
  target: number | null;
  lastPushed: number | null;
  lastSeen: number | null;
  status: string;
};
export type SkuReading = {
  sku: string;
  availableToSell: number | null;
  channels: SkuChannel[];
  timeline: { type: string; summary: string }[];
};

export const readSku = (api: ApiClient, sku: string) => api.get<SkuReading>(`/api/v1/skus/${encodeURIComponent(sku)}`);

/** Every store location of the SKU shows its target (what the first resync leaves behind). */
export const allInSync = (reading: SkuReading, slots: number) =>
  reading.channels.length === slots &&
  reading.channels.every((channel) => channel.status === 'in_sync' && channel.lastSeen === channel.target);

/** Units of a SKU available across the Shopify store's locations, as the simulator holds them. */
export function shopifyAvailable(simulators: Simulators, sku: string): number {
  return simulators.shopify.control.levels(SHOP_DOMAIN, sku).reduce((sum, level) => sum + level.available, 0);
}

export function wooStock(simulators: Simulators, sku: string): number {
  return simulators.woocommerce.control.item({ sku }).stockQuantity ?? 0;
}

/** Processes whose process group is `groupId` (after the group leader exits, its children keep the group). */
export function processGroupMembers(groupId: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name: state, ppid, pgrp, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === groupId && fields[0] !== 'Z') members.push(pid);
    } catch {
      // ended between listing and reading
    }
  }
  return members;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ports (of those given) that a socket is listening on, from the kernel's tables: connecting to
 * find out would not do here, as nock's interceptors answer every connect in a test process.
 */
export function portsStillListening(ports: number[]): number[] {
  const listening = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local) listening.add(Number.parseInt(local.split(':').at(-1) ?? '', 16));
    }
  }
  return ports.filter((port) => listening.has(port));
}

export const portOf = (url: string) => Number(new URL(url).port);

/** Until no event or push job is running or waiting (so a worker can be killed between jobs). */
export async function waitForIdleQueues(redisUrl: string, prefix: string, timeoutMs = 30_000): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = ['events', 'pushes'].map((name) => new Queue(name, { connection, prefix }));
  try {
    await waitFor(
      async () => {
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized')));
        return counts.every((count) => Object.values(count).every((value) => value === 0));
      },
      { timeoutMs, intervalMs: 100, what: 'idle event and push queues' },
    );
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    connection.disconnect();
  }
}

/** How many Redis keys live under a queue prefix. */
export async function countQueueKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

export type DemoProcess = {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with npm's exit code once the demo has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group (npm, the shell and node alike). */
  interrupt(): void;
  /** Last resort for a failed test: SIGKILL to every process of the group. */
  kill(): void;
};

export function startDemoProcess(env: Record<string, string>): DemoProcess {
  const child = spawn('npm', ['run', 'demo'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    // A group of its own, so the test can signal it as a terminal would and find what is left.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const groupId = child.pid as number;
  return {
    child,
    output: () => text,
    async waitForOutput(pattern, timeoutMs) {
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      try {
        return await waitFor(
          async () => {
            const match = pattern.exec(text);
            if (!match && ended) throw new Error(`the demo exited before printing ${pattern}`);
            return match;
          },
          { timeoutMs, intervalMs: 100, what: String(pattern) },
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; the demo printed:\n${text}`);
      }
    },
    exited,
    interrupt: () => process.kill(-groupId, 'SIGINT'),
    kill() {
      for (const pid of processGroupMembers(groupId)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
