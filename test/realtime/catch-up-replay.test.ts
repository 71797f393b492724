// A catch-up holds live deliveries against the client's budget in bytes, and replays the stored
// pages up to where the fan-out took over.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RoomEvent } from '../../src/domain/bus.js';
import type { RoomFeed } from '../../src/domain/message-flow.js';
import { CatchUp } from '../../src/realtime/catch-up.js';
import { Delivery } from '../../src/realtime/delivery.js';

const BUDGET = 1000;

/** An outbound that records what it sends and admits up to BUDGET bytes held. */
class FakeOut {
  readonly sent: string[] = [];
  slowCloses = 0;
  isOpen(): boolean {
    return this.slowCloses === 0;
  }
  admits(bytes: number): boolean {
    if (bytes <= BUDGET) return true;
    this.slowCloses += 1;
    return false;
  }
  sendStored(data: Buffer | string): undefined {
    this.sent.push(data.toString());
    return undefined;
  }
}

function event(id: number, text = 'x'): RoomEvent {
  const wire = JSON.stringify({ id, text });
  return { roomId: 1, id, previousId: id - 1, userId: 1, wire, storedAt: 0, clientId: null };
}

/** A room of `count` stored messages, read in pages. */
class FakeFeed implements Pick<RoomFeed, 'messagesAfter'> {
  readonly pages: Array<[number, number | undefined]> = [];
  constructor(private readonly count: number) {}
  async messagesAfter(_roomId: number, afterId: number, limit: number, upTo?: number) {
    this.pages.push([afterId, upTo]);
    const last = Math.min(this.count, upTo ?? this.count, afterId + limit);
    return Array.from({ length: Math.max(0, last - afterId) }, (_, n) => event(afterId + n + 1));
  }
}

describe('CatchUp', () => {
  test('the held budget counts bytes, not UTF-16 characters', () => {
    const out = new FakeOut();
    const catchUp = new CatchUp(1, new FakeFeed(0), out);
    // 300 Cyrillic letters: 300 UTF-16 units, 600 bytes; two of them pass a 1000-byte budget.
    const cyrillic = new Delivery(event(1, 'ж'.repeat(300)));
    const bytes = cyrillic.forRoomSocket().length;
    assert.ok(bytes > 600 && cyrillic.event.wire.length < 400);
    catchUp.hold(cyrillic, bytes);
    assert.equal(out.slowCloses, 0);
    catchUp.hold(new Delivery(event(2, 'ж'.repeat(300))), bytes);
    assert.equal(out.slowCloses, 1, 'closed as slow once the bytes pass the budget');
    assert.deepEqual(catchUp.release(), [], 'nothing is kept for a closed client');
  });

  test('replays the stored pages after `after` up to `until`, then releases the held in order', async () => {
    const out = new FakeOut();
    const feed = new FakeFeed(450);
    const catchUp = new CatchUp(1, feed, out);
    const live = [new Delivery(event(451)), new Delivery(event(452))];
    for (const delivery of live) catchUp.hold(delivery, 10);
    assert.equal(await catchUp.replay(5, 420, (stored) => stored.wire), 420);
    assert.equal(out.sent.length, 415);
    assert.equal(out.sent[0], event(6).wire);
    assert.deepEqual(feed.pages, [
      [5, 420],
      [205, 420],
      [405, 420],
    ]);
    assert.deepEqual(catchUp.release(), live);
  });
});
