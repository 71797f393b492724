// How many frames a client may send per second; past it, frames are refused until the second ends.
export class FrameRate {
  private windowStartedAt = 0;
  private framesInWindow = 0;

  constructor(private readonly perSecond: number) {}

  /** Counts one frame; true when it is over the rate. */
  exceeded(now = Date.now()): boolean {
    if (now - this.windowStartedAt >= 1000) {
      this.windowStartedAt = now;
      this.framesInWindow = 0;
    }
    return ++this.framesInWindow > this.perSecond;
  }

  /** How long until the current second ends and frames count from zero again. */
  msLeftInWindow(now = Date.now()): number {
    return Math.max(0, this.windowStartedAt + 1000 - now);
  }
}
