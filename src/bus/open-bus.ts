// Chooses the Bus from REDIS_URL: in-process for one node, Redis pub/sub for several.
import { pino } from 'pino';
import type { Config } from '../config.js';
import type { Bus } from '../domain/bus.js';
import { LocalBus } from './local-bus.js';

export async function openBus(
  config: Pick<Config, 'redisUrl' | 'redisChannelPrefix' | 'logLevel'>,
): Promise<Bus> {
  if (config.redisUrl === undefined) return new LocalBus();
  const { openRedisBus } = await import('./redis-bus.js');
  return openRedisBus({
    url: config.redisUrl,
    channelPrefix: config.redisChannelPrefix,
    // The bus starts before the HTTP server and its logger: same JSON lines, its own logger.
    log: pino({ level: config.logLevel }).child({ component: 'redis-bus' }),
  });
}
