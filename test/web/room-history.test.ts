// What the browser client keeps of each room: a window of the latest messages that stays bounded
// however long the tab lives, and what left it can be read again from the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../client/src/index.js';
import {
  PAGE,
  READING_UP_WINDOW,
  RoomHistories,
  RoomHistory,
  WINDOW,
} from '../../web/src/room-history.js';

function message(id: number, roomId = 1): Message {
  return { id, text: `m${id}`, user_id: 2, room_id: roomId, created_at: '2026-12-02T12:00:00Z' };
}

const ids = (history: RoomHistory) => history.messages.map((kept) => kept.id);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, n) => from + n);

function opened(count: number): RoomHistory {
  const history = new RoomHistory();
  history.add(range(1, count).map((id) => message(id)));
  history.hasOlder = false;
  history.loaded = true;
  return history;
}

test('the open room keeps its last messages while the reader follows; older ones load again', () => {
  const history = opened(PAGE);
  for (const id of range(PAGE + 1, WINDOW + 100)) {
    assert.equal(history.addLive(message(id), true), true);
  }
  assert.deepEqual(ids(history), range(101, WINDOW + 100));
  assert.equal(history.hasOlder, true, 'what went is on the server');
  assert.equal(history.has(100), false);
  // Scrolling up reads the page before the first message here: it joins again.
  assert.equal(history.add(range(51, 100).map((id) => message(id))).length, 50);
  assert.equal(history.messages[0]?.id, 51);
});

test('reading further up, live messages join up to a limit, then the latest is read again', () => {
  const history = opened(WINDOW);
  for (const id of range(WINDOW + 1, READING_UP_WINDOW)) {
    assert.equal(history.addLive(message(id), false), true);
  }
  assert.equal(history.messages.length, READING_UP_WINDOW, 'nothing goes under the reader');
  assert.equal(history.addLive(message(READING_UP_WINDOW + 1), false), false);
  assert.equal(history.behind, true);
  // Even the user's own message waits: the window would have a gap before it.
  assert.equal(history.addLive(message(READING_UP_WINDOW + 2), true), false);
  assert.equal(history.messages.length, READING_UP_WINDOW);
  // Left with a window that is not the latest, nothing stays: the room is read afresh.
  history.keepLatestPage();
  assert.deepEqual([history.messages.length, history.loaded, history.behind], [0, false, false]);
  assert.equal(history.addLive(message(READING_UP_WINDOW + 3), true), true);
});

test('a room not shown keeps only its latest page; rooms never opened keep nothing', () => {
  const histories = new RoomHistories();
  const shown = histories.of(1);
  shown.add(range(1, WINDOW).map((id) => message(id)));
  shown.keepLatestPage();
  assert.deepEqual(ids(shown), range(WINDOW - PAGE + 1, WINDOW));
  for (const id of range(WINDOW + 1, WINDOW + 10)) histories.onMessage(message(id));
  assert.deepEqual(ids(histories.of(1)), range(WINDOW - PAGE + 11, WINDOW + 10));
  assert.equal(histories.of(1).hasOlder, true);
  histories.onMessage(message(WINDOW + 11, 2));
  assert.deepEqual(ids(histories.of(2)), []);
});

test('what a room kept shows at once only if the first unread message is in it', () => {
  const history = opened(PAGE + 10);
  history.keepLatestPage();
  assert.equal(history.reaches(undefined), true, 'nothing unread known');
  assert.equal(history.reaches(11), true);
  assert.equal(history.reaches(5), false, 'what followed message 5 went with the oldest');
  assert.equal(opened(10).reaches(0), true, 'the room has nothing before');
});
