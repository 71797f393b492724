// A WebSocket that comes back: after a drop it reconnects with back-off and jitter, until it is
// stopped, the session is logged out (4001), or a refused connect turns out to be permanent.
import { Backoff, type BackoffOptions } from './backoff.js';
import { ChatError } from './errors.js';
import { CLOSE_CODES, OPEN, type WebSocketConstructor, type WebSocketLike } from './socket.js';

export interface SocketHandlers {
  /** The URL of the next attempt (it may carry `after=`, which moves on). */
  url(): string;
  onOpen(): void;
  onFrame(frame: unknown): void;
  /** The connection is gone; a new attempt follows unless `onEnd` is called. */
  onDown(code: number): void;
  /** Given up for good: logged out, refused for good, or stopped. */
  onEnd(reason: ChatError): void;
  /**
   * After a connect refused before the upgrade (a browser does not show the status): throws the
   * permanent error (unauthorized, room_not_found) or resolves when trying again makes sense.
   */
  diagnose(): Promise<void>;
}

export class ReconnectingSocket {
  private socket: WebSocketLike | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly backoff: Backoff;

  constructor(
    private readonly WebSocket: WebSocketConstructor,
    private readonly handlers: SocketHandlers,
    backoff?: BackoffOptions,
  ) {
    this.backoff = new Backoff(backoff);
  }

  get isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  start(): void {
    this.connect();
  }

  /** Sends a frame when connected; false when not (nothing is buffered here). */
  send(frame: object): boolean {
    if (!this.socket || !this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** The connection works (for a stream: `ready` came): the next drop reconnects quickly. */
  healthy(): void {
    this.backoff.reset();
  }

  /** Waiting to reconnect: tries now instead (the network is back), with the back-off reset. */
  reconnectNow(): void {
    if (this.stopped || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.backoff.reset();
    this.connect();
  }

  /** Drops this connection and tries again after the back-off (e.g. a failed catch-up). */
  restart(): void {
    this.socket?.close(CLOSE_CODES.normal);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(CLOSE_CODES.normal);
    this.handlers.onEnd(new ChatError('network', { message: 'closed by the client' }));
  }

  private connect(): void {
    this.timer = undefined;
    const socket = new this.WebSocket(this.handlers.url());
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.handlers.onOpen();
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (this.socket === socket && typeof event.data === 'string') {
        this.handlers.onFrame(parse(event.data));
      }
    };
    socket.onerror = () => undefined;
    socket.onclose = (event: { code: number }) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      if (opened) this.handlers.onDown(event.code);
      if (event.code === CLOSE_CODES.loggedOut) this.end(new ChatError('unauthorized'));
      else if (opened) this.retryLater();
      else this.handlers.diagnose().then(() => this.retryLater(), this.endOrRetry);
    };
  }

  private readonly endOrRetry = (error: unknown): void => {
    if (error instanceof ChatError && !error.retryable) this.end(error);
    else this.retryLater();
  };

  private retryLater(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.connect(), this.backoff.next());
  }

  private end(reason: ChatError): void {
    this.stopped = true;
    this.handlers.onEnd(reason);
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
