// Register and login refuse what a browser sends on another site's behalf: a page elsewhere must
// not spend the allowance of every visitor behind an address (a text/plain POST needs no CORS).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

function isOwnOrigin(origin: string, request: FastifyRequest): boolean {
  return URL.canParse(origin) && new URL(origin).host === request.host;
}

/**
 * An `onRequest` hook. Browsers send `Origin` with every POST and `Sec-Fetch-Site` with most;
 * non-browser clients (curl, apps) send neither and are served as before.
 */
export function refuseCrossSite(allowedOrigins: readonly string[] | undefined) {
  return async (request: FastifyRequest): Promise<void> => {
    const { origin, 'sec-fetch-site': site } = request.headers;
    const foreign =
      origin === undefined
        ? site === 'cross-site' || site === 'same-site'
        : !isOwnOrigin(origin, request) && !allowedOrigins?.includes(origin);
    if (foreign) throw new AppError('forbidden_origin', 'cross-site requests are refused');
  };
}
