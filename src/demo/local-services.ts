// The demo needs PostgreSQL and Redis. It uses the ones on their default ports when they answer;
// otherwise, when their programs are installed, it starts private throwaway instances in a temporary
// folder on free ports and removes them on exit; otherwise it says exactly what is missing.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type LocalService = { url: string; stop: () => Promise<void>; private: boolean };

const INSTALL_HINT = `Install them, or run everything in containers:
  Debian/Ubuntu:  sudo apt-get install postgresql redis-server
  macOS:          brew install postgresql@15 redis && brew services start postgresql@15 && brew services start redis
  Docker:         docker compose up postgres redis   (then npm run demo again)`;

export class MissingServiceError extends Error {
  readonly code = 'DEMO_SERVICE_MISSING';
  constructor(what: string) {
    super(`${what}\n${INSTALL_HINT}`);
    this.name = 'MissingServiceError';
  }
}

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function findProgram(name: string): string | null {
  const candidates = (process.env.PATH ?? '').split(':').map((dir) => path.join(dir, name));
  for (const root of ['/usr/lib/postgresql', '/opt/homebrew/opt', '/usr/local/opt']) {
    if (!existsSync(root)) continue;
    for (const version of readdirSync(root).sort().reverse()) candidates.push(path.join(root, version, 'bin', name));
  }
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

async function waitForPort(port: number, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await portAnswers(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start on port ${port}`);
}

/** PostgreSQL refuses to run as root: run its programs as the `postgres` user when we are root. */
function asPostgresUser(program: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
}

function postgresRunning(pgCtl: string, data: string): boolean {
  const [program, args] = asPostgresUser(pgCtl, ['-D', data, 'status']);
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { status?: number }).status !== 3;
  }
}

export async function ensurePostgres(defaultUrl: string): Promise<LocalService> {
  const url = new URL(defaultUrl);
  if (await portAnswers(Number(url.port || 5432), url.hostname)) return { url: defaultUrl, stop: async () => {}, private: false };
  const initdb = findProgram('initdb');
  const pgCtl = findProgram('pg_ctl');
  if (!initdb || !pgCtl) throw new MissingServiceError(`PostgreSQL is not answering at ${url.host} and initdb/pg_ctl are not installed.`);
  const dir = mkdtempSync(path.join(tmpdir(), 'stockbridge-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const [initProgram, initArgs] = asPostgresUser(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  execFileSync(initProgram, initArgs, { stdio: 'ignore' });
  const [ctlProgram, ctlArgs] = asPostgresUser(pgCtl, [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    '-l',
    path.join(dir, 'log'),
    'start',
  ]);
  execFileSync(ctlProgram, ctlArgs, { stdio: 'ignore' });
  await waitForPort(port, 'private PostgreSQL');
  url.port = String(port);
  url.hostname = '127.0.0.1';
  return {
    url: url.toString(),
    private: true,
    async stop() {
      const [stopProgram, stopArgs] = asPostgresUser(pgCtl, ['-D', data, '-m', 'fast', 'stop']);
      try {
        execFileSync(stopProgram, stopArgs, { stdio: 'ignore' });
      } catch (error) {
        // Ctrl-C in a terminal reaches the postmaster too (it shares our process group) and makes
        // it shut down on its own; "not running" (pg_ctl status exits 3) is then the goal reached.
        if (postgresRunning(pgCtl, data)) throw error;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function ensureRedis(defaultUrl: string): Promise<LocalService> {
  const url = new URL(defaultUrl);
  if (await portAnswers(Number(url.port || 6379), url.hostname)) return { url: defaultUrl, stop: async () => {}, private: false };
  const server = findProgram('redis-server');
  if (!server) throw new MissingServiceError(`Redis is not answering at ${url.host} and redis-server is not installed.`);
  const dir = mkdtempSync(path.join(tmpdir(), 'stockbridge-redis-'));
  const port = await freePort();
  // Detached: Ctrl-C must not stop Redis under the running service; stop() does, after it closed.
  const child: ChildProcess = spawn(
    server,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, 'private Redis');
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    async stop() {
      // Resolve only once it has exited: its port is free and its folder unused.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
