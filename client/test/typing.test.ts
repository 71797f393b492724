// Typing: outgoing signals throttled per room; incoming ones shown for 6 s or until a message.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { TypingIndicators } from '../src/typing-indicators.js';
import { TypingThrottle } from '../src/typing-throttle.js';

test('one typing signal per room every 2 s; rooms apart', () => {
  let now = 0;
  const throttle = new TypingThrottle(2000, () => now);
  assert.ok(throttle.allow(1));
  assert.ok(throttle.allow(2));
  now = 1999;
  assert.ok(!throttle.allow(1));
  now = 2000;
  assert.ok(throttle.allow(1));
  assert.ok(!throttle.allow(1));
});

test('an indicator lasts 6 s after the last signal, then clears', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const changes: number[][] = [];
  const indicators = new TypingIndicators((_room, users) => changes.push(users));
  indicators.typing(10, 2);
  mock.timers.tick(4000);
  indicators.typing(10, 2);
  indicators.typing(10, 3);
  mock.timers.tick(5999);
  assert.deepEqual(indicators.typingIn(10), [2, 3]);
  mock.timers.tick(1);
  assert.deepEqual(indicators.typingIn(10), []);
  assert.deepEqual(changes, [[2], [2, 3], [3], []]);
});

test('a message of the typing user ends their indicator at once, only theirs', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const indicators = new TypingIndicators(() => undefined);
  indicators.typing(10, 2);
  indicators.typing(10, 3);
  indicators.typing(11, 2);
  indicators.stop(10, 2);
  assert.deepEqual(indicators.typingIn(10), [3]);
  assert.deepEqual(indicators.typingIn(11), [2]);
  indicators.clear();
  assert.deepEqual([indicators.typingIn(10), indicators.typingIn(11)], [[], []]);
});
