// Who shows as online: what the stream last said, while it is up; offline, nobody is known to be.
import type { LiveSession } from '../../client/src/index.js';

export function presenceKnown(live: LiveSession): boolean {
  return live.status === 'live';
}

export function isOnline(live: LiveSession, userId: number): boolean {
  return presenceKnown(live) && live.isOnline(userId);
}
