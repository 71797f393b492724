// Register, log in, log out, and who am I.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loginKey } from '../../domain/login.js';
import { AppError, type ErrorCode } from '../../errors.js';
import { sessionHook, sessionOf } from '../auth.js';
import { refuseCrossSite } from '../cross-site.js';
import { errorResponses } from '../error-responses.js';
import { SESSION_HEADER } from '../openapi.js';
import { answer, credentialsBody, sessionReply, user } from '../schemas.js';
import type { HttpServices } from '../services.js';

interface Credentials {
  login: string;
  password: string;
}

export function accountRoutes(app: FastifyInstance, services: HttpServices): void {
  const { accounts, authThrottle } = services;
  const requireSession = sessionHook(accounts);
  const credentialsRoute = (summary: string, description: string, ...errors: ErrorCode[]) => ({
    // Before the body is read: forged cross-site posts are refused before they count, and
    // every other request counts, malformed ones included.
    onRequest: [
      refuseCrossSite(services.allowedOrigins),
      async (request: FastifyRequest) => authThrottle.admitAddress(request.ip),
    ],
    schema: {
      summary,
      description:
        `${description} Limited per client address and, for failed logins, per account ` +
        '(`429` with `Retry-After`); a browser posting for another site is `403`.',
      tags: ['accounts'],
      body: credentialsBody,
      response: {
        200: answer('a new session', sessionReply),
        ...errorResponses(
          'invalid_json',
          ...errors,
          'forbidden_origin',
          'too_many_requests',
          'payload_too_large',
        ),
      },
    },
  });

  /** Whether the request carries a session of the account with this login key. */
  const holdsSessionOf = (request: FastifyRequest, account: string) => async () => {
    const header = request.headers['x-session-id'];
    if (typeof header !== 'string') return false;
    const session = await accounts.authenticate(header).catch(() => undefined);
    return session !== undefined && loginKey(session.user.login) === account;
  };

  const registerRoute = credentialsRoute(
    'Create an account and log in',
    'A login is 1 to 64 characters after NFC, without control or invisible characters or ' +
      'surrounding spaces, unique regardless of case; a password 8 to 1024 characters, not a ' +
      'common one.',
    'user_already_exists',
  );
  app.post<{ Body: Credentials }>('/v1/register', registerRoute, async (request) => {
    const { sessionId, user } = await accounts.register(request.body.login, request.body.password);
    await authThrottle.remember(loginKey(user.login), request.ip);
    return { session_id: sessionId };
  });

  const loginRoute = credentialsRoute(
    'Log in: a new session',
    'The login matches regardless of case; the other sessions of the user go on.',
    'user_not_found',
    'wrong_credentials',
  );
  app.post<{ Body: Credentials }>('/v1/login', loginRoute, async (request) => {
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

  const logoutRoute = {
    onRequest: requireSession,
    schema: {
      summary: 'End this session',
      description:
        'Only this session ends; its WebSockets close with 4001. The body is `{}` or none.',
      tags: ['accounts'],
      security: SESSION_HEADER,
      response: {
        200: answer('logged out', { type: 'object', additionalProperties: false }),
        ...errorResponses('unauthorized', 'invalid_json', 'payload_too_large'),
      },
    },
  };
  app.post('/v1/logout', logoutRoute, async (request) => {
    const session = sessionOf(request);
    await accounts.logout(session);
    services.onLogout(session.key);
    return {};
  });

  app.get(
    '/v1/info',
    {
      onRequest: requireSession,
      schema: {
        summary: 'Who the session belongs to',
        tags: ['accounts'],
        security: SESSION_HEADER,
        response: { 200: answer('the user', user), ...errorResponses('unauthorized') },
      },
    },
    async (request) => sessionOf(request).user,
  );
}
