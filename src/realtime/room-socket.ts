// One client's socket in one room (the original protocol): text frames in, messages, acks and
// errors out, with the catch-up of `after=` first.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Session } from '../domain/accounts.js';
import type { RoomEvent } from '../domain/bus.js';
import { toMessageJson } from '../domain/messages.js';
import { AppError } from '../errors.js';
import { CatchUp } from './catch-up.js';
import { CLOSE_CODES } from './close-codes.js';
import { Delivery } from './delivery.js';
import { ackFrame, errorFrame, parseFrame, type RoomSocketError, sendFailure } from './frames.js';
import type { HubMember } from './hub-member.js';
import type { RealtimeContext } from './realtime-context.js';
import { SocketMember } from './socket-member.js';

const wireOf = (event: RoomEvent) => event.wire;

export class RoomSocket extends SocketMember implements HubMember {
  /** Id of the last message this socket was sent: nothing at or below it is sent again. */
  private lastSentId = 0;
  /** Set while stored history is replayed; undefined once live. */
  private catchUp: CatchUp | undefined;

  constructor(
    ws: WebSocket,
    socket: Duplex,
    session: Session,
    readonly roomId: number,
    context: RealtimeContext,
  ) {
    super(ws, socket, session, context);
  }

  /**
   * Joins the room's fan-out, replaying first what was stored after `after` until the join. No
   * frame was read before: the acknowledgement of every message this socket sends comes back
   * through the fan-out, in id order.
   */
  async start(after: number): Promise<void> {
    const { hub, feed } = this.context;
    this.catchUp = new CatchUp(this.roomId, feed, this.out);
    this.lastSentId = after;
    try {
      hub.add(this);
      const joinedAfter = await hub.join(this, this.roomId);
      this.ws.resume();
      // An `after` past the room's last message must not hold back the messages still to come.
      this.lastSentId = Math.min(after, joinedAfter);
      this.lastSentId = await this.catchUp.replay(this.lastSentId, joinedAfter, wireOf);
      this.goLive();
    } catch {
      this.out.close(CLOSE_CODES.serverError);
    }
  }

  deliver(delivery: Delivery): boolean {
    if (delivery.event.id <= this.lastSentId || !this.out.isOpen()) return false;
    if (this.catchUp) {
      this.catchUp.hold(delivery, delivery.forRoomSocket().length);
      return false;
    }
    this.lastSentId = delivery.event.id;
    return this.out.send(delivery.forRoomSocket());
  }

  acknowledge(event: RoomEvent): void {
    if (!this.out.isOpen()) return;
    if (this.catchUp) {
      this.catchUp.hold(new Delivery(event), Buffer.byteLength(event.wire));
      return;
    }
    this.lastSentId = Math.max(this.lastSentId, event.id);
    if (event.clientId) this.out.send(ackFrame(event.wire, event.clientId));
  }

  /** Room sockets speak the original protocol: room signals are for streams only. */
  signal(): void {}

  protected receiveFrame(data: Buffer, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
    const { clientId } = frame;
    if (!frame.ok) {
      this.sendError(frame.code, clientId);
      return;
    }
    const refusal = this.context.refusal(this.rate, this.session);
    if (refusal) {
      this.sendError(refusal, clientId);
      return;
    }
    const admitted = this.context.messages.admit({
      roomId: this.roomId,
      userId: this.session.user.id,
      text: frame.text,
      clientId,
    });
    if (admitted instanceof AppError) {
      this.sendError(sendFailure(admitted), clientId);
      return;
    }
    this.context.messages.post(admitted, this.id).then(
      (stored) => {
        // A retry of a stored client id is not published again: acknowledge it here.
        if (stored.duplicate && clientId) {
          this.out.send(ackFrame(JSON.stringify(toMessageJson(stored)), clientId));
        }
      },
      (error: unknown) => this.sendError(sendFailure(error), clientId),
    );
  }

  closed(): void {
    this.context.hub.remove(this);
  }

  private sendError(code: RoomSocketError, clientId: string | null): void {
    this.out.send(errorFrame(code, clientId));
  }

  /** What the fan-out brought during the replay goes out now, in order, after the replay. */
  private goLive(): void {
    const held = this.catchUp?.release() ?? [];
    this.catchUp = undefined;
    let delivered = 0;
    for (const delivery of held) {
      if (delivery.event.origin === this.id) this.acknowledge(delivery.event);
      else if (this.deliver(delivery)) delivered++;
    }
    this.context.limits.metrics.deliveries.inc(delivered);
  }
}
