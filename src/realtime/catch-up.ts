// Catching one socket up on one room from the store while the live fan-out already flows: the
// stored messages go out page by page as the socket drains, the live ones are held meanwhile.
import type { RoomEvent } from '../domain/bus.js';
import type { RoomFeed } from '../domain/message-flow.js';
import type { Delivery } from './delivery.js';
import type { Outbound } from './outbound.js';

const REPLAY_PAGE = 200;

export class CatchUp {
  private held: Delivery[] = [];
  private heldBytes = 0;

  constructor(
    private readonly roomId: number,
    private readonly feed: Pick<RoomFeed, 'messagesAfter'>,
    private readonly out: Pick<Outbound, 'admits' | 'isOpen' | 'sendStored'>,
  ) {}

  /** Holds a live delivery of `bytes` for later; a client past its budget is closed as slow. */
  hold(delivery: Delivery, bytes: number): void {
    this.held.push(delivery);
    this.heldBytes += bytes;
    if (!this.out.admits(this.heldBytes)) this.held = [];
  }

  /**
   * Sends the messages stored after `after` up to `until` (those the fan-out will not bring),
   * each as `frame` makes it; resolves with the id of the last one sent.
   */
  async replay(after: number, until: number, frame: (event: RoomEvent) => Buffer | string) {
    let lastSentId = after;
    while (lastSentId < until && this.out.isOpen()) {
      const page = await this.feed.messagesAfter(this.roomId, lastSentId, REPLAY_PAGE, until);
      const last = page.at(-1);
      if (!last) break;
      for (const event of page) await this.out.sendStored(frame(event));
      lastSentId = last.id;
    }
    return lastSentId;
  }

  /** The live deliveries held so far, in arrival order; none are held after this. */
  release(): Delivery[] {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    return held;
  }
}
