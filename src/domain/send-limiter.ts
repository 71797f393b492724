// How many messages one session may send per second over HTTP: the room sockets' rule, per session.
import { RateLimitedError } from '../errors.js';

const WINDOW_MS = 1000;

interface Window {
  startedAt: number;
  count: number;
}

/** Fixed one-second windows per key, as room sockets count frames; bounded in memory. */
export class SendLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one message of `key`; throws `too_many_requests` past the limit. */
  take(key: string): void {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      this.makeRoom(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    if (++window.count > this.perSecond) {
      throw new RateLimitedError(Math.ceil((window.startedAt + WINDOW_MS - now) / 1000));
    }
  }

  /** Windows that ended count nothing: drop them before the map grows past its bound. */
  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= WINDOW_MS) this.windows.delete(key);
    }
    if (this.windows.size >= this.maxKeys) {
      this.windows.delete(this.windows.keys().next().value as string);
    }
  }
}
