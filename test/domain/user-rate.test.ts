// The per-user message rate: a token bucket (no double rate at window edges), shared across nodes
// through batches, and kept by each node alone when the shared buckets cannot be reached.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SharedBuckets } from '../../src/domain/ports/shared-buckets.js';
import { UserRate } from '../../src/domain/user-rate.js';
import { RateLimitedError } from '../../src/errors.js';
import { passes } from '../helpers/user-rate.js';

const SHAPE = { perSecond: 10, burst: 10 };

/** Shared buckets without time: enough to see one node's takes reach another. */
function sharedInMemory(): SharedBuckets & { levels: Map<string, number> } {
  const levels = new Map<string, number>();
  return {
    levels,
    async take(_name, shape, taken) {
      const after = new Map<string, number>();
      for (const [key, count] of taken) {
        const level = (levels.get(key) ?? shape.burst) - count;
        levels.set(key, level);
        after.set(key, level);
      }
      return after;
    },
  };
}

/** How many of `count` messages of user 1 pass now. */
function passing(rate: UserRate, count: number): number {
  let passed = 0;
  for (let i = 0; i < count; i++) if (passes(rate, 1)) passed++;
  return passed;
}

describe('UserRate', () => {
  test('a burst, then the steady rate; a window edge lets no second burst through', () => {
    let now = 0;
    const rate = new UserRate({ ...SHAPE, now: () => now });
    assert.equal(passing(rate, 15), 10, 'the burst');
    now = 990;
    assert.equal(passing(rate, 15), 9, 'refilled at 10 per second');
    now = 1010;
    // A fixed one-second window would let 10 more through here, 19 within 20 ms.
    assert.equal(passing(rate, 15), 1, 'the 0.9 left and 20 ms of refill');
    // Over any span, at most burst + rate × span.
    let passed = 0;
    for (now = 2000; now <= 4000; now += 10) passed += passing(rate, 3);
    assert.ok(passed <= 10 + 20 + 1, `${passed} passed in 2 s`);
    assert.ok(passed >= 20, `${passed} passed in 2 s`);
  });

  test('users have their own buckets', () => {
    const rate = new UserRate({ ...SHAPE, now: () => 0 });
    assert.equal(passing(rate, 10), 10);
    assert.equal(passes(rate, 2), true);
    assert.equal(passes(rate, 1), false);
  });

  test('over the rate, take returns too_many_requests with the seconds until a token', () => {
    const rate = new UserRate({ perSecond: 1, burst: 2, now: () => 0 });
    assert.equal(rate.take(1), undefined);
    assert.equal(rate.take(1), undefined);
    const refusal = rate.take(1);
    assert.ok(refusal instanceof RateLimitedError);
    assert.equal(refusal.retryAfterSeconds, 1);
  });

  test('what one node takes lowers the other nodes’ buckets once synced', async () => {
    const shared = sharedInMemory();
    const nodeA = new UserRate({ ...SHAPE, shared, now: () => 0 });
    const nodeB = new UserRate({ ...SHAPE, shared, now: () => 0 });
    assert.equal(passing(nodeA, 10), 10);
    await nodeA.flush();
    assert.equal(shared.levels.get('1'), 0);
    // Node B has not heard yet: one passes, then the sync tells it the bucket is empty.
    assert.equal(passing(nodeB, 1), 1);
    await nodeB.flush();
    assert.equal(passing(nodeB, 5), 0);
    nodeA.stop();
    nodeB.stop();
  });

  test('shared buckets out of reach: each node keeps the rate on its own', async () => {
    const unreachable: SharedBuckets = {
      take: () => Promise.reject(new Error('connection refused')),
    };
    const rate = new UserRate({ ...SHAPE, shared: unreachable, now: () => 0 });
    assert.equal(passing(rate, 8), 8);
    await rate.flush();
    assert.equal(passing(rate, 8), 2);
    rate.stop();
  });

  test('buckets stay bounded in number', () => {
    let now = 0;
    const rate = new UserRate({ ...SHAPE, now: () => now, maxUsers: 3 });
    for (let user = 1; user <= 3; user++) passes(rate, user);
    now = 5000;
    // The full ones are dropped first: user 4 gets a place.
    assert.equal(passes(rate, 4), true);
  });
});
