// npm start: API and workers in one process (small installs). `--api` runs only the API;
// `npm run start:worker` runs only workers (workers/main.ts).
import { startWorkerProcess } from '../workers/start.js';
import { onShutdownSignals, type Stoppable } from './app/lifecycle.js';
import { createServices } from './app/services.js';
import { loadConfig } from './config/config.js';
import { buildServer } from './http/server.js';

const apiOnly = process.argv.includes('--api');
const config = loadConfig();
const services = await createServices(config);
const app = await buildServer(services);
const worker = apiOnly ? null : startWorkerProcess(services);

const steps: Stoppable[] = [{ name: 'http', stop: () => app.close() }];
if (worker) steps.push({ name: 'workers', stop: () => worker.close() });
steps.push({ name: 'services', stop: () => services.close() });
onShutdownSignals({ log: services.log, graceMs: config.shutdownGraceMs, steps });

await app.listen({ port: config.port, host: config.host });
services.log.info({ port: config.port, workers: !apiOnly }, 'stockbridge started');
