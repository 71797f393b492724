// Chooses the presence directory from REDIS_URL: this node alone, or every node through Redis.
import { pino } from 'pino';
import type { Config } from '../config.js';
import type { PresenceDirectory } from '../domain/presence.js';

/** One node: nobody is present anywhere else. */
const thisNodeOnly: PresenceDirectory = {
  listen() {},
  arrived() {},
  departed() {},
  presentElsewhere: () => false,
  close: async () => {},
};

export async function openPresenceDirectory(
  config: Pick<Config, 'redisUrl' | 'redisChannelPrefix' | 'logLevel' | 'presenceGraceMs'>,
): Promise<PresenceDirectory> {
  if (config.redisUrl === undefined) return thisNodeOnly;
  const { openRedisDirectory } = await import('./redis-directory.js');
  return openRedisDirectory({
    url: config.redisUrl,
    prefix: config.redisChannelPrefix,
    graceMs: config.presenceGraceMs,
    log: pino({ level: config.logLevel }).child({ component: 'presence' }),
  });
}
