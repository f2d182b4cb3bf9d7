// The control surface under /_sim/ (no auth: the simulator is a local stand-in). Each route is one
// call on the control object, so HTTP and in-process users see the same behaviour.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SimControl, SimControlError } from './control.js';

const WebhookTargetInput = z.object({ url: z.url(), secret: z.string().min(1) });

function send(reply: FastifyReply, result: object | SimControlError) {
  if ('error' in result) return reply.code(422).send(result);
  return reply.send(result);
}

export async function registerControlRoutes(app: FastifyInstance, control: SimControl): Promise<void> {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof z.ZodError) {
      return reply
        .code(400)
        .send({ error: { code: 'validation_failed', message: error.issues.map((issue) => issue.path.join('.')).join(', ') } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: { code: status < 500 ? 'validation_failed' : 'internal', message: (error as Error).message } });
  });

  app.post('/_sim/seed', async (request) => control.seed(request.body as never));
  app.post('/_sim/receipts', async (request, reply) => send(reply, control.receive(request.body as never)));
  app.put('/_sim/stock', async (request, reply) => send(reply, control.setStock(request.body as never)));
  app.get('/_sim/state', async () => control.state());
  app.get('/_sim/idempotency-log', async () => control.idempotencyLog());
  app.get('/_sim/knobs', async () => control.knobs());
  app.put('/_sim/knobs', async (request) => control.setKnobs((request.body ?? {}) as never));
  app.get('/_sim/calls', async () => ({ items: control.calls() }));
  app.get('/_sim/webhooks', async () => ({ items: control.webhookDeliveries() }));
  app.put('/_sim/webhook', async (request, reply) => {
    control.configureWebhook(WebhookTargetInput.parse(request.body));
    return reply.code(204).send();
  });
  app.delete('/_sim/webhook', async (_request, reply) => {
    control.configureWebhook(null);
    return reply.code(204).send();
  });
  app.post('/_sim/reset', async (_request, reply) => {
    control.reset();
    return reply.code(204).send();
  });
}
