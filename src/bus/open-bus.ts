// Chooses the Bus from REDIS_URL: in-process for one node, Redis pub/sub for several.
import type { Config } from '../config.js';
import type { Bus } from './bus.js';
import { LocalBus } from './local-bus.js';

export async function openBus(config: Pick<Config, 'redisUrl'>): Promise<Bus> {
  if (config.redisUrl === undefined) return new LocalBus();
  const { openRedisBus } = await import('./redis-bus.js');
  return openRedisBus(config.redisUrl);
}
