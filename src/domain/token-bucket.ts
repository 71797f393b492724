// A token bucket: `burst` tokens at most, refilled at `perSecond`; each message takes one. Unlike
// a fixed window, no more than `burst + perSecond × t` messages pass in any span of t seconds.
export interface BucketShape {
  readonly perSecond: number;
  readonly burst: number;
}

export class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    private readonly shape: BucketShape,
    now: number,
  ) {
    this.level = shape.burst;
    this.updatedAt = now;
  }

  /** Takes one token if there is one; `now` in ms. */
  take(now: number): boolean {
    this.refill(now);
    if (this.level < 1) return false;
    this.level -= 1;
    return true;
  }

  /** Seconds until a token is there again, at least 1 (what Retry-After says). */
  secondsUntilToken(): number {
    return Math.max(1, Math.ceil((1 - this.level) / this.shape.perSecond));
  }

  /** Never above `level`: what other nodes took from the shared bucket shows here. */
  lowerTo(level: number): void {
    this.level = Math.min(this.level, level);
  }

  /** Full again by `now`: it remembers nothing worth keeping. */
  isFullAt(now: number): boolean {
    this.refill(now);
    return this.level >= this.shape.burst;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.level = Math.min(this.shape.burst, this.level + (elapsed * this.shape.perSecond) / 1000);
    this.updatedAt = now;
  }
}
