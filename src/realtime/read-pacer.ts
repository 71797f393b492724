// A connection sending frames far faster than its rate (bad frames included, which the rate does
// not count) is not read for the rest of the second: its flood waits in its own TCP buffers
// instead of taking the event loop from every other connection.
import type { WebSocket } from 'ws';
import { FrameRate } from './frame-rate.js';

/** Frames read per second, as a multiple of the message rate: refusals still reach a client. */
const READ_ALLOWANCE_FACTOR = 4;

export class ReadPacer {
  private readonly allowance: FrameRate;
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    messagesPerSecond: number,
  ) {
    this.allowance = new FrameRate(READ_ALLOWANCE_FACTOR * messagesPerSecond);
  }

  /** Counts a frame read; past the allowance, stops reading until the second ends. */
  frameRead(now = Date.now()): void {
    if (!this.allowance.exceeded(now) || this.resumeTimer) return;
    this.ws.pause();
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.ws.resume();
    }, this.allowance.msLeftInWindow(now));
    this.resumeTimer.unref();
  }
}
