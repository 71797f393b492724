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
}
