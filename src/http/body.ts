// Every request body is read as JSON, whatever its Content-Type; an empty body is no body.
import type { FastifyInstance } from 'fastify';

export function useJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || body === undefined) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  // Fastify refuses a malformed Content-Type (`nonsense`, empty) before any parser runs;
  // since the header is never consulted, drop it so such bodies are read like any other.
  app.addHook('onRequest', async (request) => {
    delete request.headers['content-type'];
  });
}
