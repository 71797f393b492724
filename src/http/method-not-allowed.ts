// A known path asked with another method answers 405 with an Allow header, not 404.
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { AppError } from '../errors.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Every path declared, with the methods it serves. */
export type RouteTable = ReadonlyMap<string, ReadonlySet<string>>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes the server answers (besides the 405s), as the API document must list them. */
    readonly declaredRoutes: RouteTable;
  }
}

/** Call once every route is declared. */
export function answerOtherMethods(app: FastifyInstance, routes: Map<string, Set<string>>): void {
  app.decorate(
    'declaredRoutes',
    new Map([...routes].map(([url, methods]) => [url, new Set(methods)])),
  );
  for (const url of routes.keys()) {
    // Asked of the router: a prefix's `/` route serves `/docs/` without telling onRoute hooks.
    const allowed = METHODS.filter((method) => app.hasRoute({ method, url }));
    const missing = METHODS.filter((method) => !allowed.includes(method));
    if (missing.length === 0) continue;
    app.route({
      method: missing,
      url,
      // Not operations of the API: the document names the 405 among the errors of any request.
      schema: { hide: true },
      handler: async (_request, reply) => {
        reply.header('allow', allowed.join(', '));
        throw new AppError('method_not_allowed');
      },
    });
  }
}

/** Records the methods of every route declared from now on. */
export function recordRoutes(app: FastifyInstance): Map<string, Set<string>> {
  const routes = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = routes.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    routes.set(route.url, methods);
  });
  return routes;
}
