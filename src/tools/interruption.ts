// Ctrl-C or SIGTERM during a tool run: the batch under way finishes (each batch is one
// transaction), then the run stops with a clear line; a re-run picks up where it stopped.
import { ToolError } from './tool-error.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export class Interruption {
  private received: string | undefined;

  /** `resume` tells how to finish the job, e.g. "run the same command again". */
  constructor(private readonly resume: string) {}

  private readonly onSignal = (signal: string) => {
    this.received = signal;
  };

  listen(): this {
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    return this;
  }

  stopListening(): void {
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
  }

  /** Throws once a signal came: called between batches. */
  check(): void {
    if (this.received === undefined) return;
    throw new ToolError(
      `interrupted by ${this.received}: every batch written is complete; ${this.resume} to finish`,
      130,
    );
  }
}
