// npm run bench -- <name> [args…] runs bench/<name>.ts; with no name, every bench here in turn.
// Each bench module exports `run(context): Promise<BenchReport>`. This file writes the report's
// results to bench/results/<name>.json (git-ignored; other tools read the field names) and prints
// its table. Adding a bench is adding a file: nothing here lists them.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type BenchContext = {
  /** Arguments after the bench name. */
  args: string[];
  /** Progress lines (stderr), so stdout carries only the tables. */
  log: (line: string) => void;
};

export type BenchReport = {
  /** Written as bench/results/<name>.json. */
  results: Record<string, unknown>;
  /** Printed as a two-column table. */
  table: [label: string, value: string | number][];
};

type BenchModule = { run: (context: BenchContext) => Promise<BenchReport> };

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const NAME = /^[a-z][a-z0-9-]*$/;

async function availableBenches(): Promise<string[]> {
  const files = await readdir(BENCH_DIR);
  return files
    .filter((file) => file.endsWith('.ts') && file !== 'main.ts')
    .map((file) => file.slice(0, -'.ts'.length))
    .filter((name) => NAME.test(name))
    .sort();
}

function printTable(name: string, rows: BenchReport['table']): void {
  const width = Math.max(...rows.map(([label]) => label.length), 10);
  process.stdout.write(`\n${name}\n${'-'.repeat(width + 20)}\n`);
  for (const [label, value] of rows) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
}

async function runBench(name: string, args: string[]): Promise<void> {
  const module = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.ts`)).href)) as Partial<BenchModule>;
  if (typeof module.run !== 'function') throw new Error(`bench/${name}.ts does not export run(context)`);
  const report = await module.run({ args, log: (line) => process.stderr.write(`[${name}] ${line}\n`) });
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  await writeFile(file, `${JSON.stringify({ bench: name, at: new Date().toISOString(), ...report.results }, null, 2)}\n`);
  printTable(name, report.table);
  process.stdout.write(`(written to ${path.relative(process.cwd(), file)})\n`);
}

const [name, ...args] = process.argv.slice(2);
const benches = await availableBenches();
if (name !== undefined && !benches.includes(name)) {
  process.stderr.write(`unknown bench "${name}"; available: ${benches.join(', ') || '(none)'}\n`);
  process.exit(2);
}
for (const bench of name === undefined ? benches : [name]) await runBench(bench, args);
