// The browser client at `/`: its page, stylesheet and modules from memory, with a strict content
// security policy and ETags (a reload revalidates, an unchanged file costs a 304).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { loadWebAssets, type WebAsset, type WebSettings } from '../web-assets.js';

/** Only our own files may run or be fetched: injected markup could do nothing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function webRoutes(app: FastifyInstance, settings: WebSettings): Promise<void> {
  const assets = await loadWebAssets(settings);
  // A scope of its own, so this hook runs after the API's headers on the web files only.
  await app.register(async (web) => {
    web.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      // Revalidated on every use (a new release shows at once), but cached: not the API's no-store.
      reply.header('cache-control', 'no-cache');
    });
    // One route per file, so any other path keeps the JSON 404 (and 405 works). Pages, not
    // operations of the API: left out of the OpenAPI document.
    for (const [path, asset] of assets) {
      web.get(path, { schema: { hide: true } }, async (request, reply) =>
        serve(asset, request, reply),
      );
    }
  });
}

/**
 * The validators a cache or a careful client sends: If-None-Match (304) and If-Match (412). A
 * Range is ignored (RFC 9110 allows it): the files are small, a whole one is the answer.
 */
function serve(asset: WebAsset, request: FastifyRequest, reply: FastifyReply) {
  reply.header('etag', asset.etag);
  if (matches(request.headers['if-match'], asset.etag) === false) {
    throw new AppError('precondition_failed', 'the file has another ETag');
  }
  if (matches(request.headers['if-none-match'], asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

/** Whether a list of ETags (or `*`) names this one; undefined without the header. */
function matches(header: string | undefined, etag: string): boolean | undefined {
  if (header === undefined) return undefined;
  return header.split(',').some((tag) => ['*', etag, `W/${etag}`].includes(tag.trim()));
}
