// How the browser client words days, times, names and counts, and which messages it groups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../client/src/index.js';
import {
  continues,
  dayLabel,
  listOfNames,
  listTime,
  roomName,
  unreadBadge,
} from '../../web/src/format.js';

const NOW = new Date(2026, 11, 2, 15, 30);
const at = (day: number, hour: number, minute = 0) =>
  new Date(2026, 11, day, hour, minute).toISOString();

function message(id: number, userId: number, createdAt: string): Message {
  return { id, text: 'т', user_id: userId, room_id: 1, created_at: createdAt };
}

test('days read as Today, Yesterday, then the date', () => {
  assert.equal(dayLabel(at(2, 0, 5), NOW), 'Today');
  assert.equal(dayLabel(at(1, 23, 59), NOW), 'Yesterday');
  const older = dayLabel(at(30, 12), new Date(2026, 11, 2));
  assert.notEqual(older, 'Yesterday');
  assert.match(older, /2026/);
});

test('the room list shows the clock today and the date before', () => {
  assert.match(listTime(at(2, 9, 7), NOW), /09:07|9:07/);
  assert.doesNotMatch(listTime(at(1, 9, 7), NOW), /:/);
});

test('one author within five minutes on one day is one group', () => {
  const first = message(1, 7, at(2, 10, 0));
  assert.equal(continues(undefined, first), false);
  assert.equal(continues(first, message(2, 7, at(2, 10, 4))), true);
  assert.equal(continues(first, message(2, 8, at(2, 10, 1))), false, 'another author');
  assert.equal(continues(first, message(2, 7, at(2, 10, 6))), false, 'too long after');
  const lateEvening = message(3, 7, at(1, 23, 58));
  assert.equal(continues(lateEvening, message(4, 7, at(2, 0, 1))), false, 'another day');
});

test('names, room names and unread badges', () => {
  assert.equal(listOfNames(['Пётр']), 'Пётр');
  assert.equal(listOfNames(['Пётр', 'Анна', 'Иван']), 'Пётр, Анна and Иван');
  const me = { id: 1, login: 'Алиса' };
  const room = { id: 5, users: [me, { id: 2, login: 'Пётр' }] };
  assert.equal(roomName(room, me), 'Пётр');
  assert.equal(roomName({ id: 6, users: [me] }, me), 'Алиса (just you)');
  assert.equal(unreadBadge(7), '7');
  assert.equal(unreadBadge(1000), '999+');
});
