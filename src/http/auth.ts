// Who is calling: the session behind `X-Session-Id`, checked before any protected route runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts, Session } from '../domain/accounts.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

/** The caller's session on a route that required one. */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw new Error('route is missing the session hook');
  return request.session;
}

/** An `onRequest` hook: a bad session is 401 before the body is even parsed or validated. */
export function sessionHook(accounts: Accounts) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers['x-session-id'];
    request.session = await accounts.authenticate(typeof header === 'string' ? header : undefined);
  };
}

export function useSessions(app: FastifyInstance): void {
  app.decorateRequest('session', null);
}
