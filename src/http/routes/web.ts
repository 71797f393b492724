// The browser client: the static files of web/, served at `/` with a strict content security policy.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Both src/ and dist/ sit one level below the package root, beside web/. */
const WEB_ROOT = new URL('../../../web/', import.meta.url);

/** Only our own files may run or be fetched: injected markup could do nothing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function webRoutes(app: FastifyInstance): Promise<void> {
  // A scope of its own, so this hook runs after the API's headers on the web files only.
  await app.register(async (web) => {
    web.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      // The files' own caching headers (ETag, Last-Modified) apply, not the API's no-store.
      reply.removeHeader('cache-control');
    });
    await web.register(fastifyStatic, {
      root: WEB_ROOT,
      // One route per file present at start, so any other path keeps the JSON 404 (and 405 works).
      wildcard: false,
      globIgnore: ['**/*.png'],
      decorateReply: false,
    });
  });
}
