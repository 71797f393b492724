// Every request body is read as JSON, whatever its Content-Type; an empty body is no body.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** JSON text is UTF-8: bytes that are not are refused, not silently replaced with U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function useJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new AppError('invalid_json', 'body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  // Fastify refuses a malformed Content-Type (`nonsense`, empty) before any parser runs;
  // since the header is never consulted, drop it so such bodies are read like any other.
  app.addHook('onRequest', async (request) => {
    delete request.headers['content-type'];
  });
}
