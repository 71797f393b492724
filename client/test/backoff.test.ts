// Back-off: the ceiling doubles per failure up to the maximum, jitter spreads within it, a success resets it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../src/backoff.js';

test('the ceiling doubles with each failure and stops at the maximum', () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
  const delays = Array.from({ length: 6 }, () => backoff.next());
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
});

test('full jitter: each delay is the random share of its ceiling', () => {
  const shares = [0, 0.5, 0.25];
  const backoff = new Backoff({ initialMs: 100, maxMs: 10_000, random: () => shares.shift() ?? 0 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [0, 100, 100]);
});

test('a success makes the next failure wait as little as the first', () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 10_000, random: () => 0.999999 });
  backoff.next();
  backoff.next();
  backoff.reset();
  assert.equal(backoff.next(), 100);
});

test('delays stay within bounds after very many failures', () => {
  const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  for (let attempt = 0; attempt < 2000; attempt++) {
    const delay = backoff.next();
    assert.ok(delay >= 0 && delay <= 30_000, `delay ${delay}`);
  }
});
