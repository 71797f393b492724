// A WebSocket test client that queues what it receives, so tests can await the next frames.
import WebSocket from 'ws';

export interface Frame {
  [key: string]: any;
}

export interface OpenOptions {
  /** Appended to the URL, e.g. `&after=12`. */
  readonly query?: string;
  readonly headers?: Record<string, string>;
  /** False makes a client that never answers pings: a dead peer, as the server sees it. */
  readonly autoPong?: boolean;
}

export class ChatClient {
  readonly received: Frame[] = [];
  private waiters: Array<() => void> = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()));
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      });
    });
  }

  /** Opens a room's chat; rejects with the HTTP status and body when the upgrade is refused. */
  static open(
    wsBase: string,
    roomId: number | string,
    session: string | undefined,
    options: OpenOptions = {},
  ): Promise<ChatClient> {
    return ChatClient.connect(`${wsBase}/v1/rooms/${roomId}/chat`, session, options);
  }

  /** Opens the session's stream (`WS /v1/stream`), refused like `open`. */
  static stream(
    wsBase: string,
    session: string | undefined,
    options: OpenOptions = {},
  ): Promise<ChatClient> {
    return ChatClient.connect(`${wsBase}/v1/stream`, session, options);
  }

  private static connect(
    path: string,
    session: string | undefined,
    options: OpenOptions,
  ): Promise<ChatClient> {
    const auth = session === undefined ? '' : `session_id=${encodeURIComponent(session)}`;
    const url = `${path}?${auth}${options.query ?? ''}`;
    const socket = new WebSocket(url, {
      headers: options.headers ?? {},
      autoPong: options.autoPong ?? true,
    });
    const client = new ChatClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk;
        });
        response.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
              status: response.statusCode,
              contentType: response.headers['content-type'],
              body: body === '' ? undefined : JSON.parse(body),
            }),
          ),
        );
      });
      socket.once('error', reject);
    });
  }

  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a message with a client id and waits for its acknowledgement. */
  async post(text: string, clientId: string): Promise<Frame> {
    this.send({ text, client_id: clientId });
    return this.find((frame) => frame.client_id === clientId);
  }

  /** Waits for the first received frame (taken or not) that matches. */
  async find(matches: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      const found = this.received.slice(seen).find(matches);
      if (found) return found;
      seen = this.received.length;
      await this.waitFor(seen + 1, deadline - Date.now());
    }
  }

  /** Waits until `count` frames have arrived in all, then returns them. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (this.closeCode !== undefined) throw new Error(`closed with ${this.closeCode}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.received.length}/${count} frames`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.slice(0, count);
  }

  /** The next frame after those already taken with `next`. */
  private taken = 0;
  async next(timeoutMs?: number): Promise<Frame> {
    this.taken += 1;
    const frames = await this.waitFor(this.taken, timeoutMs);
    return frames[this.taken - 1] as Frame;
  }

  /** Resolves true if no new frame arrives within `ms`. */
  async quiet(ms = 200): Promise<boolean> {
    const before = this.received.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received.length === before;
  }

  /** The close code the server sends within `ms`, or undefined if the socket stays open that long. */
  async closedWithin(ms = 10_000): Promise<number | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const stillOpen = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    const code = await Promise.race([this.closed, stillOpen]);
    clearTimeout(timer);
    return code;
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
