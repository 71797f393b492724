// Liveness, readiness and Prometheus metrics for whoever runs the server.
import type { FastifyInstance } from 'fastify';
import { UnavailableError } from '../../errors.js';
import { bearerTokenHook } from '../bearer-token.js';
import type { HttpServices } from '../services.js';

export function healthRoutes(app: FastifyInstance, services: HttpServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request) => {
    try {
      await services.checkReady();
    } catch (error) {
      // The cause may name hosts or users: it goes to the log, not to whoever asked.
      request.log.warn({ err: error }, 'not ready');
      throw new UnavailableError('storage or bus cannot be reached');
    }
    return { status: 'ready' };
  });

  app.get(
    '/metrics',
    { onRequest: bearerTokenHook(services.metricsToken) },
    async (_request, reply) => {
      const { registry } = services.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
