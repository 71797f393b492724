// JSON log lines: no password and no session id ever reaches them.
import type { FastifyServerOptions } from 'fastify';

/** The URL with any session_id value replaced, for WebSocket URLs that carry one. */
function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&]session_id=)[^&#]*/gi, '$1[redacted]');
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers["x-session-id"]',
        'req.headers.cookie',
        'req.headers.authorization',
        '*.password',
        '*.session_id',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}
