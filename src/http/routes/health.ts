// Liveness, readiness and Prometheus metrics for whoever runs the server.
import type { FastifyInstance } from 'fastify';
import { UnavailableError } from '../../errors.js';
import { bearerTokenHook } from '../bearer-token.js';
import { errorResponses } from '../error-responses.js';
import { METRICS_BEARER } from '../openapi.js';
import { answer } from '../schemas.js';
import type { HttpServices } from '../services.js';

function statusReply(status: string, description: string) {
  return answer(description, {
    type: 'object',
    required: ['status'],
    properties: { status: { const: status } },
  });
}

const healthSchema = {
  summary: 'The process is alive',
  tags: ['operations'],
  response: { 200: statusReply('ok', 'alive'), ...errorResponses() },
};

const readySchema = {
  summary: 'Storage and bus can be reached',
  tags: ['operations'],
  response: { 200: statusReply('ready', 'ready'), ...errorResponses() },
};

const metricsSchema = {
  summary: 'Prometheus metrics',
  description:
    'Needs `Authorization: Bearer <METRICS_TOKEN>`; without that setting, nobody gets in.',
  tags: ['operations'],
  security: METRICS_BEARER,
  response: {
    200: {
      description: 'Prometheus text exposition',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
    ...errorResponses('unauthorized'),
  },
};

export function healthRoutes(app: FastifyInstance, services: HttpServices): void {
  app.get('/healthz', { schema: healthSchema }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: readySchema }, async (request) => {
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
    { onRequest: bearerTokenHook(services.metricsToken), schema: metricsSchema },
    async (_request, reply) => {
      const { registry } = services.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
