// The Redis Bus against a real Redis: local delivery at once, remote delivery by room, session ends, faults.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { type BusLog, openRedisBus } from '../../src/bus/redis-bus.js';
import type { Bus, BusListener, RoomEvent } from '../../src/domain/bus.js';
import type { ReadMoved, RoomCreated } from '../../src/domain/conversation-events.js';
import type { TypingSignal } from '../../src/domain/typing.js';
import { REDIS_URL, redisSkip } from '../helpers/cluster.js';
import {
  freePort,
  type PrivateRedis,
  redisServerSkip,
  startRedisServer,
} from '../helpers/redis-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const quietLog: BusLog = { warn() {}, info() {} };

/** A listener that keeps what it hears and lets a test wait for it. */
class Recorder implements BusListener {
  readonly events: RoomEvent[] = [];
  readonly sessionsEnded: string[] = [];
  readonly reads: ReadMoved[] = [];
  readonly typing: TypingSignal[] = [];
  readonly roomsCreated: RoomCreated[] = [];
  private wake: (() => void) | undefined;

  onRoomEvent(event: RoomEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  onReadMoved(event: ReadMoved): void {
    this.reads.push(event);
    this.wake?.();
  }

  onTyping(signal: TypingSignal): void {
    this.typing.push(signal);
    this.wake?.();
  }

  onRoomCreated(event: RoomCreated): void {
    this.roomsCreated.push(event);
    this.wake?.();
  }

  onSessionEnded(sessionKey: string): void {
    this.sessionsEnded.push(sessionKey);
    this.wake?.();
  }

  resumed = 0;

  onResumed(): void {
    this.resumed += 1;
    this.wake?.();
  }

  /** Resolves once `done()` holds; fails the test after 5 s. */
  async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the bus');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

function roomEvent(roomId: number, id: number): RoomEvent {
  return {
    roomId,
    id,
    previousId: id - 1,
    userId: 1,
    wire: JSON.stringify({ id, text: `message ${id}`, user_id: 1, room_id: roomId }),
    storedAt: Date.now(),
    origin: 7,
    clientId: `c${id}`,
  };
}

/** Let anything still in flight through Redis arrive before checking that nothing did. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('redis bus', { skip: redisSkip }, () => {
  const channelPrefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const open = (prefix = channelPrefix) =>
    openRedisBus({ url: REDIS_URL as string, channelPrefix: prefix, log: quietLog });
  let one: Bus;
  let two: Bus;
  const heardByOne = new Recorder();
  const heardByTwo = new Recorder();
  before(async () => {
    [one, two] = await Promise.all([open(), open()]);
    one.listen(heardByOne);
    two.listen(heardByTwo);
  });
  after(() => Promise.all([one?.close(), two?.close()]));

  test('an event reaches this node at once and the subscribed nodes without its origin', async () => {
    await two.subscribe(1);
    const event = roomEvent(1, 2);
    one.publish(event);
    assert.deepEqual(heardByOne.events, [event], 'delivered locally before publish returns');
    await heardByTwo.until(() => heardByTwo.events.length === 1);
    const { origin: _origin, ...shared } = event;
    assert.deepEqual(heardByTwo.events, [shared], 'the client id crosses: the author has streams');
    await settle();
    assert.equal(heardByOne.events.length, 1, 'a node ignores its own envelopes');
    heardByOne.events.length = 0;
    heardByTwo.events.length = 0;
  });

  test('a node hears only the rooms it subscribed to, until it unsubscribes', async () => {
    await two.subscribe(3);
    one.publish(roomEvent(4, 1));
    one.publish(roomEvent(3, 1));
    await heardByTwo.until(() => heardByTwo.events.length === 1);
    assert.equal(heardByTwo.events[0]?.roomId, 3);
    await two.unsubscribe(3);
    one.publish(roomEvent(3, 2));
    await settle();
    assert.equal(heardByTwo.events.length, 1);
    heardByOne.events.length = 0;
    heardByTwo.events.length = 0;
  });

  test('a read marker crosses on the room channel, to subscribed nodes only', async () => {
    const read = { roomId: 6, userId: 2, lastReadId: 57 };
    one.publishReadMoved({ ...read, roomId: 7 });
    await two.subscribe(6);
    one.publishReadMoved(read);
    assert.equal(heardByOne.reads.length, 2, 'delivered locally at once');
    await heardByTwo.until(() => heardByTwo.reads.length === 1);
    assert.deepEqual(heardByTwo.reads, [read]);
    await two.unsubscribe(6);
  });

  test('typing crosses on the room channel, to subscribed nodes only', async () => {
    const signal = { roomId: 8, userId: 3 };
    one.publishTyping({ ...signal, roomId: 9 });
    await two.subscribe(8);
    one.publishTyping(signal);
    assert.equal(heardByOne.typing.length, 2, 'delivered locally at once');
    await heardByTwo.until(() => heardByTwo.typing.length === 1);
    assert.deepEqual(heardByTwo.typing, [signal]);
    await two.unsubscribe(8);
  });

  test("a new room reaches the nodes subscribed to a member's channel, once per node", async () => {
    const wire = '{"id":9,"users":[{"id":4,"login":"x\\ny"},{"id":5,"login":"z"}]}';
    await two.subscribeUser(5);
    one.publishRoomCreated({ roomId: 9, memberIds: [3, 4, 5], wire });
    assert.deepEqual(heardByOne.roomsCreated, [{ roomId: 9, memberIds: [3, 4, 5], wire }]);
    await heardByTwo.until(() => heardByTwo.roomsCreated.length === 1);
    assert.deepEqual(heardByTwo.roomsCreated, [{ roomId: 9, memberIds: [5], wire }]);
    await two.unsubscribeUser(5);
    one.publishRoomCreated({ roomId: 10, memberIds: [5], wire });
    await settle();
    assert.equal(heardByTwo.roomsCreated.length, 1, 'unsubscribed: nothing more');
    assert.equal(heardByOne.roomsCreated.length, 2, 'a node ignores its own envelopes');
  });

  test('a session end reaches every node once', async () => {
    one.publishSessionEnded('session-key');
    assert.deepEqual(heardByOne.sessionsEnded, ['session-key']);
    await heardByTwo.until(() => heardByTwo.sessionsEnded.length === 1);
    assert.deepEqual(heardByTwo.sessionsEnded, ['session-key']);
    await settle();
    assert.deepEqual(heardByOne.sessionsEnded, ['session-key']);
  });

  test('clusters with different channel prefixes do not hear each other', async () => {
    const other = await open(`${channelPrefix}other:`);
    const heardByOther = new Recorder();
    other.listen(heardByOther);
    await other.subscribe(5);
    await two.subscribe(5);
    one.publish(roomEvent(5, 1));
    await heardByTwo.until(() => heardByTwo.events.length === 1);
    await settle();
    assert.deepEqual(heardByOther.events, []);
    await other.close();
  });

  test('ping answers while Redis is reachable', async () => {
    await one.ping();
  });
});

describe('redis bus without a reachable Redis', () => {
  test('serves this node, answers subscribe, and fails ping', async () => {
    const port = await freePort();
    const bus = await openRedisBus({
      url: `redis://127.0.0.1:${port}`,
      channelPrefix: 'test:unreachable:',
      log: quietLog,
    });
    const heard = new Recorder();
    bus.listen(heard);
    await bus.subscribe(1);
    const event = roomEvent(1, 1);
    bus.publish(event);
    bus.publishSessionEnded('key');
    assert.deepEqual(heard.events, [event]);
    assert.deepEqual(heard.sessionsEnded, ['key']);
    await assert.rejects(bus.ping());
    await bus.close();
  });
});

describe('redis bus across an outage', { skip: redisSkip || redisServerSkip }, () => {
  let redis: PrivateRedis;
  let one: Bus;
  let two: Bus;
  const heardByTwo = new Recorder();
  before(async () => {
    redis = await startRedisServer();
    const open = () => openRedisBus({ url: redis.url, channelPrefix: 'outage:', log: quietLog });
    [one, two] = await Promise.all([open(), open()]);
    one.listen(new Recorder());
    two.listen(heardByTwo);
    await Promise.all([two.subscribe(1), two.subscribe(2)]);
  });
  after(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await redis?.stop();
  });

  test('resumed is told once the subscriptions are live again', async () => {
    const raw = new Redis(redis.url, { lazyConnect: true });
    await redis.stop();
    await redis.start();
    await heardByTwo.until(() => heardByTwo.resumed > 0);
    await raw.connect();
    const [, subscribers] = (await raw.pubsub('NUMSUB', 'outage:room:1')) as [string, number];
    assert.equal(Number(subscribers), 1);
    raw.disconnect();
  });
});

describe('redis bus on a node cut off from Redis while the others are not', {
  skip: redisSkip,
}, () => {
  let proxy: TcpProxy;
  let cutOff: Bus;
  let other: Bus;
  const heard = new Recorder();
  before(async () => {
    const { hostname, port } = new URL(REDIS_URL as string);
    proxy = await TcpProxy.start(hostname, Number(port));
    const channelPrefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const open = (url: string) => openRedisBus({ url, channelPrefix, log: quietLog });
    [cutOff, other] = await Promise.all([
      open(`redis://127.0.0.1:${proxy.port}`),
      open(REDIS_URL as string),
    ]);
    cutOff.listen(new Recorder());
    other.listen(heard);
    await Promise.all([other.subscribe(1), other.subscribe(2)]);
  });
  after(async () => {
    await Promise.all([cutOff?.close(), other?.close()]);
    await proxy?.cut();
  });

  test("each room's last message it could not publish is published once it is back", async () => {
    await proxy.cut();
    // Once the client has seen its connection go: a publish then fails at once, unsent.
    await settle();
    const missed = [roomEvent(1, 20), roomEvent(1, 21), roomEvent(2, 30)];
    for (const event of missed) cutOff.publish(event);
    await proxy.resume();
    const heardIds = () => heard.events.map((event) => event.id);
    await heard.until(() => heardIds().includes(21) && heardIds().includes(30));
    await settle();
    assert.deepEqual(heardIds().slice(-2), [21, 30], 'the last of each room, in order');
  });
});
