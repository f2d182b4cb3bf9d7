// Process helpers for benches: spawn and stop servers, find a free port, and read how much CPU a
// process (or every process of a name) has used, from /proc, to say where the time went.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** CPU seconds used so far by the processes whose command name matches. */
export function cpuSecondsOf(match: (comm: string, pid: number) => boolean): Map<number, number> {
  const ticks = 100; // USER_HZ on Linux
  const seen = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!match(comm, pid)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // the process ended between listing and reading
    }
  }
  return seen;
}

export const cpuDelta = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0);

export function startProcess(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  // The child prints "listening on <port>" on stdout once it accepts connections.
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`process exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const port = /listening on (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A port nobody listens on right now (other processes on this machine use fixed ones). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitUntilReady(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('API never became ready');
}
