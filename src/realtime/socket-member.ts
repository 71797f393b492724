// What a room socket and a stream share as members of the hub: an id, the session, the outbound
// side of the socket, the frame rate, the pace of reading, pings and closing. Each adds its own
// protocol.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Session } from '../domain/accounts.js';
import { FrameRate } from './frame-rate.js';
import { Outbound } from './outbound.js';
import { ReadPacer } from './read-pacer.js';
import type { RealtimeContext } from './realtime-context.js';
import { handleSocket, type SocketHandler } from './socket-events.js';

export abstract class SocketMember implements SocketHandler {
  readonly id: number;
  protected readonly out: Outbound;
  protected readonly rate: FrameRate;
  private readonly pacer: ReadPacer;

  constructor(
    protected readonly ws: WebSocket,
    socket: Duplex,
    readonly session: Session,
    protected readonly context: RealtimeContext,
  ) {
    this.id = context.newMemberId();
    this.out = new Outbound(ws, socket, context.limits);
    this.rate = new FrameRate(context.limits.messagesPerSecond);
    this.pacer = new ReadPacer(ws, context.limits.messagesPerSecond);
    handleSocket(ws, this);
    // No frame is read before the member is in its rooms' fan-out (see `start` of each).
    ws.pause();
  }

  receive(data: Buffer, isBinary: boolean): void {
    this.pacer.frameRead();
    this.receiveFrame(data, isBinary);
  }

  /** One client frame, in this socket's protocol. */
  protected abstract receiveFrame(data: Buffer, isBinary: boolean): void;

  /** The socket is gone: leave the hub. */
  abstract closed(): void;

  pong(): void {
    this.out.pong();
  }

  heartbeat(): void {
    this.out.heartbeat();
  }

  close(code: number): void {
    this.out.close(code);
  }

  shutDown(code: number, graceMs: number): Promise<void> {
    return this.out.shutDown(code, graceMs);
  }
}
