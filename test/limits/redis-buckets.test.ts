// The shared token buckets in Redis: nodes taking from one user's bucket see each other's takes,
// the level refills with Redis's clock, and a debt is bounded.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { UserRate } from '../../src/domain/user-rate.js';
import { redisBuckets } from '../../src/limits/redis-buckets.js';
import { REDIS_URL, redisSkip } from '../helpers/cluster.js';
import { passes } from '../helpers/user-rate.js';

describe('shared token buckets in Redis', { skip: redisSkip }, () => {
  const prefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:bucket:`;
  let clients: Redis[];
  before(() => {
    clients = [new Redis(REDIS_URL as string), new Redis(REDIS_URL as string)];
  });
  after(() => {
    for (const client of clients) client.disconnect();
  });

  test('one node’s takes reach the other through the shared bucket', async () => {
    const shape = { perSecond: 1, burst: 5 };
    const [nodeA, nodeB] = clients.map(
      (client) => new UserRate({ ...shape, shared: redisBuckets(client, prefix) }),
    ) as [UserRate, UserRate];
    for (let i = 0; i < 3; i++) assert.equal(passes(nodeA, 7), true);
    await nodeA.flush();
    // B has not heard of A's takes: its own bucket lets 3 through, the sync then says -1 is left.
    for (let i = 0; i < 3; i++) assert.equal(passes(nodeB, 7), true);
    await nodeB.flush();
    assert.equal(passes(nodeB, 7), false);
    // A still has 2 tokens of its own: one passes, and its sync tells it of B's takes.
    assert.equal(passes(nodeA, 7), true);
    await nodeA.flush();
    assert.equal(passes(nodeA, 7), false);
    nodeA.stop();
    nodeB.stop();
  });

  test('the level refills at the rate and a debt stops at -burst', async () => {
    const buckets = redisBuckets(clients[0] as Redis, prefix);
    const shape = { perSecond: 1000, burst: 10 };
    const levels = await buckets.take('debt', shape, new Map([['u', 50]]));
    assert.equal(levels.get('u'), -10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = await buckets.take('debt', shape, new Map([['u', 0]]));
    assert.ok((later.get('u') as number) > -10, `refilled to ${later.get('u')}`);
    assert.ok((later.get('u') as number) <= 10);
    const ttl = await (clients[0] as Redis).pttl(`${prefix}debt:u`);
    assert.ok(ttl > 0, 'an idle bucket expires');
  });
});
