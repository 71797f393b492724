// Turns an HTTP upgrade into a room connection: authenticate, authorise, then accept or refuse.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer } from 'ws';
import type { Accounts } from '../domain/accounts.js';
import type { Rooms } from '../domain/rooms.js';
import { AppError, rawErrorResponse } from '../errors.js';
import { Connection, type ConnectionContext } from './connection.js';
import { checkHandshake, refusalHeaders } from './handshake.js';

const CHAT_PATH = /^\/v1\/rooms\/([^/]+)\/chat\/?$/;

export interface RealtimeOptions {
  readonly accounts: Accounts;
  readonly rooms: Rooms;
  readonly context: ConnectionContext;
  readonly log: FastifyBaseLogger;
  readonly maxFrameBytes: number;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly pingIntervalMs: number;
}

export interface Realtime {
  /** Stops the heartbeat; connections are closed by the hub. */
  stop(): void;
}

interface ChatRequest {
  readonly roomId: string | undefined;
  readonly sessionId: string | undefined;
  readonly after: number | undefined;
}

/** The request target as a URL; a target that is no path (`//x:99999/…`) is no chat URL. */
function parseTarget(rawUrl: string | undefined): URL {
  // Appended, not resolved against a base: `//x/…` is a path here, not a host.
  const target = `http://localhost${rawUrl ?? '/'}`;
  if (!rawUrl?.startsWith('/') || !URL.canParse(target)) throw new AppError('not_found');
  return new URL(target);
}

function parseChatRequest(rawUrl: string | undefined): ChatRequest {
  const url = parseTarget(rawUrl);
  const match = CHAT_PATH.exec(url.pathname);
  if (!match) throw new AppError('not_found');
  const after = url.searchParams.get('after');
  if (after !== null && !/^\d{1,16}$/.test(after)) {
    throw new AppError('invalid_json', 'after must be a message id');
  }
  return {
    roomId: match[1],
    sessionId: url.searchParams.get('session_id') ?? undefined,
    after: after === null ? undefined : Number(after),
  };
}

function refuse(socket: Duplex, error: unknown): void {
  const refusal = error instanceof AppError ? error : new AppError('internal_error');
  socket.end(rawErrorResponse(refusal, refusalHeaders(refusal)));
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
    const chat = parseChatRequest(request.url);
    checkHandshake(request);
    refuseWhenStopping();
    const session = await accounts.authenticate(chat.sessionId);
    const roomId = await rooms.requireMember(session.user.id, chat.roomId);
    // Without after=, live from the room's last message at the upgrade: what another node stores
    // while this node subscribes to the room is then replayed from the store, not lost.
    const after = chat.after ?? (await context.store.lastMessageId(roomId));
    // Shutdown may have begun while the checks ran: a socket opened now would miss the 1001.
    refuseWhenStopping();
    wss.handleUpgrade(request, socket, head, (ws) => {
      void new Connection(ws, socket, session, roomId, context).start(after);
    });
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
