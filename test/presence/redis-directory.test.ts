// The Redis presence directory: nodes see each other's users, changes come through at once, a
// node that leaves takes its users away after the grace, and Redis stopped and started converges.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { PresenceDirectory } from '../../src/domain/presence.js';
import { openRedisDirectory } from '../../src/presence/redis-directory.js';
import { REDIS_URL, redisSkip } from '../helpers/cluster.js';
import { eventually } from '../helpers/observe.js';
import { redisServerSkip, startRedisServer } from '../helpers/redis-server.js';

const quietLog = { warn() {}, info() {} };
const GRACE_MS = 300;

function open(url: string, prefix: string): Promise<PresenceDirectory> {
  return openRedisDirectory({ url, prefix, graceMs: GRACE_MS, log: quietLog });
}

/** A directory and every user it was told changed. */
async function node(url: string, prefix: string) {
  const directory = await open(url, prefix);
  const changes: number[] = [];
  directory.listen((userId) => changes.push(userId));
  return { directory, changes };
}

const freshPrefix = () => `test:${process.pid}:${randomBytes(4).toString('hex')}:`;

describe('redis presence directory', { skip: redisSkip }, () => {
  const url = REDIS_URL as string;
  const opened: PresenceDirectory[] = [];
  after(() => Promise.all(opened.map((directory) => directory.close())));

  async function pair(prefix = freshPrefix()) {
    const one = await node(url, prefix);
    const two = await node(url, prefix);
    opened.push(one.directory, two.directory);
    return { one, two, prefix };
  }

  test('a user arriving on one node is present elsewhere on the other, until it departs', async () => {
    const { one, two } = await pair();
    one.directory.arrived(7);
    await eventually(() => two.directory.presentElsewhere(7));
    assert.equal(one.directory.presentElsewhere(7), false, 'a node does not count itself');
    assert.deepEqual(two.changes, [7]);
    one.directory.departed(7);
    await eventually(() => !two.directory.presentElsewhere(7));
    assert.deepEqual(two.changes, [7, 7]);
  });

  test('a user on both nodes stays present on a third while either has them', async () => {
    const { one, two, prefix } = await pair();
    const three = await node(url, prefix);
    opened.push(three.directory);
    one.directory.arrived(1);
    two.directory.arrived(1);
    await eventually(
      () => three.directory.presentElsewhere(1) && one.directory.presentElsewhere(1),
    );
    one.directory.departed(1);
    await eventually(() => !two.directory.presentElsewhere(1));
    assert.equal(three.directory.presentElsewhere(1), true);
    assert.deepEqual(three.changes, [1], 'told once, when the first node had them');
  });

  test('a node started later reads the users already present', async () => {
    const { one, prefix } = await pair();
    one.directory.arrived(3);
    one.directory.arrived(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await open(url, prefix);
    opened.push(late);
    await eventually(() => late.presentElsewhere(3) && late.presentElsewhere(4));
    const told: number[] = [];
    late.listen((userId) => told.push(userId));
    assert.deepEqual(told.sort(), [3, 4], 'a listener is told of those found before it listened');
  });

  test('a node that shuts down takes its users away once the grace has passed', async () => {
    const { one, two } = await pair();
    one.directory.arrived(5);
    await eventually(() => two.directory.presentElsewhere(5));
    await one.directory.close();
    // Its keys expire after the grace; the next heartbeat (4 s) of the other node sees it.
    await eventually(() => !two.directory.presentElsewhere(5), 10_000);
  });

  test('clusters with different prefixes do not hear each other', async () => {
    const { one } = await pair();
    const { two } = await pair();
    one.directory.arrived(9);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(two.directory.presentElsewhere(9), false);
  });

  test('every key has a TTL: a cluster that is gone leaves nothing behind', async () => {
    const prefix = freshPrefix();
    const { one } = await pair(prefix);
    one.directory.arrived(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const redis = new Redis(url);
    try {
      const keys = await redis.keys(`${prefix}presence:*`);
      assert.ok(keys.length > 0);
      for (const key of keys) assert.ok((await redis.pttl(key)) > 0, `${key} expires`);
    } finally {
      redis.disconnect();
    }
  });
});

describe('redis presence directory: Redis stopped and started', { skip: redisServerSkip }, () => {
  test('changes made while Redis is down reach the other node once it is back', async () => {
    const redis = await startRedisServer();
    const prefix = freshPrefix();
    const one = await node(redis.url, prefix);
    const two = await node(redis.url, prefix);
    try {
      one.directory.arrived(1);
      one.directory.arrived(2);
      await eventually(
        () => two.directory.presentElsewhere(1) && two.directory.presentElsewhere(2),
      );
      await redis.stop();
      one.directory.departed(1);
      one.directory.arrived(3);
      await redis.start();
      // Redis restarted empty: both nodes write their sets again and read each other's.
      await eventually(
        () =>
          !two.directory.presentElsewhere(1) &&
          two.directory.presentElsewhere(2) &&
          two.directory.presentElsewhere(3),
        15_000,
      );
    } finally {
      await Promise.all([one.directory.close(), two.directory.close()]);
      await redis.stop();
    }
  });
});
