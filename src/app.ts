// Assembles the server from its parts: store and bus adapters, domain services, HTTP and WebSocket.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openBus } from './bus/open-bus.js';
import type { Config } from './config.js';
import { Accounts } from './domain/accounts.js';
import { MessageBatcher } from './domain/message-batcher.js';
import { Messages, toRoomEvent } from './domain/messages.js';
import { argon2Hasher } from './domain/password.js';
import { Rooms } from './domain/rooms.js';
import { type Clock, systemClock } from './domain/types.js';
import { Users } from './domain/users.js';
import { AuthThrottle } from './http/auth-throttle.js';
import { buildHttpServer } from './http/server.js';
import { openLimiters } from './limits/open-limiters.js';
import { createMetrics, type Metrics } from './metrics.js';
import { CLOSE_CODES } from './realtime/close-codes.js';
import type { ConnectionContext } from './realtime/connection.js';
import { Hub } from './realtime/hub.js';
import { attachRealtime } from './realtime/upgrade.js';
import { openStore } from './store/open-store.js';

/** How long an out-of-order event from another node waits before the gap is read from the store. */
const GAP_WAIT_MS = 100;
const SESSION_SWEEP_MS = 60 * 60 * 1000;

export interface ChatServer {
  readonly http: FastifyInstance;
  readonly hub: Hub;
  readonly metrics: Metrics;
  /** Starts listening; resolves with the base URL, e.g. http://127.0.0.1:8081. */
  listen(): Promise<string>;
  /** Stops accepting, stores what was accepted, closes sockets with 1001, releases everything. */
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly clock?: Clock;
}

export async function createServer(
  config: Config,
  options: ServerOptions = {},
): Promise<ChatServer> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(config);
  const bus = await openBus(config);
  const metrics = createMetrics();

  const accounts = new Accounts(store, argon2Hasher(config.passwordHash), {
    sessionIdleSeconds: config.sessionIdleSeconds,
    sessionCacheSeconds: config.sessionCacheSeconds,
    clock,
  });
  const rooms = new Rooms(store, clock);
  const batcher = new MessageBatcher(
    store,
    (message, origin) => {
      metrics.messagesStored.inc();
      bus.publish(toRoomEvent(message, origin));
    },
    // Called only once requests flow, when `http` below exists.
    (error) => http.log.error({ err: error }, 'publishing a stored message failed'),
  );
  const messages = new Messages(store, batcher, clock, config.messageMaxChars);
  const hub = new Hub({ bus, store, metrics, gapWaitMs: GAP_WAIT_MS });
  bus.listen({
    onRoomEvent: (event) => hub.onRoomEvent(event),
    onSessionEnded: (sessionKey) => {
      accounts.forgetSession(sessionKey);
      hub.closeSession(sessionKey, CLOSE_CODES.loggedOut);
    },
  });

  const limiters = await openLimiters(config);
  const http = await buildHttpServer(config, {
    accounts,
    users: new Users(store),
    rooms,
    messages,
    metrics,
    onLogout: (sessionKey) => bus.publishSessionEnded(sessionKey),
    checkReady: async () => {
      await Promise.all([store.ping(), bus.ping()]);
    },
    authThrottle: new AuthThrottle(limiters, {
      perAddressPerMinute: config.authRateLimitPerMinute,
      freeFailures: config.loginFailuresPerAccount,
      maxLockSeconds: config.loginLockMaxSeconds,
    }),
    allowedOrigins: config.allowedOrigins,
    metricsToken: config.metricsToken,
  });

  const context: ConnectionContext = {
    hub,
    messages,
    store,
    metrics,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    messagesPerSecond: config.wsMessagesPerSecond,
    accepting: true,
  };
  const realtime = attachRealtime(http.server, {
    accounts,
    rooms,
    context,
    log: http.log,
    maxFrameBytes: config.wsMaxFrameBytes,
    allowedOrigins: config.allowedOrigins,
    pingIntervalMs: config.wsPingIntervalMs,
  });

  const sweep = setInterval(() => {
    accounts.expireIdleSessions().catch((error: unknown) => {
      http.log.warn({ err: error }, 'expiring idle sessions failed');
    });
  }, SESSION_SWEEP_MS);
  sweep.unref();

  return {
    http,
    hub,
    metrics,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const { address, port, family } = http.server.address() as AddressInfo;
      return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
    },
    async close() {
      clearInterval(sweep);
      context.accepting = false;
      realtime.stop();
      await batcher.drain();
      await hub.closeAll(CLOSE_CODES.goingAway);
      await http.close();
      await bus.close();
      await limiters.close();
      await store.close();
    },
  };
}
