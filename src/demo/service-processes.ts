// The service as it is deployed: N API processes (`src/main.ts --api`) behind one address and M
// worker processes (`workers/main.ts`), each a real child process with its environment passed
// explicitly. Chaos tests SIGKILL them and start them again; close() leaves none behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { startBalancer } from './balancer.js';
import { freePort } from './local-services.js';

export type ServiceProcess = {
  kind: 'api' | 'worker';
  name: string;
  readonly pid: number | undefined;
  /** The API process's own port (null for workers). */
  readonly port: number | null;
  readonly running: boolean;
  /** Its most recent output lines (stdout and stderr), oldest first. */
  output(): string[];
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the current run has exited. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts it again (after it exited) and waits until it is ready. */
  restart(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
  stop(graceMs?: number): Promise<void>;
};

export type ServiceProcesses = {
  mode: 'processes';
  /** The balancer in front of the API processes (the same as PUBLIC_URL). */
  apiUrl: string;
  api: ServiceProcess[];
  workers: ServiceProcess[];
  close(): Promise<void>;
};

export type ServiceProcessesOptions = {
  /** The project root (where node_modules/tsx is). */
  root: string;
  /** The whole environment of every child; nothing is inherited besides PATH and HOME. */
  env: Record<string, string>;
  publicPort: number;
  api: number;
  workers: number;
  /** Worker processes connected to the queues right now (BullMQ's getWorkersCount). */
  countWorkers: () => Promise<number>;
  readyTimeoutMs?: number;
};

const OUTPUT_LINES = 300;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function apiReady(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

type Member = { handle: ServiceProcess; start(): Promise<void> };

function createServiceProcess(options: ServiceProcessesOptions, kind: 'api' | 'worker', index: number, port: number | null): Member {
  const name = `${kind}-${index + 1}`;
  const lines: string[] = [];
  let child: ChildProcess | null = null;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  const args = kind === 'api' ? ['--import', 'tsx', 'src/main.ts', '--api'] : ['--import', 'tsx', 'workers/main.ts'];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  if (port !== null) env.PORT = String(port);

  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(`${name}: ${line}`);
    if (lines.length > OUTPUT_LINES) lines.splice(0, lines.length - OUTPUT_LINES);
  };
  const running = () => child !== null && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    const workersBefore = kind === 'worker' ? await options.countWorkers() : 0;
    const started = spawn(process.execPath, args, { cwd: options.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', remember);
    started.stderr?.on('data', remember);
    exit = new Promise((resolve) => started.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`${name} exited before it was ready (${started.exitCode ?? started.signalCode}):\n${lines.slice(-20).join('\n')}`);
      }
      const ready = port !== null ? await apiReady(port) : (await options.countWorkers()) > workersBefore;
      if (ready) return;
      if (Date.now() > deadline) {
        started.kill('SIGKILL');
        await exit;
        throw new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${lines.slice(-20).join('\n')}`);
      }
      await delay(100);
    }
  }

  const handle: ServiceProcess = {
    kind,
    name,
    get pid() {
      return child?.pid;
    },
    port,
    get running() {
      return running();
    },
    output: () => [...lines],
    kill: (signal = 'SIGKILL') => {
      if (running()) child?.kill(signal);
    },
    exited: () => exit,
    async restart() {
      if (running()) throw new Error(`${name} is still running: kill or stop it first`);
      await start();
    },
    async stop(graceMs = 15_000) {
      if (!running()) return;
      child?.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  return { handle, start };
}

export async function startServiceProcesses(options: ServiceProcessesOptions): Promise<ServiceProcesses> {
  const apiPorts = await Promise.all(Array.from({ length: options.api }, () => freePort()));
  const api = apiPorts.map((port, index) => createServiceProcess(options, 'api', index, port));
  const workers = Array.from({ length: options.workers }, (_, index) => createServiceProcess(options, 'worker', index, null));
  const balancer = await startBalancer({
    port: options.publicPort,
    upstreams: () => api.filter(({ handle }) => handle.running).map(({ handle }) => handle.port as number),
  });
  const close = async () => {
    await Promise.all(api.map(({ handle }) => handle.stop()));
    await Promise.all(workers.map(({ handle }) => handle.stop()));
    await balancer.close();
  };
  try {
    // One at a time: a worker counts as ready once the queues see one more worker than before.
    for (const member of [...api, ...workers]) await member.start();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    mode: 'processes',
    apiUrl: `http://127.0.0.1:${balancer.port}`,
    api: api.map(({ handle }) => handle),
    workers: workers.map(({ handle }) => handle),
    close,
  };
}
