// The bearer token an operator's scraper shows to read /metrics, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

/** Equal-length digests, so the comparison takes the same time whatever was sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** An `onRequest` hook admitting only `Authorization: Bearer <token>`; no token admits no one. */
export function bearerTokenHook(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const given = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (expected && given !== undefined && timingSafeEqual(digest(given), expected)) return;
    reply.header('www-authenticate', 'Bearer');
    throw new AppError(
      'unauthorized',
      expected ? 'a valid bearer token is required' : 'metrics are off: set METRICS_TOKEN',
    );
  };
}
