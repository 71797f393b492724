// Assembles the server from its parts: store and bus adapters, domain services, HTTP and WebSocket.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openBus } from './bus/open-bus.js';
import type { Config } from './config.js';
import { Accounts } from './domain/accounts.js';
import type { ConversationEvents } from './domain/conversation-events.js';
import { MessageBatcher } from './domain/message-batcher.js';
import { MessageFlow } from './domain/message-flow.js';
import { Messages } from './domain/messages.js';
import { argon2Hasher } from './domain/password.js';
import { ReadMarkers } from './domain/read-markers.js';
import { Rooms } from './domain/rooms.js';
import { SendLimiter } from './domain/send-limiter.js';
import { type Clock, systemClock } from './domain/types.js';
import { Typing } from './domain/typing.js';
import { UserRate } from './domain/user-rate.js';
import { Users } from './domain/users.js';
import { AuthThrottle } from './http/auth-throttle.js';
import { buildHttpServer } from './http/server.js';
import { openLimiters } from './limits/open-limiters.js';
import { createMetrics, type Metrics } from './metrics.js';
import { openPresence } from './presence/open-presence.js';
import { CLOSE_CODES } from './realtime/close-codes.js';
import { Hub } from './realtime/hub.js';
import { RealtimeContext } from './realtime/realtime-context.js';
import { SessionWatch } from './realtime/session-watch.js';
import { SocketQuota } from './realtime/socket-quota.js';
import { attachRealtime } from './realtime/upgrade.js';
import { openStore } from './store/open-store.js';

/** How long an out-of-order event from another node waits before the gap is read from the store. */
const GAP_WAIT_MS = 100;
const SESSION_SWEEP_MS = 60 * 60 * 1000;

export interface ChatServer {
  readonly http: FastifyInstance;
  readonly hub: Hub;
  /** Where the domain announces new rooms and moved read markers, to every node's streams. */
  readonly conversationEvents: ConversationEvents;
  readonly metrics: Metrics;
  /** Closes this node's sockets whose sessions ended; also runs every SESSION_CHECK_SECONDS. */
  readonly sessionWatch: Pick<SessionWatch, 'checkAll'>;
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
  const flow = new MessageFlow({
    store,
    bus,
    storedCounter: metrics.messagesStored,
    forgetSession: (sessionKey) => accounts.forgetSession(sessionKey),
  });
  const rooms = new Rooms(store, flow, clock, {
    maxCreatedPerUser: config.roomsCreatedMax,
    creationsPerMinute: config.roomCreationsPerMinute,
  });
  const batcher = new MessageBatcher(
    store,
    (message, origin) => flow.published(message, origin),
    // Called only once requests flow, when `http` below exists.
    (error) => http.log.error({ err: error }, 'publishing a stored message failed'),
  );
  const presence = await openPresence(config, store);
  const hub = new Hub({ feed: flow, presence, metrics, gapWaitMs: GAP_WAIT_MS });
  flow.deliverTo(hub);
  presence.announceTo(hub);
  const typing = new Typing(flow);

  const limiters = await openLimiters(config);
  const userRate = new UserRate({
    perSecond: config.userMessagesPerSecond,
    burst: config.userMessageBurst,
    shared: limiters.sharedBuckets,
  });
  const messages = new Messages(store, batcher, clock, config.messageMaxChars, userRate);
  const http = await buildHttpServer(config, {
    accounts,
    users: new Users(store),
    rooms,
    messages,
    readMarkers: new ReadMarkers(store, flow),
    sendLimiter: new SendLimiter(config.wsMessagesPerSecond),
    metrics,
    onLogout: (sessionKey) => flow.sessionEnded(sessionKey),
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

  const context = new RealtimeContext(hub, flow, messages, {
    maxBufferedBytes: config.wsMaxBufferedBytes,
    messagesPerSecond: config.wsMessagesPerSecond,
    metrics,
  });
  context.presence = presence;
  context.typing = { typing: (session, roomId) => typing.signal(session.user.id, roomId) };
  const sessionWatch = new SessionWatch({ accounts, hub, log: http.log });
  context.sessions = sessionWatch;
  // A logout announced while the bus was down never came: check this node's sockets at once.
  flow.whenResumed(() => void sessionWatch.checkAll());
  sessionWatch.start(config.sessionCheckMs);
  const realtime = attachRealtime(http.server, {
    accounts,
    rooms,
    context,
    log: http.log,
    maxFrameBytes: config.wsMaxFrameBytes,
    allowedOrigins: config.allowedOrigins,
    pingIntervalMs: config.wsPingIntervalMs,
    quota: new SocketQuota({
      perSession: config.wsSocketsPerSession,
      perUser: config.wsSocketsPerUser,
    }),
    sessions: sessionWatch,
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
    conversationEvents: flow,
    metrics,
    sessionWatch,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const { address, port, family } = http.server.address() as AddressInfo;
      return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
    },
    async close() {
      clearInterval(sweep);
      sessionWatch.stop();
      context.accepting = false;
      realtime.stop();
      await batcher.drain();
      await hub.closeAll(CLOSE_CODES.goingAway);
      await presence.close();
      await http.close();
      await bus.close();
      userRate.stop();
      await limiters.close();
      await store.close();
    },
  };
}
