// Register, log in, log out, and who am I.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loginKey } from '../../domain/login.js';
import { AppError } from '../../errors.js';
import { sessionHook, sessionOf } from '../auth.js';
import { refuseCrossSite } from '../cross-site.js';
import { credentialsBody, sessionReply, user } from '../schemas.js';
import type { HttpServices } from '../services.js';

interface Credentials {
  login: string;
  password: string;
}

export function accountRoutes(app: FastifyInstance, services: HttpServices): void {
  const { accounts, authThrottle } = services;
  const requireSession = sessionHook(accounts);
  const credentialsRoute = {
    // Before the body is read: forged cross-site posts are refused before they count, and
    // every other request counts, malformed ones included.
    onRequest: [
      refuseCrossSite(services.allowedOrigins),
      async (request: FastifyRequest) => authThrottle.admitAddress(request.ip),
    ],
    schema: { body: credentialsBody, response: { 200: sessionReply } },
  };

  /** Whether the request carries a session of the account with this login key. */
  const holdsSessionOf = (request: FastifyRequest, account: string) => async () => {
    const header = request.headers['x-session-id'];
    if (typeof header !== 'string') return false;
    const session = await accounts.authenticate(header).catch(() => undefined);
    return session !== undefined && loginKey(session.user.login) === account;
  };

  app.post<{ Body: Credentials }>('/v1/register', credentialsRoute, async (request) => {
    const { sessionId, user } = await accounts.register(request.body.login, request.body.password);
    await authThrottle.remember(loginKey(user.login), request.ip);
    return { session_id: sessionId };
  });

  app.post<{ Body: Credentials }>('/v1/login', credentialsRoute, async (request) => {
    const account = loginKey(request.body.login);
    const attempt = await authThrottle.beginLogin(
      account,
      request.ip,
      holdsSessionOf(request, account),
    );
    try {
      const { sessionId } = await accounts.login(request.body.login, request.body.password);
      await attempt.succeeded();
      return { session_id: sessionId };
    } catch (error) {
      if (error instanceof AppError && error.code === 'wrong_credentials') await attempt.failed();
      throw error;
    }
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
