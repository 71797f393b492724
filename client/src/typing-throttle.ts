// Outgoing typing signals: at most one per room every interval; the server would drop the rest.

export const TYPING_INTERVAL_MS = 2000;

export class TypingThrottle {
  private readonly lastSent = new Map<number, number>();

  constructor(
    private readonly intervalMs = TYPING_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when a typing frame for this room may go out now (and records that it did). */
  allow(roomId: number): boolean {
    const now = this.now();
    const last = this.lastSent.get(roomId);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastSent.set(roomId, now);
    return true;
  }
}
