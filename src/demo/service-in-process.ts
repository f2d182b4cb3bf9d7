// The service as `npm start` runs it, but inside the caller's process: API and workers on one set of
// services. The demo and most end-to-end tests use this; it starts fast and shares one log.
import { startWorkerProcess } from '../../workers/start.js';
import { createServices, type ServiceOverrides, type Services } from '../app/services.js';
import type { Config } from '../config/config.js';
import { buildServer } from '../http/server.js';

export type InProcessService = {
  mode: 'in-process';
  /** Where this process's API listens (the same as PUBLIC_URL here). */
  apiUrl: string;
  services: Services;
  close(): Promise<void>;
};

export async function startServiceInProcess(config: Config, overrides: ServiceOverrides = {}): Promise<InProcessService> {
  const services = await createServices(config, overrides);
  let app: Awaited<ReturnType<typeof buildServer>> | undefined;
  let worker: ReturnType<typeof startWorkerProcess> | undefined;
  // Same order as src/main.ts on SIGTERM: stop taking requests, let jobs finish, close pools.
  const close = async () => {
    await app?.close();
    await worker?.close();
    await services.close();
  };
  try {
    app = await buildServer(services);
    worker = startWorkerProcess(services);
    await app.listen({ port: config.port, host: config.host }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new Error(`port ${config.port} is already in use: set PORT to a free port`);
      throw error;
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { mode: 'in-process', apiUrl: `http://127.0.0.1:${config.port}`, services, close };
}
