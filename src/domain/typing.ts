// Typing signals: at most one per user and room every 2 s reaches the room's streams on every
// node; the rest are dropped. Nothing is stored.

/** A user's typing in a room is relayed at most this often; the signals between are dropped. */
export const TYPING_EVERY_MS = 2000;

export interface TypingSignal {
  readonly roomId: number;
  readonly userId: number;
}

/** Carries a signal to the room's streams on every node. */
export interface TypingPublisher {
  publishTyping(signal: TypingSignal): void;
}

/**
 * When each user and room was last relayed, in two generations swapped every window: what is
 * older than two windows is forgotten without a sweep, so memory follows the recent typists only.
 */
class RecentSignals {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private swappedAt = 0;

  /** Records the signal unless one was recorded less than a window before `now`. */
  admit(key: string, now: number): boolean {
    if (now - this.swappedAt >= TYPING_EVERY_MS) {
      this.previous = this.current;
      this.current = new Map();
      this.swappedAt = now;
    }
    const last = this.current.get(key) ?? this.previous.get(key);
    if (last !== undefined && now - last < TYPING_EVERY_MS) return false;
    this.current.set(key, now);
    return true;
  }
}

export class Typing {
  private readonly recent = new RecentSignals();

  constructor(
    private readonly publisher: TypingPublisher,
    /** Milliseconds; injectable for tests. */
    private readonly now: () => number = Date.now,
  ) {}

  /** A member of the room is typing (the caller checked membership: a stream knows its rooms). */
  signal(userId: number, roomId: number): void {
    if (this.recent.admit(`${userId}:${roomId}`, this.now())) {
      this.publisher.publishTyping({ roomId, userId });
    }
  }
}
