// Typing signals: checked against membership, at most one per user and room every 2 s, relayed to
// every node, never stored.
import { AppError } from '../errors.js';

/** A user's typing in a room is relayed at most this often; the signals between are dropped. */
export const TYPING_EVERY_MS = 2000;

export interface TypingSignal {
  readonly roomId: number;
  readonly userId: number;
}

/** Carries a signal to the room's streams on every node. */
export interface TypingRelay {
  relayTyping(signal: TypingSignal): void;
}

export interface TypingDeps {
  readonly isMember: (roomId: number, userId: number) => Promise<boolean>;
  readonly relay: TypingRelay;
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Remembers when each user and room was last relayed, in two generations swapped every window:
 * what is older than two windows is forgotten without a sweep, so memory follows recent typists.
 */
class RecentSignals {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private swappedAt = 0;

  /** Whether a signal for `key` was relayed less than a window before `now`. */
  has(key: string, now: number): boolean {
    if (now - this.swappedAt >= TYPING_EVERY_MS) {
      this.previous = this.current;
      this.current = new Map();
      this.swappedAt = now;
    }
    const last = this.current.get(key) ?? this.previous.get(key);
    return last !== undefined && now - last < TYPING_EVERY_MS;
  }

  add(key: string, now: number): void {
    this.current.set(key, now);
  }
}

export class Typing {
  private readonly recent = new RecentSignals();
  private readonly now: () => number;

  constructor(private readonly deps: TypingDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Relays that the user is typing in the room, unless it was relayed in the last 2 s (dropped
   * silently). Rejects with room_not_found when the user is not one of the room's members.
   */
  async signal(userId: number, roomId: number): Promise<void> {
    const key = `${userId}:${roomId}`;
    // Only members are ever remembered: a recent signal proves membership without a query.
    if (this.recent.has(key, this.now())) return;
    if (!(await this.deps.isMember(roomId, userId))) throw new AppError('room_not_found');
    const now = this.now();
    // Another signal of the same user and room may have been relayed while membership was read.
    if (this.recent.has(key, now)) return;
    this.recent.add(key, now);
    this.deps.relay.relayTyping({ roomId, userId });
  }
}
