// Typing: members only, one relay per user and room every 2 s, the rest dropped without an error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TYPING_EVERY_MS, Typing, type TypingSignal } from '../../src/domain/typing.js';
import { AppError } from '../../src/errors.js';

function setup(members: Record<number, number[]> = { 10: [1, 2], 11: [1] }) {
  let now = 1_000_000;
  const relayed: TypingSignal[] = [];
  const queries: string[] = [];
  const typing = new Typing({
    isMember: async (roomId, userId) => {
      queries.push(`${userId}:${roomId}`);
      return members[roomId]?.includes(userId) ?? false;
    },
    relay: { relayTyping: (signal) => relayed.push(signal) },
    now: () => now,
  });
  return {
    typing,
    relayed,
    queries,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('Typing', () => {
  test('a member typing is relayed; again within 2 s is dropped, after 2 s relayed again', async () => {
    const { typing, relayed, advance } = setup();
    await typing.signal(1, 10);
    advance(TYPING_EVERY_MS - 1);
    await typing.signal(1, 10);
    assert.deepEqual(relayed, [{ roomId: 10, userId: 1 }]);
    advance(1);
    await typing.signal(1, 10);
    assert.equal(relayed.length, 2);
  });

  test('each user and room has a window of its own', async () => {
    const { typing, relayed } = setup();
    await typing.signal(1, 10);
    await typing.signal(2, 10);
    await typing.signal(1, 11);
    assert.deepEqual(relayed, [
      { roomId: 10, userId: 1 },
      { roomId: 10, userId: 2 },
      { roomId: 11, userId: 1 },
    ]);
  });

  test('a room the user is not in: room_not_found, nothing relayed, nothing remembered', async () => {
    const { typing, relayed, queries } = setup();
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(
        typing.signal(2, 11),
        (error) => error instanceof AppError && error.code === 'room_not_found',
      );
    }
    assert.deepEqual(relayed, []);
    assert.deepEqual(queries, ['2:11', '2:11']);
  });

  test('dropped signals cost no query', async () => {
    const { typing, queries, advance } = setup();
    for (let signal = 0; signal < 20; signal++) {
      await typing.signal(1, 10);
      advance(100);
    }
    assert.deepEqual(queries, ['1:10']);
  });

  test('signals racing during the membership read are relayed once', async () => {
    const { typing, relayed } = setup();
    await Promise.all(Array.from({ length: 5 }, () => typing.signal(1, 10)));
    assert.equal(relayed.length, 1);
  });

  test('100 members typing all the time: one relay each per 2 s', async () => {
    const everyone = Array.from({ length: 100 }, (_, index) => index + 1);
    const { typing, relayed, advance } = setup({ 10: everyone });
    for (let tick = 0; tick < 40; tick++) {
      await Promise.all(everyone.map((userId) => typing.signal(userId, 10)));
      advance(100);
    }
    // 40 ticks of 100 ms: 4 s, so two windows.
    assert.equal(relayed.length, 200);
  });
});
