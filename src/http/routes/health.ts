// Liveness, readiness and Prometheus metrics for whoever runs the server.
import type { FastifyInstance } from 'fastify';
import { UnavailableError } from '../../errors.js';
import type { HttpServices } from '../services.js';

export function healthRoutes(app: FastifyInstance, services: HttpServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await services.checkReady();
    } catch (error) {
      throw new UnavailableError(error instanceof Error ? error.message : 'not ready');
    }
    return { status: 'ready' };
  });

  app.get('/metrics', async (_request, reply) => {
    const { registry } = services.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
