// Message order: each message passes once per room, only forward, rooms independent of each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageOrder } from '../src/message-order.js';
import type { Message } from '../src/types.js';

function message(roomId: number, id: number): Message {
  return { id, room_id: roomId, user_id: 1, text: `m${id}`, created_at: '2026-01-01T00:00:00Z' };
}

test('a duplicate or an older message does not pass again', () => {
  const order = new MessageOrder();
  const passed = [3, 5, 5, 4, 7, 3, 8].filter((id) => order.accept(message(10, id)));
  assert.deepEqual(passed, [3, 5, 7, 8]);
  assert.equal(order.lastId(10), 8);
});

test('rooms are ordered each on its own', () => {
  const order = new MessageOrder();
  assert.ok(order.accept(message(1, 9)));
  assert.ok(order.accept(message(2, 4)));
  assert.ok(!order.accept(message(1, 4)));
  assert.deepEqual([order.lastId(1), order.lastId(2), order.lastId(3)], [9, 4, undefined]);
});

test('seenUpTo skips older history and never moves back', () => {
  const order = new MessageOrder();
  order.seenUpTo(1, 0);
  assert.equal(order.lastId(1), 0);
  order.seenUpTo(1, 20);
  order.seenUpTo(1, 10);
  assert.equal(order.lastId(1), 20);
  assert.ok(!order.accept(message(1, 15)));
  assert.ok(order.accept(message(1, 21)));
});
