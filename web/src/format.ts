// How times, days, names and counts read on the page.
import type { Message, Room, User } from '../../client/src/index.js';

const DAY_MS = 86_400_000;
/** Messages of one author closer than this in time show as one group. */
const GROUP_GAP_MS = 5 * 60_000;

/** `14:05` */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Calendar day in local time, for grouping: `2026-12-02`. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** `Today`, `Yesterday`, or `Monday 30 November 2026`. */
export function dayLabel(iso: string, now = new Date()): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return 'Today';
  if (key === dayKey(new Date(now.getTime() - DAY_MS).toISOString())) return 'Yesterday';
  return new Date(iso).toLocaleDateString([], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

/** A room list's time: the clock today, the date before. */
export function listTime(iso: string, now = new Date()): string {
  if (dayKey(iso) === dayKey(now.toISOString())) return clockTime(iso);
  return new Date(iso).toLocaleDateString([], { day: 'numeric', month: 'short' });
}

/** The other members' logins; a room of one is the user's own. */
export function roomName(room: Room, me: User): string {
  const others = room.users.filter((user) => user.id !== me.id).map((user) => user.login);
  return others.length > 0 ? others.join(', ') : `${me.login} (just you)`;
}

/** The server counts unread exactly up to 1000, which means "1000 or more". */
export function unreadBadge(unread: number): string {
  return unread >= 1000 ? '999+' : String(unread);
}

/** `Пётр`, `Пётр and Анна`, `Пётр, Анна and Иван`. */
export function listOfNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Follows `previous` without repeating the author: same person, same day, a few minutes apart. */
export function continues(previous: Message | undefined, message: Message): boolean {
  if (!previous || previous.user_id !== message.user_id) return false;
  const gap = Date.parse(message.created_at) - Date.parse(previous.created_at);
  return gap < GROUP_GAP_MS && dayKey(previous.created_at) === dayKey(message.created_at);
}
