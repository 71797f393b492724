// How many messages one user may send, over every connection (room sockets, HTTP) and every node:
// a token bucket per user. Each node decides at once from its own bucket; what it took is sent to
// the shared buckets in one batch every SYNC_MS, and their levels (what every node took) lower the
// local ones. No message waits for Redis; without it, each node holds the rate on its own.
import { RateLimitedError } from '../errors.js';
import type { SharedBuckets } from './ports/shared-buckets.js';
import { type BucketShape, TokenBucket } from './token-bucket.js';

/** How often taken tokens reach the shared buckets: the most that other nodes can lag behind. */
const SYNC_MS = 100;
const BUCKETS_NAME = 'user-messages';

export interface UserRateOptions extends BucketShape {
  readonly shared?: SharedBuckets | undefined;
  readonly now?: () => number;
  readonly maxUsers?: number;
}

export class UserRate {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Tokens taken here since the last batch was sent to the shared buckets. */
  private unsynced = new Map<string, number>();
  private syncTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly maxUsers: number;

  constructor(private readonly options: UserRateOptions) {
    this.now = options.now ?? Date.now;
    this.maxUsers = options.maxUsers ?? 100_000;
  }

  /**
   * Counts one message of the user; over the rate, counts nothing and returns the refusal
   * (`too_many_requests`, with the seconds until a token).
   */
  take(userId: number): RateLimitedError | undefined {
    const retryAfterSeconds = this.secondsToWait(userId);
    return retryAfterSeconds === undefined ? undefined : new RateLimitedError(retryAfterSeconds);
  }

  /** Stops syncing; what was not sent yet is forgotten. */
  stop(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
  }

  /** Undefined when the message may go, else the seconds until it may. */
  private secondsToWait(userId: number): number | undefined {
    const key = String(userId);
    const now = this.now();
    const bucket = this.bucketOf(key, now);
    if (!bucket.take(now)) return bucket.secondsUntilToken();
    if (this.options.shared) {
      this.unsynced.set(key, (this.unsynced.get(key) ?? 0) + 1);
      this.scheduleSync();
    }
    return undefined;
  }

  private bucketOf(key: string, now: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      this.makeRoom(now);
      bucket = new TokenBucket(this.options, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Full buckets hold nothing: dropped before the map grows past its bound, the oldest if need
   * be. A tenth of the bound is freed at once, so a full map is swept once per many new users.
   */
  private makeRoom(now: number): void {
    if (this.buckets.size < this.maxUsers) return;
    const target = this.maxUsers - Math.ceil(this.maxUsers / 10);
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFullAt(now)) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.inFlight) return;
    this.syncTimer = setTimeout(() => void this.flush(), SYNC_MS);
    this.syncTimer.unref();
  }

  /** Sends what was taken here to the shared buckets now, and lowers the local ones to theirs. */
  async flush(): Promise<void> {
    this.stop();
    while (this.inFlight) await this.inFlight;
    const shared = this.options.shared;
    if (!shared || this.unsynced.size === 0) return;
    this.inFlight = this.exchange(shared);
    await this.inFlight;
    this.inFlight = undefined;
    if (this.unsynced.size > 0) this.scheduleSync();
  }

  private async exchange(shared: SharedBuckets): Promise<void> {
    const batch = this.unsynced;
    this.unsynced = new Map();
    // Unreachable, the shared buckets are skipped: each node keeps the rate by itself meanwhile.
    const levels = await shared.take(BUCKETS_NAME, this.options, batch).catch(() => undefined);
    for (const [key, level] of levels ?? []) {
      // Tokens taken here while the batch was away are not in `level` yet.
      this.buckets.get(key)?.lowerTo(level - (this.unsynced.get(key) ?? 0));
    }
  }
}
