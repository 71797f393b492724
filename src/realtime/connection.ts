// One client's socket in one room: frames in, messages and errors out, catch-up, flow control.
import type { WebSocket } from 'ws';
import type { RoomEvent } from '../bus/bus.js';
import type { Session } from '../domain/accounts.js';
import type { Messages } from '../domain/messages.js';
import { AppError, type ErrorCode } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { CLOSE_CODES } from './close-codes.js';
import { ackFrame, errorFrame, parseFrame } from './frames.js';
import { type Hub, storedEvent } from './hub.js';

const REPLAY_PAGE = 200;

/** What every connection shares: one object for all of them. */
export interface ConnectionContext {
  readonly hub: Hub;
  readonly messages: Messages;
  readonly store: Store;
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
function onError(this: WebSocket): void {
  this.terminate();
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  alive = true;
  /** Id of the last message this socket was sent: nothing at or below it is sent again. */
  private lastSentId = 0;
  private windowStartedAt = 0;
  private framesInWindow = 0;
  /** Live events held back while stored history is replayed; undefined once live. */
  private backlog: RoomEvent[] | undefined;
  private backlogBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly session: Session,
    readonly roomId: number,
    private readonly context: ConnectionContext,
  ) {
    connectionOf.set(ws, this);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('close', onClose);
    ws.on('error', onError);
  }

  /** Joins the room's fan-out; with `after`, first replays what was stored since. */
  async start(after: number | undefined): Promise<void> {
    if (after !== undefined) {
      this.backlog = [];
      this.lastSentId = after;
    }
    // Frames are read once live: a message sent before the room's subscription is ready (on a
    // node that had no socket in the room) would otherwise come back without its acknowledgement.
    this.ws.pause();
    try {
      await this.context.hub.join(this);
      if (after !== undefined) await this.replay();
      this.ws.resume();
    } catch {
      this.close(1011);
    }
  }

  /** A message of the room from someone else. Returns whether it was sent. */
  deliver(event: RoomEvent, payload: Buffer): boolean {
    if (event.id <= this.lastSentId) return false;
    if (this.backlog) return this.hold(event);
    this.lastSentId = event.id;
    return this.send(payload);
  }

  /** This connection's own message, now stored and published: acknowledge it in its place. */
  acknowledge(event: RoomEvent): void {
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
        if (stored.duplicate && clientId) this.send(ackFrame(storedEvent(stored).wire, clientId));
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

  close(code: number): void {
    this.context.hub.leave(this);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code);
    }
  }

  /** The socket is gone. */
  closed(): void {
    this.context.hub.leave(this);
    connectionOf.delete(this.ws);
  }

  private send(data: Buffer | string): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount > this.context.maxBufferedBytes) {
      this.context.metrics.slowConsumerCloses.inc();
      this.close(CLOSE_CODES.slowConsumer);
      return false;
    }
    this.ws.send(data, { binary: false });
    return true;
  }

  private sendError(code: ErrorCode, clientId: string | null): void {
    this.send(errorFrame(code, clientId));
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
    if (this.backlogBytes > this.context.maxBufferedBytes) {
      this.context.metrics.slowConsumerCloses.inc();
      this.close(CLOSE_CODES.slowConsumer);
    }
    return false;
  }

  /** Sends stored history page by page, each page once the previous one has drained, then goes live. */
  private async replay(): Promise<void> {
    for (;;) {
      const page = await this.context.store.history(this.roomId, {
        after: this.lastSentId,
        limit: REPLAY_PAGE,
      });
      const last = page.pop();
      for (const message of page) this.send(storedEvent(message).wire);
      if (!last) break;
      this.lastSentId = last.id;
      await this.sendAndDrain(storedEvent(last).wire);
      if (page.length + 1 < REPLAY_PAGE || this.ws.readyState !== this.ws.OPEN) break;
    }
    const held = this.backlog ?? [];
    this.backlog = undefined;
    this.backlogBytes = 0;
    for (const event of held) {
      if (event.origin === this.id) this.acknowledge(event);
      else this.deliver(event, Buffer.from(event.wire));
    }
  }

  private sendAndDrain(data: string): Promise<void> {
    return new Promise((resolve) => this.ws.send(data, { binary: false }, () => resolve()));
  }
}
