// One message on its way to this node's sockets: each shape of its frame is encoded once, when
// the first socket that needs it is written to, and shared by all the others.
import type { RoomEvent } from '../domain/bus.js';
import { ackFrame } from './frames.js';
import { messageFrame } from './stream-frames.js';

export class Delivery {
  private roomSocketFrame: Buffer | undefined;
  private streamFrame: Buffer | undefined;
  private authorStreamFrame: Buffer | undefined;

  constructor(readonly event: RoomEvent) {}

  /** The message JSON, as room sockets receive it. */
  forRoomSocket(): Buffer {
    this.roomSocketFrame ??= Buffer.from(this.event.wire);
    return this.roomSocketFrame;
  }

  /** The stream frame for a stream of `userId`: the author's own streams see the client id. */
  forStream(userId: number): Buffer {
    const { event } = this;
    if (userId === event.userId && event.clientId !== null) {
      this.authorStreamFrame ??= Buffer.from(messageFrame(ackFrame(event.wire, event.clientId)));
      return this.authorStreamFrame;
    }
    this.streamFrame ??= Buffer.from(messageFrame(event.wire));
    return this.streamFrame;
  }
}
