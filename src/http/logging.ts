// JSON log lines: no password and no session id ever reaches them.
import type { FastifyServerOptions } from 'fastify';

const SESSION_PARAMETER = 'session_id';

/** Whether a raw query parameter name decodes, as any URL parser would, to `session_id`. */
function namesSession(rawName: string): boolean {
  // URLSearchParams decodes as the routes and the upgrade do, and never throws on bad escapes.
  const [decoded = ''] = new URLSearchParams(`${rawName}=`).keys();
  return decoded.trim().toLowerCase() === SESSION_PARAMETER;
}

/** The URL with the value of every parameter that parses to `session_id` replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  const queryAt = url?.indexOf('?') ?? -1;
  if (url === undefined || queryAt === -1) return url;
  const pairs = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const [rawName = ''] = pair.split('=', 1);
      return namesSession(rawName) ? `${rawName}=[redacted]` : pair;
    });
  return `${url.slice(0, queryAt + 1)}${pairs.join('&')}`;
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
