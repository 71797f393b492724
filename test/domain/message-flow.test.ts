// The message flow: stored messages published once and counted, stored pages dated by when they
// were stored, conversation events and session ends carried to the listener.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LocalBus } from '../../src/bus/local-bus.js';
import type { RoomEvent } from '../../src/domain/bus.js';
import type { ReadMoved, RoomCreated } from '../../src/domain/conversation-events.js';
import { type ConversationListener, MessageFlow } from '../../src/domain/message-flow.js';
import type { HistoryRange, StoredMessage } from '../../src/domain/ports/messages.js';
import type { TypingSignal } from '../../src/domain/typing.js';

const CREATED_AT = 1_700_000_000;

function stored(id: number): StoredMessage {
  return {
    id,
    previousId: id - 1,
    roomId: 3,
    userId: 2,
    text: `m${id}`,
    clientId: `c${id}`,
    createdAt: CREATED_AT,
    duplicate: false,
  };
}

class Recorder implements ConversationListener {
  readonly heard: Array<RoomEvent | ReadMoved | RoomCreated | TypingSignal | string> = [];
  message(event: RoomEvent) {
    this.heard.push(event);
  }
  readMoved(event: ReadMoved) {
    this.heard.push(event);
  }
  typing(signal: TypingSignal) {
    this.heard.push(signal);
  }
  roomCreated(event: RoomCreated) {
    this.heard.push(event);
  }
  sessionEnded(sessionKey: string) {
    this.heard.push(sessionKey);
  }
  busResumed() {
    this.heard.push('resumed');
  }
}

function flowWith() {
  const ranges: HistoryRange[] = [];
  const forgotten: string[] = [];
  let storedCount = 0;
  const store = {
    async history(_roomId: number, range: HistoryRange) {
      ranges.push(range);
      return [stored(5), stored(6)];
    },
    async lastMessageId() {
      return 6;
    },
    async roomIdsOf() {
      return [3];
    },
    async roomOfMember() {
      return undefined;
    },
  };
  const flow = new MessageFlow({
    store,
    bus: new LocalBus(),
    storedCounter: {
      inc() {
        storedCount += 1;
      },
    },
    forgetSession: (key) => forgotten.push(key),
  });
  const listener = new Recorder();
  flow.deliverTo(listener);
  return { flow, listener, ranges, forgotten, storedCount: () => storedCount };
}

describe('MessageFlow', () => {
  test('a stored message is counted and published once, dated now, with its origin', () => {
    const { flow, listener, storedCount } = flowWith();
    const before = Date.now();
    flow.published(stored(7), 12);
    const [event] = listener.heard as RoomEvent[];
    assert.equal(storedCount(), 1);
    assert.equal(event?.origin, 12);
    assert.equal(event?.clientId, 'c7');
    assert.equal(event?.userId, 2);
    assert.ok((event?.storedAt ?? 0) >= before);
  });

  test('stored pages are dated by created_at: a gap fill is not measured as instant', async () => {
    const { flow, ranges } = flowWith();
    const events = await flow.messagesAfter(3, 4, 200, 6);
    assert.deepEqual(ranges, [{ after: 4, before: 7, limit: 200 }]);
    assert.deepEqual(
      events.map((event) => event.storedAt),
      [CREATED_AT * 1000, CREATED_AT * 1000],
    );
    assert.equal(events[0]?.origin, undefined);
  });

  test('conversation events and session ends reach the listener; a session end is forgotten', () => {
    const { flow, listener, forgotten } = flowWith();
    const created = { roomId: 3, memberIds: [1, 2], wire: '{}' };
    const read = { roomId: 3, userId: 1, lastReadId: 6 };
    flow.roomCreated(created);
    const typing = { roomId: 3, userId: 2 };
    flow.readMoved(read);
    flow.publishTyping(typing);
    flow.sessionEnded('key');
    assert.deepEqual(listener.heard, [created, read, typing, 'key']);
    assert.deepEqual(forgotten, ['key']);
  });
});
