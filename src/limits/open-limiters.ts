// Counters for rate limits and token buckets: in this process, or in Redis when REDIS_URL is set so
// that every node counts together. While Redis is unreachable each node counts in memory instead.
import { once } from 'node:events';
import { type RateLimiterAbstract, RateLimiterMemory } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { SharedBuckets } from '../domain/ports/shared-buckets.js';

/** A Redis command unanswered by then falls back to the in-memory count: a login must not hang. */
const COMMAND_TIMEOUT_MS = 1000;
const RECONNECT_CAP_MS = 1000;
/** How long start-up waits for Redis before counting in memory. */
const START_WAIT_MS = 2000;

export interface LimiterSpec {
  /** Names the counters, so limits sharing one store stay apart. */
  readonly name: string;
  readonly points: number;
  readonly durationSeconds: number;
}

export interface Limiters {
  create(spec: LimiterSpec): RateLimiterAbstract;
  /** Token buckets shared by every node; none without Redis. */
  readonly sharedBuckets: SharedBuckets | undefined;
  close(): Promise<void>;
}

function inMemory(spec: LimiterSpec): RateLimiterAbstract {
  return new RateLimiterMemory({
    keyPrefix: spec.name,
    points: spec.points,
    duration: spec.durationSeconds,
  });
}

export async function openLimiters(
  config: Pick<Config, 'redisUrl' | 'redisChannelPrefix'>,
): Promise<Limiters> {
  if (config.redisUrl === undefined) {
    return { create: inMemory, sharedBuckets: undefined, close: async () => {} };
  }
  const [{ Redis }, { RateLimiterRedis }, { redisBuckets }] = await Promise.all([
    import('ioredis'),
    import('rate-limiter-flexible'),
    import('./redis-buckets.js'),
  ]);
  const client = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_CAP_MS),
    connectionName: 'e-chat-server:limits',
  });
  // Outages are the bus's to report; here the in-memory insurance counts meanwhile.
  client.on('error', () => {});
  await Promise.race([
    once(client, 'ready').catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, START_WAIT_MS).unref()),
  ]);
  return {
    create: (spec) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${config.redisChannelPrefix}limit:${spec.name}`,
        points: spec.points,
        duration: spec.durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: inMemory(spec),
      }),
    sharedBuckets: redisBuckets(client, `${config.redisChannelPrefix}bucket:`),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
