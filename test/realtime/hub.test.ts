// The hub with fake members and a fake feed: joins by room id, ordered fan-out, signals, new
// rooms for followers, closing by session, and subscriptions shared by every member of a room.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RoomEvent } from '../../src/domain/bus.js';
import type { RoomCreated } from '../../src/domain/conversation-events.js';
import type { RoomFeed } from '../../src/domain/message-flow.js';
import { createMetrics } from '../../src/metrics.js';
import type { Delivery } from '../../src/realtime/delivery.js';
import { Hub } from '../../src/realtime/hub.js';
import type { Follower } from '../../src/realtime/hub-member.js';

/** A member that records what the hub hands it; as a follower it also hears of new rooms. */
class FakeMember implements Follower {
  readonly delivered: Array<{ roomId: number; id: number; frame: string }> = [];
  readonly acknowledged: number[] = [];
  readonly signals: string[] = [];
  readonly roomsCreated: number[] = [];
  readonly closedWith: number[] = [];
  pings = 0;
  readonly session: { key: string; user: { id: number; login: string } };

  constructor(
    readonly id: number,
    userId: number,
    sessionKey = `session-${id}`,
  ) {
    this.session = { key: sessionKey, user: { id: userId, login: `user${userId}` } };
  }

  deliver(delivery: Delivery): boolean {
    const frame = delivery.forStream(this.session.user.id).toString();
    this.delivered.push({ roomId: delivery.event.roomId, id: delivery.event.id, frame });
    return true;
  }
  acknowledge(event: RoomEvent): void {
    this.acknowledged.push(event.id);
  }
  signal(frame: Buffer): void {
    this.signals.push(frame.toString());
  }
  roomCreated(event: RoomCreated): void {
    this.roomsCreated.push(event.roomId);
  }
  heartbeat(): void {
    this.pings += 1;
  }
  close(code: number): void {
    this.closedWith.push(code);
  }
  async shutDown(code: number): Promise<void> {
    this.close(code);
  }
}

/** A feed over rooms whose last ids are given, recording every (un)subscription. */
class FakeFeed implements RoomFeed {
  readonly calls: string[] = [];
  constructor(private readonly lastIds: Map<number, number> = new Map()) {}
  async subscribeRoom(roomId: number) {
    this.calls.push(`+room ${roomId}`);
  }
  async unsubscribeRoom(roomId: number) {
    this.calls.push(`-room ${roomId}`);
  }
  async subscribeUser(userId: number) {
    this.calls.push(`+user ${userId}`);
  }
  async unsubscribeUser(userId: number) {
    this.calls.push(`-user ${userId}`);
  }
  async lastMessageId(roomId: number) {
    return this.lastIds.get(roomId) ?? 0;
  }
  async messagesAfter(): Promise<RoomEvent[]> {
    return [];
  }
  async roomIdsOf(): Promise<number[]> {
    return [];
  }
  async roomCreatedFor(): Promise<RoomCreated | undefined> {
    return undefined;
  }
}

function event(roomId: number, id: number, previousId: number, origin?: number): RoomEvent {
  const wire = `{"id":${id},"room_id":${roomId}}`;
  return { roomId, id, previousId, userId: 1, wire, storedAt: Date.now(), origin, clientId: 'c' };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function hubOver(feed: FakeFeed): Hub {
  return new Hub({ feed, metrics: createMetrics(), gapWaitMs: 50 });
}

describe('Hub', () => {
  test('a sender whose message a gap fill delivered first still gets its acknowledgement', async () => {
    const hub = hubOver(new FakeFeed(new Map([[7, 5]])));
    const sender = new FakeMember(1, 1);
    const receiver = new FakeMember(2, 2);
    for (const member of [sender, receiver]) {
      hub.add(member);
      await hub.join(member, 7);
    }

    hub.message(event(7, 6, 5)); // the copy read back from the store, sender unknown
    hub.message(event(7, 6, 5, 1)); // the sender's own publish, arriving late

    assert.deepEqual(
      receiver.delivered.map((delivery) => delivery.id),
      [6],
    );
    assert.deepEqual(sender.acknowledged, [6]);
    hub.remove(sender);
    hub.remove(receiver);
  });

  test('a member of many rooms gets each room in order; the author sees its client id', async () => {
    const hub = hubOver(new FakeFeed());
    const stream = new FakeMember(1, 1);
    const other = new FakeMember(2, 2);
    hub.add(stream);
    hub.add(other);
    assert.deepEqual(await Promise.all([hub.join(stream, 1), hub.join(stream, 2)]), [0, 0]);
    await hub.join(other, 2);
    hub.message(event(1, 2, 1)); // waits for message 1 of room 1
    hub.message(event(2, 3, 0));
    hub.message(event(1, 1, 0));
    assert.deepEqual(
      stream.delivered.map(({ roomId, id }) => [roomId, id]),
      [
        [2, 3],
        [1, 1],
        [1, 2],
      ],
    );
    assert.match(stream.delivered[0]?.frame ?? '', /"client_id":"c"/);
    assert.doesNotMatch(other.delivered[0]?.frame ?? '', /client_id/);
    assert.ok(hub.isJoined(stream, 1) && hub.isJoined(stream, 2) && !hub.isJoined(other, 1));
    hub.remove(stream);
    hub.remove(other);
    assert.equal(hub.roomCount, 0);
    assert.equal(hub.connectionCount, 0);
  });

  test('one subscription per room whatever the number of members; dropped with the last', async () => {
    const feed = new FakeFeed();
    const hub = hubOver(feed);
    const [first, second, last] = [
      new FakeMember(1, 1),
      new FakeMember(2, 2),
      new FakeMember(3, 3),
    ];
    for (const member of [first, second, last]) {
      hub.add(member);
      await hub.join(member, 4);
    }
    hub.remove(first);
    hub.remove(second);
    assert.deepEqual(feed.calls, ['+room 4']);
    hub.remove(last);
    await settle();
    assert.deepEqual(feed.calls, ['+room 4', '-room 4']);
  });

  test('a removed member joins nothing', async () => {
    const feed = new FakeFeed();
    const hub = hubOver(feed);
    const gone = new FakeMember(1, 1);
    hub.add(gone);
    hub.remove(gone);
    await hub.join(gone, 3);
    assert.equal(hub.roomCount, 0);
    assert.deepEqual(feed.calls, []);
  });

  test('signals reach the members of the room, except those of the given user', async () => {
    const hub = hubOver(new FakeFeed());
    const reader = new FakeMember(1, 1);
    const readersPhone = new FakeMember(2, 1);
    const other = new FakeMember(3, 2);
    const elsewhere = new FakeMember(4, 3);
    for (const member of [reader, readersPhone, other]) {
      hub.add(member);
      await hub.join(member, 5);
    }
    hub.add(elsewhere);
    await hub.join(elsewhere, 6);
    hub.readMoved({ roomId: 5, userId: 1, lastReadId: 9 });
    const read = '{"type":"read","room_id":5,"user_id":1,"last_read_id":9}';
    assert.deepEqual(
      [reader.signals, readersPhone.signals, other.signals],
      [[read], [read], [read]],
    );
    hub.signal(5, '{"type":"typing"}', 1);
    assert.deepEqual(other.signals, [read, '{"type":"typing"}']);
    assert.deepEqual(reader.signals, [read]);
    assert.deepEqual(elsewhere.signals, []);
  });

  test("new rooms reach the members' followers; one user subscription per user", async () => {
    const feed = new FakeFeed();
    const hub = hubOver(feed);
    const laptop = new FakeMember(1, 1);
    const phone = new FakeMember(2, 1);
    const stranger = new FakeMember(3, 9);
    for (const member of [laptop, phone, stranger]) {
      hub.add(member);
      await hub.follow(member);
    }
    hub.roomCreated({ roomId: 8, memberIds: [1, 2], wire: '{}' });
    assert.deepEqual(
      [laptop.roomsCreated, phone.roomsCreated, stranger.roomsCreated],
      [[8], [8], []],
    );
    hub.unfollow(laptop);
    hub.unfollow(phone);
    await settle();
    assert.deepEqual(feed.calls, ['+user 1', '+user 9', '-user 1']);
  });

  test('a session end closes that session with 4001; heartbeat and shutdown reach everyone', async () => {
    const hub = hubOver(new FakeFeed());
    const loggedOut = [new FakeMember(1, 1, 'a'), new FakeMember(2, 1, 'a')];
    const stays = new FakeMember(3, 1, 'b');
    for (const member of [...loggedOut, stays]) hub.add(member);
    hub.sessionEnded('a');
    assert.deepEqual(
      loggedOut.map((member) => member.closedWith),
      [[4001], [4001]],
    );
    assert.deepEqual(stays.closedWith, []);
    hub.heartbeat();
    assert.equal(stays.pings, 1);
    await hub.closeAll(1001);
    assert.deepEqual(stays.closedWith, [1001]);
  });
});
