// One device's stream: a member of every room of its user. `ready` once every room's fan-out
// includes it, then messages, new rooms and read markers; client frames are checked and routed.
import type { RoomEvent } from '../domain/bus.js';
import type { RoomCreated } from '../domain/conversation-events.js';
import { CatchUp } from './catch-up.js';
import { CLOSE_CODES } from './close-codes.js';
import { Delivery } from './delivery.js';
import type { Follower } from './hub-member.js';
import { SocketMember } from './socket-member.js';
import {
  parseStreamFrame,
  presenceFrame,
  readyFrame,
  roomFrame,
  type StreamError,
  type StreamRequest,
  streamErrorFrame,
} from './stream-frames.js';

export class Stream extends SocketMember implements Follower {
  /** Until `ready`: the joins still under way (rooms created meanwhile included). */
  private joining: Promise<unknown>[] | undefined = [];
  /** Members of rooms created while joining: contacts that the list read before may lack. */
  private newContacts: number[] = [];
  /** Rooms created since `ready`, caught up from their first message: few, and only briefly. */
  private newRooms: Map<number, CatchUp> | undefined;

  /** Joins every room of the user, then says `ready` with the contacts online; client frames (they name rooms) are read from then on. */
  async start(): Promise<void> {
    const { hub, feed, presence } = this.context;
    const userId = this.session.user.id;
    try {
      hub.add(this);
      // First the new rooms, then the list: a room created meanwhile is in one or the other.
      await hub.follow(this);
      const [roomIds, contacts] = await Promise.all([
        feed.roomIdsOf(userId),
        presence.contactsOf(userId),
      ]);
      for (const roomId of roomIds) this.joinQuietly(roomId);
      while (this.joining && this.joining.length > 0) await Promise.all(this.joining.splice(0));
      this.joining = undefined;
      // In the same turn as the first presence frame may pass: the list and the frames agree.
      this.out.send(
        readyFrame(presence.onlineAmong([...new Set([...contacts, ...this.newContacts])])),
      );
      this.newContacts = [];
      this.ws.resume();
    } catch {
      this.out.close(CLOSE_CODES.serverError);
    }
  }

  /** Before `ready` nothing is sent: the client reads what it missed after `ready`. */
  deliver(delivery: Delivery): boolean {
    if (this.joining) return false;
    const frame = delivery.forStream(this.session.user.id);
    const catchUp = this.newRooms?.get(delivery.event.roomId);
    if (catchUp) {
      catchUp.hold(delivery, frame.length);
      return false;
    }
    return this.out.send(frame);
  }

  /** A stream sends no messages: nothing is its own to acknowledge. */
  acknowledge(): void {}

  signal(frame: Buffer): void {
    if (!this.joining) this.out.send(frame);
  }

  roomCreated({ roomId, memberIds, wire }: RoomCreated): void {
    if (this.context.hub.isJoined(this, roomId)) return;
    // Its members may be new contacts: those online are told now, not at the next reconnect.
    const others = memberIds.filter((userId) => userId !== this.session.user.id);
    if (this.joining) {
      this.joinQuietly(roomId);
      this.newContacts.push(...others);
      return;
    }
    this.out.send(roomFrame(wire));
    for (const userId of this.context.presence.onlineAmong(others)) {
      this.out.send(presenceFrame({ userId, online: true }));
    }
    void this.catchUpNewRoom(roomId);
  }

  protected receiveFrame(data: Buffer, isBinary: boolean): void {
    const frame = parseStreamFrame(data, isBinary);
    const refusal = frame.ok ? this.context.refusal(this.rate, this.session) : frame.code;
    if (refusal) this.sendError(refusal, frame.clientId);
    else if (frame.ok) this.handle(frame.request, frame.clientId);
  }

  closed(): void {
    this.context.hub.unfollow(this);
    this.context.hub.remove(this);
  }

  private handle(request: StreamRequest, clientId: string | null): void {
    if (!this.context.hub.isJoined(this, request.roomId)) {
      this.sendError('room_not_found', clientId);
      return;
    }
    this.context.typing?.typing(this.session, request.roomId);
  }

  private joinQuietly(roomId: number): void {
    this.joining?.push(this.context.hub.join(this, roomId));
  }

  /**
   * A room created after `ready`: its `room` frame went first, then every message of it from the
   * first, those stored before the join from the store, the live ones after them.
   */
  private async catchUpNewRoom(roomId: number): Promise<void> {
    const catchUp = new CatchUp(roomId, this.context.feed, this.out);
    this.newRooms ??= new Map();
    this.newRooms.set(roomId, catchUp);
    try {
      const joinedAfter = await this.context.hub.join(this, roomId);
      await catchUp.replay(0, joinedAfter, (event) => this.frameOf(event));
      const held = catchUp.release();
      for (const delivery of held) this.out.send(delivery.forStream(this.session.user.id));
      this.context.limits.metrics.deliveries.inc(held.length);
    } catch {
      this.out.close(CLOSE_CODES.serverError);
    } finally {
      this.newRooms?.delete(roomId);
      if (this.newRooms?.size === 0) this.newRooms = undefined;
    }
  }

  private frameOf(event: RoomEvent): Buffer {
    return new Delivery(event).forStream(this.session.user.id);
  }

  private sendError(code: StreamError, clientId: string | null): void {
    this.out.send(streamErrorFrame(code, clientId));
  }
}
