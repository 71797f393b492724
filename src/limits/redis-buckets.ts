// Shared token buckets in Redis: one hash per key (level, time), updated by a script with Redis's
// own clock so that nodes whose clocks differ agree; every key of a batch in one pipeline.
import type { Redis } from 'ioredis';
import type { SharedBuckets } from '../domain/ports/shared-buckets.js';
import type { BucketShape } from '../domain/token-bucket.js';

/**
 * KEYS[1] the bucket; ARGV: tokens per second, burst, tokens taken. The level may go below zero
 * (nodes took more between two batches than was there) down to -burst: a debt paid off first.
 */
const TAKE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local perSecond, burst, taken = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
level = math.min(burst, level + math.max(0, now - at) * perSecond / 1000) - taken
level = math.max(level, -burst)
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(2 * burst * 1000 / perSecond) + 1000)
return tostring(level)
`;

interface BucketCommands {
  takeTokens(key: string, perSecond: number, burst: number, taken: number): Promise<string>;
}

export function redisBuckets(client: Redis, keyPrefix: string): SharedBuckets {
  client.defineCommand('takeTokens', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  return {
    async take(name: string, shape: BucketShape, taken: ReadonlyMap<string, number>) {
      const pipeline = client.pipeline() as unknown as BucketCommands & {
        exec(): Promise<Array<[Error | null, unknown]> | null>;
      };
      const keys = [...taken.keys()];
      for (const key of keys) {
        void pipeline.takeTokens(
          `${keyPrefix}${name}:${key}`,
          shape.perSecond,
          shape.burst,
          taken.get(key) ?? 0,
        );
      }
      const replies = (await pipeline.exec()) ?? [];
      const levels = new Map<string, number>();
      replies.forEach(([error, level], index) => {
        // A level that is no number would leave the local bucket unlimited: such a reply is dropped.
        const value = Number(level);
        if (!error && Number.isFinite(value)) levels.set(keys[index] as string, value);
      });
      return levels;
    },
  };
}
