// A server under generated input: a real node process (its log is read as an operator would),
// the digest of its tables, and the checks every case ends with.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SESSIONS } from '../../src/tools/tables.js';
import type { Backend } from './backends.js';
import { startCluster } from './cluster.js';
import { JSON_TYPE } from './expect-error.js';
import { allRows } from './store-rows.js';
import { type TableDigest, tableDigester } from './table-digest.js';

/** Where `last_seen_at` stands among the columns of a session row (src/tools/tables.ts). */
const LAST_SEEN_COLUMN = SESSIONS.columns.findIndex((column) => column.name === 'last_seen_at');

/** Pino's numeric level of `error`. */
const ERROR_LEVEL = 50;

export interface RawRequest {
  readonly method: string;
  /** Already percent-encoded. */
  readonly path: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
}

export interface RawReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Sends exactly this request on a connection of its own (Node's client allows GET bodies). */
export function send(base: string, raw: RawRequest): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${base}${raw.path}`,
      { method: raw.method, headers: raw.headers, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(raw.body);
  });
}

/** A log line at error level or above, or any line that is not JSON (a crash's stack trace). */
function isErrorLine(line: string): boolean {
  try {
    return ((JSON.parse(line) as { level?: number }).level ?? 0) >= ERROR_LEVEL;
  } catch {
    return true;
  }
}

export interface FuzzTarget {
  readonly url: string;
  readonly wsUrl: string;
  readonly databaseUrl: string;
  digest(): Promise<TableDigest>;
  /** Every row of every table, sessions' last-seen time left out (use moves it): to compare whole. */
  rows(): Promise<Record<string, unknown[]>>;
  /** The server still answers, and logged nothing at error level since the last check. */
  assertStillWell(context: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFuzzTarget(
  backend: Backend,
  env: Record<string, string> = {},
): Promise<FuzzTarget> {
  const cluster = await startCluster({ size: 1, backend, env });
  const node = cluster.node(0);
  const databaseUrl = cluster.databaseEnv.DATABASE_URL as string;
  const digester = await tableDigester(databaseUrl);
  let checkedLines = node.output.length;
  return {
    url: node.url,
    wsUrl: node.wsUrl,
    databaseUrl,
    digest: () => digester.digest(),
    rows: async () => {
      const tables = await allRows(databaseUrl);
      const sessions = (tables.sessions ?? []).map((row) => row.slice(0, LAST_SEEN_COLUMN));
      return { ...tables, sessions };
    },
    async assertStillWell(context) {
      const health = await send(node.url, { method: 'GET', path: '/healthz' });
      assert.equal(health.status, 200, `the server stopped answering after ${context}`);
      const errors = node.output.slice(checkedLines).filter(isErrorLine);
      checkedLines = node.output.length;
      assert.deepEqual(errors, [], `error-level log lines after ${context}`);
    },
    async close() {
      await digester.close();
      await cluster.close();
    },
  };
}

/** A reply is `200` or one of `allowed` (`"422 invalid_json"`), as SPEC's JSON error, never 5xx. */
export function assertAnswer(reply: RawReply, allowed: readonly string[], context: string): void {
  const where = `${context} -> ${reply.status} ${reply.text.slice(0, 200)}`;
  assert.ok(reply.status < 500, `a server error: ${where}`);
  if (reply.status === 200 && allowed.includes('200')) return;
  assert.equal(reply.headers['content-type'], JSON_TYPE, where);
  const body = JSON.parse(reply.text) as { error?: { code?: unknown } };
  assert.deepEqual(Object.keys(body), ['error'], where);
  assert.ok(allowed.includes(`${reply.status} ${body.error?.code}`), `not in SPEC: ${where}`);
}

/** A short description of a generated request for failure messages. */
export function describeRequest(raw: RawRequest): string {
  const body =
    raw.body === undefined ? '' : ` body=${JSON.stringify(String(raw.body).slice(0, 120))}`;
  return `${raw.method} ${raw.path.slice(0, 200)} ${JSON.stringify(raw.headers ?? {}).slice(0, 200)}${body}`;
}
