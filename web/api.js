// Talking to the server: HTTP calls with the session, and a room's WebSocket that reconnects without gaps.

const SESSION_KEY = 'e-chat.session';

export const session = {
  get: () => sessionStorage.getItem(SESSION_KEY),
  set: (id) => sessionStorage.setItem(SESSION_KEY, id),
  clear: () => sessionStorage.removeItem(SESSION_KEY),
};

/** An error answer of the API, with the contract's `code` (e.g. `wrong_credentials`). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message ?? code);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = {};
  if (session.get()) headers['x-session-id'] = session.get();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data?.error?.code ?? 'unavailable', data?.error?.message);
  }
  return data;
}

/** Closes after which the same session may come back with `after=`: shutdown, overload, network. */
const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013]);
const LOGGED_OUT = 4001;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15_000;

/**
 * The live side of one room. Hands every message it receives to `onMessage` (the caller drops the
 * ids it has already shown), resends unacknowledged frames after a reconnect with the same
 * client_id (so the server stores them once), and reconnects with `after=<last id>` (so no gap).
 */
export class RoomChannel {
  #roomId;
  #lastId;
  #handlers;
  #unacked = new Map();
  #socket = null;
  #attempt = 0;
  #timer = 0;
  #stopped = false;

  /** handlers: onMessage(message), onRejected(clientId, code), onStatus(text), onLoggedOut() */
  constructor(roomId, lastId, handlers) {
    this.#roomId = roomId;
    this.#lastId = lastId;
    this.#handlers = handlers;
    this.#connect();
  }

  /** Sends a text now or on the next connection; returns its client_id. */
  send(text) {
    const clientId = crypto.randomUUID();
    const frame = JSON.stringify({ text, client_id: clientId });
    this.#unacked.set(clientId, frame);
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(frame);
    return clientId;
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000);
  }

  #connect() {
    const url = new URL(`/v1/rooms/${this.#roomId}/chat`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('session_id', session.get() ?? '');
    if (this.#lastId > 0) url.searchParams.set('after', String(this.#lastId));
    const socket = new WebSocket(url);
    this.#socket = socket;
    this.#handlers.onStatus('connecting…');
    socket.onopen = () => {
      this.#attempt = 0;
      this.#handlers.onStatus('live');
      for (const frame of this.#unacked.values()) socket.send(frame);
    };
    socket.onmessage = (event) => this.#receive(JSON.parse(event.data));
    socket.onclose = (event) => this.#closed(event.code);
  }

  #receive(frame) {
    if (frame.client_id) this.#unacked.delete(frame.client_id);
    if (frame.error) {
      if (frame.client_id) this.#handlers.onRejected(frame.client_id, frame.error.code);
      return;
    }
    this.#lastId = Math.max(this.#lastId, frame.id);
    this.#handlers.onMessage(frame);
  }

  #closed(code) {
    if (this.#stopped) return;
    if (code === LOGGED_OUT) {
      this.#handlers.onLoggedOut();
      return;
    }
    if (!RECONNECT_CODES.has(code)) {
      this.#handlers.onStatus(`disconnected (${code})`);
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#handlers.onStatus('reconnecting…');
    this.#timer = setTimeout(() => this.#reconnect(), delay * (0.5 + Math.random() / 2));
  }

  /** A browser reports a refused upgrade as a network loss (1006): ask over HTTP why first. */
  async #reconnect() {
    const problem = await api('GET', `/v1/rooms/${this.#roomId}`).then(
      () => null,
      (error) => error,
    );
    if (this.#stopped) return;
    if (!problem) this.#connect();
    else if (problem.status === 401) this.#handlers.onLoggedOut();
    else if (problem.status === 422) this.#handlers.onStatus('this room is gone');
    else this.#closed(1006);
  }
}
