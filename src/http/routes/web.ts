// The browser client at `/`: its page, stylesheet and modules from memory, with a strict content
// security policy and ETags (a reload revalidates, an unchanged file costs a 304).
import type { FastifyInstance, FastifyReply } from 'fastify';
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
    // One route per file, so any other path keeps the JSON 404 (and 405 works).
    for (const [path, asset] of assets) {
      web.get(path, async (request, reply) =>
        serve(asset, request.headers['if-none-match'], reply),
      );
    }
  });
}

function serve(asset: WebAsset, ifNoneMatch: string | undefined, reply: FastifyReply) {
  reply.header('etag', asset.etag);
  if (ifNoneMatch?.split(/\s*,\s*/).includes(asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}
