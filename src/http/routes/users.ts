// User search, under both spellings the original accepted.
import type { FastifyInstance } from 'fastify';
import { sessionHook } from '../auth.js';
import { user, userSearchQuery } from '../schemas.js';
import type { HttpServices } from '../services.js';

export function userRoutes(app: FastifyInstance, services: HttpServices): void {
  const route = {
    onRequest: sessionHook(services.accounts),
    schema: { querystring: userSearchQuery, response: { 200: { type: 'array', items: user } } },
  };
  const search = async (request: { query: { q?: string; limit?: number } }) =>
    services.users.search(request.query.q, request.query.limit);
  app.get<{ Querystring: { q?: string; limit?: number } }>('/v1/users', route, search);
  app.get<{ Querystring: { q?: string; limit?: number } }>('/v1/users/', route, search);
}
