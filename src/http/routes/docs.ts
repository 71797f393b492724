// The API's documents: OpenAPI at /v1/openapi.json, AsyncAPI at /v1/asyncapi.json, rendered at /docs.
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { asyncApiDocument } from '../asyncapi.js';
import { API_VERSION } from '../openapi.js';
import { answer } from '../schemas.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Swagger UI's own files only, no inline script or style; `connect-src` for its "try it out" and
 * the document, `data:` for its logo and the icons in its stylesheet.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function documentSchema(summary: string) {
  return {
    summary,
    tags: ['documentation'],
    response: { 200: answer('the document', { type: 'object' }) },
  };
}

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  // Built once every route is known; sent as text so no serialiser touches it.
  let openApi = '';
  app.addHook('onReady', async () => {
    openApi = JSON.stringify(app.swagger());
  });
  app.get(
    '/v1/openapi.json',
    { schema: documentSchema('This document: the HTTP API as OpenAPI 3.1') },
    async (_request, reply) => reply.type(JSON_CONTENT_TYPE).send(openApi),
  );

  const asyncApi = JSON.stringify(asyncApiDocument(API_VERSION));
  app.get(
    '/v1/asyncapi.json',
    { schema: documentSchema('The WebSocket protocols as AsyncAPI 3') },
    async (_request, reply) => reply.type(JSON_CONTENT_TYPE).send(asyncApi),
  );

  // A scope of its own, so this hook runs after the API's headers on the viewer's files only.
  await app.register(async (docs) => {
    docs.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
      // The files' own caching headers (ETag, Last-Modified) apply, not the API's no-store.
      reply.removeHeader('cache-control');
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      // Without the top bar: no URL box to explore other documents, no logo with an inline style.
      uiConfig: { layout: 'BaseLayout', deepLinking: true, defaultModelsExpandDepth: 0 },
      theme: { title: 'e-chat-server API' },
    });
  });
}
