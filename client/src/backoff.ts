// Reconnect and retry delays: exponential back-off with full jitter, so clients cut off together
// do not come back together.

export interface BackoffOptions {
  /** The ceiling of the first delay, in ms. */
  readonly initialMs?: number;
  /** No delay grows past this, in ms. */
  readonly maxMs?: number;
  /** A number in [0, 1): Math.random unless a test fixes it. */
  readonly random?: () => number;
}

export class Backoff {
  private failures = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The wait before the next attempt: uniform in [0, min(max, initial · 2^failures)]. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    return Math.round(this.random() * ceiling);
  }

  /** After a success: the next failure waits as little as the first. */
  reset(): void {
    this.failures = 0;
  }
}
