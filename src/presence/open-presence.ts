// Presence as configured: off (PRESENCE=false), this node alone, or every node through Redis.
import { pino } from 'pino';
import type { Config } from '../config.js';
import {
  type ContactsPort,
  Presence,
  type PresenceDirectory,
  type PresencePort,
  presenceOff,
} from '../domain/presence.js';

type PresenceConfig = Pick<
  Config,
  'presence' | 'presenceGraceMs' | 'redisUrl' | 'redisChannelPrefix' | 'logLevel'
>;

/** One node: nobody is present anywhere else. */
const thisNodeOnly: PresenceDirectory = {
  listen() {},
  arrived() {},
  departed() {},
  presentElsewhere: () => false,
  close: async () => {},
};

export async function openPresence(
  config: PresenceConfig,
  contacts: ContactsPort,
): Promise<PresencePort> {
  if (!config.presence) return presenceOff;
  // Presence starts before the HTTP server and its logger: same JSON lines, its own logger.
  const log = pino({ level: config.logLevel }).child({ component: 'presence' });
  let directory = thisNodeOnly;
  if (config.redisUrl !== undefined) {
    const { openRedisDirectory } = await import('./redis-directory.js');
    directory = await openRedisDirectory({
      url: config.redisUrl,
      prefix: config.redisChannelPrefix,
      graceMs: config.presenceGraceMs,
      log,
    });
  }
  return new Presence({ directory, contacts, graceMs: config.presenceGraceMs, log });
}
