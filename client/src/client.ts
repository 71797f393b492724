// The whole HTTP API of e-chat-server as typed calls, and the two real-time connections.
import type { BackoffOptions } from './backoff.js';
import { type Fetch, Http, type HttpCall, nextLink } from './http.js';
import { LiveSession, type LiveSessionOptions } from './live-session.js';
import { RoomSocket, type RoomSocketOptions } from './room-socket.js';
import { resolveWebSocket, type Transport, type WebSocketConstructor } from './socket.js';
import type { Message, ReadPosition, Room, RoomDetails, User } from './types.js';

export interface ChatClientOptions {
  /** The server, e.g. `http://127.0.0.1:8081` (a page's own origin in a browser). */
  readonly baseUrl: string;
  /** A session id from an earlier login, to go on with it. */
  readonly session?: string;
  readonly fetch?: Fetch;
  /** The global WebSocket where there is one; on Node 20 pass the `ws` package's. */
  readonly WebSocket?: WebSocketConstructor;
  /** Reconnect and retry delays of the real-time connections. */
  readonly backoff?: BackoffOptions;
}

export interface HistoryPage {
  readonly before?: number;
  readonly after?: number;
  /** 1–200; the server's default is 50. */
  readonly limit?: number;
}

export interface HistoryOptions {
  /** Reads forward from this id, oldest first, up to the latest. */
  readonly after?: number;
  /** Reads backward from this id (or the latest when neither is given), newest first. */
  readonly before?: number;
  /** Messages per request, 1–200 (default 200). */
  readonly pageSize?: number;
}

const MAX_PAGE = 200;

export class ChatClient {
  /** The session every call sends; set by register/login, cleared by logout. */
  session: string | undefined;
  private readonly http: Http;

  constructor(private readonly options: ChatClientOptions) {
    this.session = options.session;
    this.http = new Http(options.baseUrl, options.fetch ?? globalThis.fetch.bind(globalThis));
  }

  async register(login: string, password: string): Promise<string> {
    return this.startSession('/v1/register', login, password);
  }

  async login(login: string, password: string): Promise<string> {
    return this.startSession('/v1/login', login, password);
  }

  /** Ends this session on the server (its sockets close with 4001) and forgets it here. */
  async logout(): Promise<void> {
    await this.post('/v1/logout', {});
    this.session = undefined;
  }

  info(): Promise<User> {
    return this.get('/v1/info');
  }

  searchUsers(query: string, options: { limit?: number } = {}): Promise<User[]> {
    return this.get(`/v1/users?${params({ q: query, limit: options.limit })}`);
  }

  /** Every room of the caller, most recently active first, page after page (`Link: next`). */
  async *rooms(options: { limit?: number } = {}): AsyncGenerator<Room> {
    for await (const page of this.roomPages(options)) yield* page;
  }

  /** The rooms list as the server pages it. */
  async *roomPages(options: { limit?: number } = {}): AsyncGenerator<Room[]> {
    let path: string | undefined = `/v1/rooms?${params({ limit: options.limit })}`;
    while (path !== undefined) {
      const reply: { body: Room[]; headers: Headers } = await this.call<Room[]>({
        method: 'GET',
        path,
      });
      yield reply.body;
      path = nextLink(reply.headers.get('link'));
    }
  }

  /** A room of the caller and these users; the existing one when it has exactly those members. */
  createRoom(userIds: readonly number[]): Promise<Room> {
    return this.post('/v1/rooms', { users: userIds.map((id) => ({ id })) });
  }

  room(roomId: number): Promise<RoomDetails> {
    return this.get(`/v1/rooms/${roomId}`);
  }

  /** One page of history, oldest first. */
  messages(roomId: number, page: HistoryPage = {}): Promise<Message[]> {
    return this.get(`/v1/rooms/${roomId}/messages?${params({ ...page })}`);
  }

  /** History one message at a time, fetched a page at a time (see HistoryOptions for direction). */
  async *history(roomId: number, options: HistoryOptions = {}): AsyncGenerator<Message> {
    const limit = Math.min(MAX_PAGE, options.pageSize ?? MAX_PAGE);
    if (options.after !== undefined) {
      let after = options.after;
      for (;;) {
        const page = await this.messages(roomId, { after, limit });
        yield* page;
        const newest = page.at(-1);
        if (!newest || page.length < limit) return;
        after = newest.id;
      }
    }
    let before = options.before;
    for (;;) {
      const page = await this.messages(roomId, { ...(before !== undefined && { before }), limit });
      const oldest = page[0];
      yield* page.reverse();
      if (!oldest || page.length < limit) return;
      before = oldest.id;
    }
  }

  /** Sends over HTTP; with the same `clientId` again, the server stores it only once. */
  send(roomId: number, text: string, options: { clientId?: string } = {}): Promise<Message> {
    const body = options.clientId === undefined ? { text } : { text, client_id: options.clientId };
    return this.post(`/v1/rooms/${roomId}/messages`, body);
  }

  /** Moves the caller's read marker forward (never back) to `messageId`. */
  markRead(roomId: number, messageId: number): Promise<ReadPosition> {
    return this.post(`/v1/rooms/${roomId}/read`, { message_id: messageId });
  }

  /** One stream for all rooms: catch-up, ordered messages, unread counts, a send queue, signals. */
  async live(options: LiveSessionOptions = {}): Promise<LiveSession> {
    return LiveSession.open(this, this.liveTransport(), options);
  }

  /** The original protocol: one room's socket, resuming with `after=` and acknowledged sends. */
  roomSocket(roomId: number, options: RoomSocketOptions = {}): RoomSocket {
    return new RoomSocket(this, this.liveTransport(), roomId, options);
  }

  private liveTransport(): Transport {
    return {
      baseUrl: this.options.baseUrl,
      WebSocket: resolveWebSocket(this.options.WebSocket),
      backoff: this.options.backoff,
      session: () => this.session ?? '',
    };
  }

  private async startSession(path: string, login: string, password: string): Promise<string> {
    const reply = await this.post<{ session_id: string }>(path, { login, password });
    this.session = reply.session_id;
    return reply.session_id;
  }

  private async get<T>(path: string): Promise<T> {
    return (await this.call<T>({ method: 'GET', path })).body;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.call<T>({ method: 'POST', path, body })).body;
  }

  private call<T>(call: Omit<HttpCall, 'session'>) {
    return this.http.call<T>({ ...call, session: this.session });
  }
}

function params(values: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) search.set(name, String(value));
  }
  return search.toString();
}
