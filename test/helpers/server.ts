// Starts a real server on port 0 for a test, on a throw-away database of the chosen backend.
import { type ChatServer, createServer, type ServerOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Backend, TestDatabase } from './backends.js';
import { sqlite } from './backends.js';

/** Fast hashing and generous limits, so tests spend their time on behaviour. */
export const TEST_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_ITERATIONS: '1',
  AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  WS_MESSAGES_PER_SECOND: '100000',
  USER_MESSAGES_PER_SECOND: '100000',
  USER_MESSAGE_BURST: '100000',
  WS_SOCKETS_PER_SESSION: '100000',
  WS_SOCKETS_PER_USER: '100000',
  ROOM_CREATIONS_PER_MINUTE: '1000000',
  METRICS_TOKEN: 'test-metrics-token-0123456789',
} as const;

/** The header a scraper of the test servers' /metrics sends. */
export const METRICS_AUTHORIZATION = { authorization: `Bearer ${TEST_ENV.METRICS_TOKEN}` };

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly server: ChatServer;
  /** Stops as SIGTERM would (1001 to every socket), then starts again: same port, same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions extends ServerOptions {
  readonly backend?: Backend;
  /** A database shared with other servers (nodes of one cluster): not dropped by this one. */
  readonly database?: TestDatabase;
  readonly env?: Record<string, string>;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const backend = options.backend ?? sqlite;
  const database = options.database ?? (await backend.createDatabase());
  const config = loadConfig({ ...TEST_ENV, ...database.env, ...options.env });
  let server = await createServer(config, options);
  const url = await server.listen();
  const samePort = { ...config, port: Number(new URL(url).port) };
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    get server() {
      return server;
    },
    async restart() {
      await server.close();
      server = await createServer(samePort, options);
      await server.listen();
    },
    async close() {
      await server.close();
      if (!options.database) await database.drop();
    },
  };
}
