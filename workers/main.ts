// npm run start:worker: only the job processors, for scaling workers apart from the API.
import { onShutdownSignals } from '../src/app/lifecycle.js';
import { createServices } from '../src/app/services.js';
import { loadConfig } from '../src/config/config.js';
import { startWorkerProcess } from './start.js';

const config = loadConfig();
const services = await createServices(config);
const worker = startWorkerProcess(services);
onShutdownSignals({
  log: services.log,
  graceMs: config.shutdownGraceMs,
  steps: [
    { name: 'workers', stop: () => worker.close() },
    { name: 'services', stop: () => services.close() },
  ],
});
services.log.info({ concurrency: config.worker.concurrency }, 'stockbridge workers started');
