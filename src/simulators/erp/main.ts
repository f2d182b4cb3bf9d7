// Runs the generic-rest ERP simulator on its own: `tsx src/simulators/erp/main.ts`.
// ERP_SIM_PORT (default 4300), ERP_SIM_API_KEY (default sim-erp-key), and optionally
// ERP_SIM_WEBHOOK_URL + ERP_SIM_WEBHOOK_SECRET for signed stock.changed webhooks.
// Seed and steer it through /_sim/ (see control-routes.ts).
import { startErpSimulator } from './start-erp-simulator.js';

const env = process.env;
const simulator = await startErpSimulator({
  port: Number(env.ERP_SIM_PORT ?? 4300),
  host: env.ERP_SIM_HOST ?? '127.0.0.1',
  apiKey: env.ERP_SIM_API_KEY ?? 'sim-erp-key',
  webhookUrl: env.ERP_SIM_WEBHOOK_URL,
  webhookSecret: env.ERP_SIM_WEBHOOK_SECRET,
});
console.log(`ERP simulator listening on ${simulator.url} (control under ${simulator.url}/_sim/)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('ERP simulator did not close cleanly', error);
        process.exit(1);
      },
    );
  });
}
