// A connect/disconnect storm: each URL is a client that stays connected a few seconds, leaves, and
// comes back a moment later, over and over, until the storm is stopped.
import WebSocket from 'ws';

export interface StormOptions {
  /** How long a client stays connected: uniformly between the two, in ms. */
  readonly holdMs: readonly [number, number];
  /** How long it stays away before reconnecting, in ms. */
  readonly awayMs: number;
}

export class ReconnectStorm {
  /** Connections opened since the storm started. */
  connects = 0;
  /** Frames received since the storm started, by their `type`. */
  readonly framesByType = new Map<string, number>();
  failures = 0;
  firstError: string | undefined;
  private running = true;
  private readonly open = new Set<WebSocket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    urls: readonly string[],
    private readonly options: StormOptions,
  ) {
    // Spread the first connections over one hold period, so the storm starts at its steady rate.
    for (const url of urls) this.later(Math.random() * options.holdMs[1], () => this.connect(url));
  }

  /** Stops reconnecting and closes every client; resolves once all are closed. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closing = [...this.open].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
    for (const ws of this.open) ws.close();
    await Promise.all(closing);
  }

  private connect(url: string): void {
    if (!this.running) return;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    this.open.add(ws);
    ws.on('message', (data) => this.count(data.toString()));
    ws.once('open', () => {
      this.connects++;
      const [shortest, longest] = this.options.holdMs;
      this.later(shortest + Math.random() * (longest - shortest), () => ws.close());
    });
    ws.once('error', (error) => {
      this.failures++;
      this.firstError ??= error.message;
    });
    ws.once('close', () => {
      this.open.delete(ws);
      this.later(this.options.awayMs, () => this.connect(url));
    });
  }

  private count(frame: string): void {
    const { type } = JSON.parse(frame) as { type?: string };
    const key = type ?? 'untyped';
    this.framesByType.set(key, (this.framesByType.get(key) ?? 0) + 1);
  }

  private later(ms: number, run: () => void): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
