// Register, log in, log out, and who am I.
import type { FastifyInstance } from 'fastify';
import { sessionHook, sessionOf } from '../auth.js';
import { credentialsBody, sessionReply, user } from '../schemas.js';
import type { HttpServices } from '../services.js';

interface Credentials {
  login: string;
  password: string;
}

export function accountRoutes(app: FastifyInstance, services: HttpServices): void {
  const { accounts } = services;
  const requireSession = sessionHook(accounts);
  const rateLimit = { max: services.authRateLimitPerMinute, timeWindow: 60_000 };
  const credentialsRoute = {
    schema: { body: credentialsBody, response: { 200: sessionReply } },
    config: { rateLimit },
  };

  app.post<{ Body: Credentials }>('/v1/register', credentialsRoute, async (request) => {
    const { sessionId } = await accounts.register(request.body.login, request.body.password);
    return { session_id: sessionId };
  });

  app.post<{ Body: Credentials }>('/v1/login', credentialsRoute, async (request) => {
    const { sessionId } = await accounts.login(request.body.login, request.body.password);
    return { session_id: sessionId };
  });

  app.post('/v1/logout', { onRequest: requireSession }, async (request) => {
    const session = sessionOf(request);
    await accounts.logout(session);
    services.onLogout(session.key);
    return {};
  });

  app.get(
    '/v1/info',
    { onRequest: requireSession, schema: { response: { 200: user } } },
    async (request) => sessionOf(request).user,
  );
}
