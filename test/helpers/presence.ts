// What a stream client shows as online: its `ready` list, then every `presence` frame after it.
import { eventually } from './observe.js';
import type { ChatClient } from './ws.js';

export function shownOnline(client: ChatClient): number[] {
  const online = new Set<number>();
  for (const frame of client.received) {
    if (frame.type === 'ready') for (const userId of frame.online) online.add(userId);
    if (frame.type === 'presence' && frame.online) online.add(frame.user_id);
    if (frame.type === 'presence' && !frame.online) online.delete(frame.user_id);
  }
  return [...online].sort((a, b) => a - b);
}

/** Waits until the client shows the user online (or offline). */
export function untilShown(
  client: ChatClient,
  userId: number,
  online: boolean,
  timeoutMs?: number,
): Promise<void> {
  return eventually(() => shownOnline(client).includes(userId) === online, timeoutMs);
}
