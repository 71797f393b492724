// Writing to one client: frames corked per event-loop turn, slow consumers closed with 1013,
// stored history paced by the socket's draining, pings, and closing.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Metrics } from '../metrics.js';
import { CLOSE_CODES } from './close-codes.js';

/** One options object for every send: the fan-out allocates nothing per delivery. */
const AS_TEXT = { binary: false } as const;

function uncork(outbound: Outbound): void {
  outbound.releaseTurn();
}

export interface OutboundLimits {
  /** Bytes a client may leave unread before it is closed as a slow consumer. */
  readonly maxBufferedBytes: number;
  readonly metrics: Pick<Metrics, 'slowConsumerCloses'>;
}

export class Outbound {
  /** Whether the client answered the last ping. */
  private answered = true;
  /** Whether this turn's writes are being held to leave in one system call. */
  private corked = false;

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws`, corked per turn. */
    private readonly socket: Duplex,
    private readonly limits: OutboundLimits,
  ) {}

  isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Writes a frame now; a client with too much unread is closed instead. */
  send(data: Buffer | string): boolean {
    if (!this.isOpen()) return false;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.closeSlow();
      return false;
    }
    this.corkForTurn();
    this.ws.send(data, AS_TEXT);
    return true;
  }

  /** Stored history is not dropped for slowness: it waits for the socket to drain instead. */
  sendStored(data: Buffer | string): Promise<void> | undefined {
    if (this.ws.bufferedAmount < this.limits.maxBufferedBytes / 2) {
      this.ws.send(data, AS_TEXT);
      return undefined;
    }
    return new Promise((resolve) => this.ws.send(data, AS_TEXT, () => resolve()));
  }

  /** Whether `bytes` more, held for later, stay within the client's budget; closes it if not. */
  admits(bytes: number): boolean {
    if (bytes <= this.limits.maxBufferedBytes) return true;
    this.closeSlow();
    return false;
  }

  pong(): void {
    this.answered = true;
  }

  heartbeat(): void {
    if (!this.answered) {
      this.ws.terminate();
      return;
    }
    this.answered = false;
    this.ws.ping();
  }

  close(code: number): void {
    if (this.isOpen()) this.ws.close(code);
  }

  shutDown(code: number, graceMs: number): Promise<void> {
    this.close(code);
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), graceMs);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Lets the writes corked during this turn leave together (see `corkForTurn`). */
  releaseTurn(): void {
    this.corked = false;
    this.socket.uncork();
  }

  /**
   * Every frame sent to this socket until the current turn ends leaves in one write system call:
   * the fan-out of a batch of k messages costs one syscall per socket rather than k. The profile
   * of the fan-out shows the writev system call as most of the server's busy time.
   */
  private corkForTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(uncork, this);
  }

  private closeSlow(): void {
    this.limits.metrics.slowConsumerCloses.inc();
    this.close(CLOSE_CODES.slowConsumer);
  }
}
