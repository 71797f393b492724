// Turns an HTTP upgrade into a room socket or a stream: authenticate, authorise, then accept or refuse.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Accounts, Session } from '../domain/accounts.js';
import type { Rooms } from '../domain/rooms.js';
import { AppError, rawErrorResponse } from '../errors.js';
import { checkHandshake, refusalHeaders } from './handshake.js';
import type { RealtimeContext } from './realtime-context.js';
import { RoomSocket } from './room-socket.js';
import type { SessionWatch } from './session-watch.js';
import type { SocketQuota } from './socket-quota.js';
import { Stream } from './stream.js';

const CHAT_PATH = /^\/v1\/rooms\/([^/]+)\/chat\/?$/;
const STREAM_PATH = /^\/v1\/stream\/?$/;

export interface RealtimeOptions {
  readonly accounts: Accounts;
  readonly rooms: Rooms;
  readonly context: RealtimeContext;
  readonly log: FastifyBaseLogger;
  readonly maxFrameBytes: number;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly pingIntervalMs: number;
  /** Open sockets per session and per user. */
  readonly quota: SocketQuota;
  readonly sessions: Pick<SessionWatch, 'confirm'>;
}

export interface Realtime {
  /** Stops the heartbeat; sockets are closed by the hub. */
  stop(): void;
}

/** A room socket's upgrade names its room; a stream's names none. */
type SocketRequest =
  | {
      readonly kind: 'room';
      readonly roomId: string | undefined;
      readonly sessionId: string | undefined;
      readonly after: number | undefined;
    }
  | { readonly kind: 'stream'; readonly sessionId: string | undefined };

/** The request target as a URL; a target that is no path (`//x:99999/…`) is no chat URL. */
function parseTarget(rawUrl: string | undefined): URL {
  // Appended, not resolved against a base: `//x/…` is a path here, not a host.
  const target = `http://localhost${rawUrl ?? '/'}`;
  if (!rawUrl?.startsWith('/') || !URL.canParse(target)) throw new AppError('not_found');
  return new URL(target);
}

function parseSocketRequest(rawUrl: string | undefined): SocketRequest {
  const url = parseTarget(rawUrl);
  const sessionId = url.searchParams.get('session_id') ?? undefined;
  if (STREAM_PATH.test(url.pathname)) return { kind: 'stream', sessionId };
  const match = CHAT_PATH.exec(url.pathname);
  if (!match) throw new AppError('not_found');
  const after = url.searchParams.get('after');
  if (after !== null && !/^\d{1,16}$/.test(after)) {
    throw new AppError('invalid_json', 'after must be a message id');
  }
  return {
    kind: 'room',
    roomId: match[1],
    sessionId,
    after: after === null ? undefined : Number(after),
  };
}

/** Starts the accepted socket's protocol. */
type Opener = (ws: WebSocket, socket: Duplex) => void;

function refuse(socket: Duplex, error: unknown): void {
  const refusal = error instanceof AppError ? error : new AppError('internal_error');
  // Closed once the answer is out, not left half-open until the client closes: no descriptor kept.
  socket.end(rawErrorResponse(refusal, refusalHeaders(refusal)), () => socket.destroy());
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

export function attachRealtime(server: Server, options: RealtimeOptions): Realtime {
  const { accounts, rooms, context, log } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  // What ws still refuses after checkHandshake (a malformed Sec-WebSocket-Protocol) is JSON too.
  wss.on('wsClientError', (error: Error, socket: Duplex) => {
    refuse(socket, new AppError('bad_request', error.message));
  });

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      options.allowedOrigins &&
      !options.allowedOrigins.includes(origin)
    ) {
      throw new AppError('forbidden_origin');
    }
    const wanted = parseSocketRequest(request.url);
    checkHandshake(request);
    refuseWhenStopping();
    const session = await accounts.authenticate(wanted.sessionId);
    options.quota.take(session, socket);
    const open: Opener =
      wanted.kind === 'stream'
        ? (ws, socket) => void new Stream(ws, socket, session, context).start()
        : await roomSocketOpener(session, wanted.roomId, wanted.after);
    // Shutdown may have begun while the checks ran: a socket opened now would miss the 1001.
    refuseWhenStopping();
    wss.handleUpgrade(request, socket, head, (ws) => {
      open(ws, socket);
      // Now in the hub: a logout from here on closes it. One since the authentication did not.
      void options.sessions.confirm(session.key);
    });
  }

  /** Checks the membership; the socket will start live from the room's last message by default. */
  async function roomSocketOpener(
    session: Session,
    rawRoomId: string | undefined,
    after: number | undefined,
  ): Promise<Opener> {
    const roomId = await rooms.requireMember(session.user.id, rawRoomId);
    // Without after=, live from the room's last message at the upgrade: what another node stores
    // while this node subscribes to the room is then replayed from the store, not lost.
    const from = after ?? (await context.feed.lastMessageId(roomId));
    return (ws, socket) => void new RoomSocket(ws, socket, session, roomId, context).start(from);
  }

  function refuseWhenStopping(): void {
    if (!context.accepting) throw new AppError('unavailable', 'the server is shutting down');
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
    accept(request, socket, head).catch((error: unknown) => {
      if (!(error instanceof AppError)) log.error({ err: error }, 'websocket upgrade failed');
      refuse(socket, error);
    });
  });

  const heartbeat = setInterval(() => context.hub.heartbeat(), options.pingIntervalMs);
  heartbeat.unref();

  return {
    stop() {
      clearInterval(heartbeat);
      wss.close();
    },
  };
}
