// User search, under both spellings the original accepted.
import type { FastifyInstance } from 'fastify';
import { sessionHook } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { SESSION_HEADER } from '../openapi.js';
import { answer, user, userSearchQuery } from '../schemas.js';
import type { HttpServices } from '../services.js';

export function userRoutes(app: FastifyInstance, services: HttpServices): void {
  const route = {
    onRequest: sessionHook(services.accounts),
    schema: {
      summary: 'Find users by a piece of their login',
      description:
        'Case-insensitive substring match, Unicode-aware, ё and е alike; `%` and `_` are plain ' +
        'characters. Exact match first, then logins starting with `q`, then the rest, each ' +
        'group by login. An empty or missing `q` finds nobody.',
      tags: ['users'],
      security: SESSION_HEADER,
      querystring: userSearchQuery,
      response: {
        200: answer('matching users, at most `limit`', { type: 'array', items: user }),
        ...errorResponses('unauthorized', 'invalid_json'),
      },
    },
  };
  const search = async (request: { query: { q?: string; limit?: number } }) =>
    services.users.search(request.query.q, request.query.limit);
  app.get<{ Querystring: { q?: string; limit?: number } }>('/v1/users', route, search);
  app.get<{ Querystring: { q?: string; limit?: number } }>('/v1/users/', route, search);
}
