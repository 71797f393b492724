// One HTTP call to the server: the session header, JSON both ways, error answers as ChatError.
import { ChatError } from './errors.js';
import type { ErrorBody } from './types.js';

export type Fetch = typeof globalThis.fetch;

export interface HttpReply<T> {
  readonly body: T;
  readonly headers: Headers;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  /** A path with its query (`/v1/rooms?limit=5`) or an absolute URL from a `Link` header. */
  readonly path: string;
  readonly session?: string | undefined;
  readonly body?: unknown;
}

export class Http {
  constructor(
    readonly baseUrl: string,
    private readonly fetch: Fetch,
  ) {}

  async call<T>(call: HttpCall): Promise<HttpReply<T>> {
    const headers: Record<string, string> = {};
    if (call.session !== undefined) headers['x-session-id'] = call.session;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetch(new URL(call.path, this.baseUrl), {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
      });
    } catch (cause) {
      throw new ChatError('network', { message: `${call.method} ${call.path}: no answer`, cause });
    }
    const body = await readJson(response);
    if (!response.ok) throw errorOf(response, body);
    return { body: body as T, headers: response.headers };
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ChatError('bad_response', { status: response.status, cause });
  }
}

function errorOf(response: Response, body: unknown): ChatError {
  const error = (body as Partial<ErrorBody> | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : 'bad_response';
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return new ChatError(code, {
    status: response.status,
    message: error?.message ?? code,
    ...(Number.isFinite(retryAfter) && { retryAfter }),
  });
}

/** The `rel="next"` target of a `Link` header (RFC 8288), or undefined on the last page. */
export function nextLink(header: string | null): string | undefined {
  for (const link of header?.split(',') ?? []) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (match && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2] ?? '')) {
      return match[1];
    }
  }
  return undefined;
}
