// Typing: one relay per user and room every 2 s, the signals between dropped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TYPING_EVERY_MS, Typing, type TypingSignal } from '../../src/domain/typing.js';

function setup() {
  let now = 1_000_000;
  const relayed: TypingSignal[] = [];
  const typing = new Typing({ publishTyping: (signal) => relayed.push(signal) }, () => now);
  return {
    typing,
    relayed,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('Typing', () => {
  test('relayed; again within 2 s dropped; after 2 s relayed again', () => {
    const { typing, relayed, advance } = setup();
    typing.signal(1, 10);
    advance(TYPING_EVERY_MS - 1);
    typing.signal(1, 10);
    assert.deepEqual(relayed, [{ roomId: 10, userId: 1 }]);
    advance(1);
    typing.signal(1, 10);
    assert.equal(relayed.length, 2);
  });

  test('each user and room has a window of its own', () => {
    const { typing, relayed } = setup();
    typing.signal(1, 10);
    typing.signal(2, 10);
    typing.signal(1, 11);
    typing.signal(1, 10);
    assert.deepEqual(relayed, [
      { roomId: 10, userId: 1 },
      { roomId: 10, userId: 2 },
      { roomId: 11, userId: 1 },
    ]);
  });

  test('a signal just before a generation swap still holds back the next one', () => {
    const { typing, relayed, advance } = setup();
    typing.signal(1, 10);
    advance(TYPING_EVERY_MS - 100);
    typing.signal(2, 10);
    advance(150);
    // The swap happened at the first signal's window end: user 2's entry is in the old generation.
    typing.signal(2, 10);
    assert.equal(relayed.filter((signal) => signal.userId === 2).length, 1);
  });

  test('100 members typing every 100 ms: one relay each per 2 s', () => {
    const { typing, relayed, advance } = setup();
    for (let tick = 0; tick < 40; tick++) {
      for (let userId = 1; userId <= 100; userId++) typing.signal(userId, 10);
      advance(100);
    }
    // 40 ticks of 100 ms: two windows.
    assert.equal(relayed.length, 200);
  });
});
