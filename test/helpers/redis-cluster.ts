// A 2-node cluster over a private redis-server that a test stops and starts: for Redis fault suites.
import { after, before } from 'node:test';
import type { Backend } from './backends.js';
import { type Cluster, startCluster } from './cluster.js';
import { type PrivateRedis, startRedisServer } from './redis-server.js';

export interface RedisCluster {
  readonly redis: PrivateRedis;
  readonly cluster: Cluster;
}

/** Starts both before the current suite's tests and stops them after. */
export function clusterOnPrivateRedis(
  backend: Backend,
  env?: Record<string, string>,
): RedisCluster {
  let redis: PrivateRedis | undefined;
  let cluster: Cluster | undefined;
  before(async () => {
    redis = await startRedisServer();
    cluster = await startCluster({ size: 2, backend, redisUrl: redis.url, env });
  });
  after(async () => {
    await cluster?.close();
    await redis?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the cluster is not started yet');
    return value;
  };
  return {
    get redis() {
      return started(redis);
    },
    get cluster() {
      return started(cluster);
    },
  };
}
