// One client's socket in one room: frames in, messages and errors out, catch-up, flow control.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { RoomEvent } from '../bus/bus.js';
import type { Session } from '../domain/accounts.js';
import { type Messages, toMessageJson } from '../domain/messages.js';
import type { MessageStore } from '../domain/ports/messages.js';
import { AppError, type ErrorCode } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { CLOSE_CODES } from './close-codes.js';
import { ackFrame, errorFrame, parseFrame } from './frames.js';
import type { Hub } from './hub.js';

const REPLAY_PAGE = 200;
/** One options object for every send: the fan-out allocates nothing per delivery. */
const AS_TEXT = { binary: false } as const;

/** What every connection shares: one object for all of them. */
export interface ConnectionContext {
  readonly hub: Hub;
  readonly messages: Messages;
  readonly store: MessageStore;
  readonly metrics: Metrics;
  readonly maxBufferedBytes: number;
  readonly messagesPerSecond: number;
  /** False once shutdown begins: frames are then refused, not stored. */
  accepting: boolean;
}

const connectionOf = new WeakMap<WebSocket, Connection>();

// Listeners shared by every socket (`this` is the socket), so an idle connection holds no closures.
function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  connectionOf.get(this)?.receive(data, isBinary);
}
function onPong(this: WebSocket): void {
  const connection = connectionOf.get(this);
  if (connection) connection.alive = true;
}
function onClose(this: WebSocket): void {
  connectionOf.get(this)?.closed();
}
/** After a protocol error (1002, 1007, 1009) `ws` closes the socket itself, close frame first. */
function onError(): void {}

/** Lets the writes corked during one event-loop turn leave together (see `corkForTurn`). */
function uncork(connection: Connection, socket: Duplex): void {
  connection.corked = false;
  socket.uncork();
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  alive = true;
  /** Whether this turn's writes are being held to leave in one system call. */
  corked = false;
  /** Id of the last message this socket was sent: nothing at or below it is sent again. */
  private lastSentId = 0;
  private windowStartedAt = 0;
  private framesInWindow = 0;
  /** Live events held back while stored history is replayed; undefined once live. */
  private backlog: RoomEvent[] | undefined;
  private backlogBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws`, corked per turn. */
    private readonly socket: Duplex,
    readonly session: Session,
    readonly roomId: number,
    private readonly context: ConnectionContext,
  ) {
    connectionOf.set(ws, this);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('close', onClose);
    ws.on('error', onError);
    // No frame is read before the room's fan-out includes this connection, so that the
    // acknowledgement of every message it sends comes back through the fan-out, in id order.
    ws.pause();
  }

  /** Joins the room's fan-out, replaying first what was stored after `after` until the join. */
  async start(after: number): Promise<void> {
    this.backlog = [];
    this.lastSentId = after;
    try {
      const joinedAfter = await this.context.hub.join(this);
      this.ws.resume();
      await this.replay(joinedAfter);
    } catch {
      this.close(CLOSE_CODES.serverError);
    }
  }

  /** A message of the room from someone else. Returns whether it was sent. */
  deliver(event: RoomEvent, payload: Buffer | string): boolean {
    if (event.id <= this.lastSentId || !this.isOpen()) return false;
    if (this.backlog) return this.hold(event);
    this.lastSentId = event.id;
    return this.send(payload);
  }

  /** This connection's own message, now stored and published: acknowledge it in its place. */
  acknowledge(event: RoomEvent): void {
    if (!this.isOpen()) return;
    if (this.backlog) {
      this.hold(event);
      return;
    }
    this.lastSentId = Math.max(this.lastSentId, event.id);
    if (event.clientId) this.send(ackFrame(event.wire, event.clientId));
  }

  receive(data: Buffer, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
    const { clientId } = frame;
    if (!frame.ok) {
      this.sendError(frame.code, clientId);
      return;
    }
    const refusal = !this.context.accepting
      ? 'unavailable'
      : this.overRate()
        ? 'too_many_requests'
        : undefined;
    if (refusal) {
      this.sendError(refusal, clientId);
      return;
    }
    const posted = {
      roomId: this.roomId,
      userId: this.session.user.id,
      text: frame.text,
      clientId,
    };
    this.context.messages.post(posted, this.id).then(
      (stored) => {
        // A retry of a stored client id is not published again: acknowledge it here.
        if (stored.duplicate && clientId) {
          this.send(ackFrame(JSON.stringify(toMessageJson(stored)), clientId));
        }
      },
      (error: unknown) => {
        this.sendError(error instanceof AppError ? error.code : 'unavailable', clientId);
      },
    );
  }

  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  /** Starts the closing handshake; the hub keeps the connection until its socket is gone. */
  close(code: number): void {
    if (this.isOpen()) this.ws.close(code);
  }

  /** Closes with `code`; resolves once the socket is gone, cut after `graceMs` if the client lingers. */
  shutDown(code: number, graceMs: number): Promise<void> {
    this.close(code);
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), graceMs);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The socket is gone. */
  closed(): void {
    this.context.hub.leave(this);
    connectionOf.delete(this.ws);
  }

  private isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  private send(data: Buffer | string): boolean {
    if (!this.isOpen()) return false;
    if (this.ws.bufferedAmount > this.context.maxBufferedBytes) {
      this.closeSlow();
      return false;
    }
    this.corkForTurn();
    this.ws.send(data, AS_TEXT);
    return true;
  }

  /**
   * Every frame sent to this socket until the current turn ends leaves in one write system call:
   * the fan-out of a batch of k messages costs one syscall per socket rather than k. The profile
   * of the fan-out shows the writev system call as most of the server's busy time.
   */
  private corkForTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(uncork, this, this.socket);
  }

  private sendError(code: ErrorCode, clientId: string | null): void {
    this.send(errorFrame(code, clientId));
  }

  private closeSlow(): void {
    this.context.metrics.slowConsumerCloses.inc();
    this.close(CLOSE_CODES.slowConsumer);
  }

  private overRate(): boolean {
    const now = Date.now();
    if (now - this.windowStartedAt >= 1000) {
      this.windowStartedAt = now;
      this.framesInWindow = 0;
    }
    return ++this.framesInWindow > this.context.messagesPerSecond;
  }

  private hold(event: RoomEvent): boolean {
    this.backlog?.push(event);
    this.backlogBytes += event.wire.length;
    if (this.backlogBytes > this.context.maxBufferedBytes) this.closeSlow();
    return false;
  }

  /**
   * Sends the messages stored up to `until` (those the fan-out will not bring), page by page as
   * the socket drains, then what the fan-out brought meanwhile.
   */
  private async replay(until: number): Promise<void> {
    // An `after` past the room's last message must not hold back the messages still to come.
    this.lastSentId = Math.min(this.lastSentId, until);
    while (this.lastSentId < until && this.isOpen()) {
      const page = await this.context.store.history(this.roomId, {
        after: this.lastSentId,
        before: until + 1,
        limit: REPLAY_PAGE,
      });
      const last = page.at(-1);
      if (!last) break;
      for (const message of page) await this.sendStored(JSON.stringify(toMessageJson(message)));
      this.lastSentId = last.id;
    }
    this.goLive();
  }

  /** Replayed history is not dropped for slowness: it waits for the socket to drain instead. */
  private sendStored(wire: string): Promise<void> | undefined {
    if (this.ws.bufferedAmount < this.context.maxBufferedBytes / 2) {
      this.ws.send(wire, AS_TEXT);
      return undefined;
    }
    return new Promise((resolve) => this.ws.send(wire, AS_TEXT, () => resolve()));
  }

  private goLive(): void {
    const held = this.backlog ?? [];
    this.backlog = undefined;
    this.backlogBytes = 0;
    let delivered = 0;
    for (const event of held) {
      if (event.origin === this.id) this.acknowledge(event);
      else if (this.deliver(event, event.wire)) delivered++;
    }
    this.context.metrics.deliveries.inc(delivered);
  }
}
