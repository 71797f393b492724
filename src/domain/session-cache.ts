// Sessions recently read from the store, so that most requests need no database read to authenticate.
import type { SessionRecord } from '../store/store.js';

interface Entry {
  readonly record: SessionRecord;
  readonly cachedAt: number;
}

/**
 * Bounded and short-lived. A logout forgets its session here at once, and on the other nodes when
 * their bus delivers the session's end; only if the bus is down can another node keep accepting a
 * logged-out session, and then for `ttlSeconds` at most.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now: number): SessionRecord | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.cachedAt < this.ttlSeconds) return entry.record;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, record: SessionRecord, now: number): void {
    if (this.ttlSeconds === 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Maps keep insertion order: the first key is the one cached longest ago.
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { record, cachedAt: now });
  }

  /** Replaces a cached record but not the time it was read: a hit never extends the trust. */
  update(key: string, record: SessionRecord): void {
    const entry = this.entries.get(key);
    if (entry) this.entries.set(key, { record, cachedAt: entry.cachedAt });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
