// The WebSocket the library speaks through: the platform's own, or one injected (the `ws` package
// on Node 20), described by the few members the library uses.
import type { BackoffOptions } from './backoff.js';
import { ChatError } from './errors.js';

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // `never`: any handler type fits, the browser's and ws's alike; handlers state what they read.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const OPEN = 1;

/** Close codes of SPEC.md a client acts on. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  messageTooBig: 1009,
  slowConsumer: 1013,
  loggedOut: 4001,
} as const;

export function resolveWebSocket(injected: WebSocketConstructor | undefined): WebSocketConstructor {
  const found = injected ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!found) {
    throw new ChatError('network', {
      message: 'no WebSocket here: pass options.WebSocket (on Node 20, the ws package)',
    });
  }
  return found;
}

/** `ws:`/`wss:` URL of a path on the server, with the session and other query parameters. */
export function webSocketUrl(baseUrl: string, path: string, query: Record<string, string>): string {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

/** What a real-time connection takes from the client that opens it. */
export interface Transport {
  readonly baseUrl: string;
  readonly WebSocket: WebSocketConstructor;
  readonly backoff: BackoffOptions | undefined;
  /** The client's session at the time of each (re)connect. */
  session(): string;
}
