// The Fastify instance: parsing, validation, errors, metrics, rate limits and every route.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { UnavailableError } from '../errors.js';
import { API_HEADERS } from '../response-headers.js';
import { useSessions } from './auth.js';
import { useJsonBodies } from './body.js';
import { clientErrorAnswer, errorServerOptions, useErrorHandler } from './error-handler.js';
import { loggerOptions } from './logging.js';
import { answerOtherMethods, recordRoutes } from './method-not-allowed.js';
import { useOpenApi } from './openapi.js';
import { accountRoutes } from './routes/accounts.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { roomRoutes } from './routes/rooms.js';
import { socketRoutes } from './routes/sockets.js';
import { userRoutes } from './routes/users.js';
import { webRoutes } from './routes/web.js';
import type { HttpServices } from './services.js';
import { useSchemaValidation } from './validation.js';

type HttpConfig = Pick<
  Config,
  | 'logLevel'
  | 'bodyLimitBytes'
  | 'trustProxy'
  | 'messageMaxChars'
  | 'httpHeadersTimeoutMs'
  | 'httpRequestTimeoutMs'
>;

/** How often Node looks for requests past their time: the timeouts hold to about a second. */
const TIMEOUT_CHECK_MS = 1000;

function useRequestMetrics(app: FastifyInstance, services: HttpServices): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    services.metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

function useApiHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(API_HEADERS);
  });
}

/** Requests refused by Node's parser never reach a route: counted here, slowloris included. */
function countRefusedRequests(app: FastifyInstance, services: HttpServices): void {
  app.server.on('clientError', (error: Error & { code?: string }) => {
    const answer = clientErrorAnswer(error);
    if (answer) services.metrics.refusedRequests.inc({ code: answer.code });
  });
}

function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new UnavailableError('the server is shutting down');
  });
}

export async function buildHttpServer(
  config: HttpConfig,
  services: HttpServices,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    http: {
      headersTimeout: config.httpHeadersTimeoutMs,
      // Fastify sets the server's requestTimeout from its own option (0, none, by default) after
      // creating it with `http`: both are needed.
      requestTimeout: config.httpRequestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    requestTimeout: config.httpRequestTimeoutMs,
    // Refused by refuseWhileClosing instead, so the 503 has the API's error body.
    return503OnClosing: false,
    ...errorServerOptions,
    // Any over-long `:id` is just not a room (422), not a 414: no route has a pattern to protect.
    routerOptions: { maxParamLength: Number.MAX_SAFE_INTEGER },
  });
  useJsonBodies(app);
  useSchemaValidation(app);
  useErrorHandler(app);
  useSessions(app);
  useRequestMetrics(app, services);
  countRefusedRequests(app, services);
  useApiHeaders(app);
  refuseWhileClosing(app);

  // Before any route: the document is generated from the routes declared after it.
  await useOpenApi(app);
  const routes = recordRoutes(app);
  accountRoutes(app, services);
  userRoutes(app, services);
  roomRoutes(app, services);
  messageRoutes(app, services);
  socketRoutes(app);
  healthRoutes(app, services);
  await docsRoutes(app);
  await webRoutes(app, config);
  answerOtherMethods(app, routes);
  return app;
}
