// A scripted stand-in for the server, for unit tests of the live session: the test decides when a
// stream opens, which frames it carries and what each HTTP call answers, one step at a time.
import type { Message, Room, StreamFrame } from '../../src/types.js';

export class FakeSocket {
  static readonly opened: FakeSocket[] = [];
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.opened.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.drop(code);
  }

  /** The server accepts the upgrade. */
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: StreamFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  drop(code = 1006): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** The data behind the HTTP answers, which a test changes as "the server" would. */
export class FakeApi {
  readonly rooms = new Map<number, Room>();
  readonly messages: Message[] = [];
  readonly calls: string[] = [];
  /** Answers with this status and error code instead, once per entry. */
  readonly failures: Array<{ status: number; code: string; retryAfter?: number }> = [];
  /** While set, the rooms list waits for it: lets frames arrive in the middle of a catch-up. */
  roomsGate: Promise<void> | undefined;
  private nextId = 100;

  constructor(readonly userId: number) {}

  message(roomId: number, userId: number, text = 'Привет'): Message {
    this.nextId += 1;
    const message = {
      id: this.nextId,
      room_id: roomId,
      user_id: userId,
      text,
      created_at: '2026-01-01T00:00:00Z',
    };
    this.messages.push(message);
    const room = this.rooms.get(roomId);
    if (room) this.rooms.set(roomId, { ...room, last_message: message });
    return message;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    this.calls.push(`${method} ${url.pathname}${url.search}`);
    const failure = this.failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return json({ error: { code: failure.code } }, failure.status, headers);
    }
    if (url.pathname === '/v1/info') return json({ id: this.userId, login: 'me' });
    if (url.pathname === '/v1/rooms' && method === 'GET') {
      await this.roomsGate;
      const listed = [...this.rooms.values()].map((room) => ({
        ...room,
        unread: this.unread(room),
      }));
      return json(listed.sort((a, b) => activity(b) - activity(a)));
    }
    const roomMatch = /^\/v1\/rooms\/(\d+)(\/messages|\/read)?$/.exec(url.pathname);
    const roomId = Number(roomMatch?.[1]);
    if (roomMatch?.[2] === '/messages' && method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return json(
        this.inRoom(roomId)
          .filter((m) => m.id > after)
          .slice(0, limit),
      );
    }
    if (roomMatch?.[2] === '/messages') {
      const body = JSON.parse(String(init?.body));
      return json({ ...this.message(roomId, this.userId, body.text), client_id: body.client_id });
    }
    if (roomMatch?.[2] === '/read') {
      const body = JSON.parse(String(init?.body));
      return json({ room_id: roomId, last_read_id: body.message_id });
    }
    if (roomMatch) return json(this.rooms.get(roomId));
    return json({ error: { code: 'not_found' } }, 404);
  };

  private unread(room: Room): number {
    const marker = room.last_read_id ?? 0;
    return this.inRoom(room.id).filter((m) => m.user_id !== this.userId && m.id > marker).length;
  }

  private inRoom(roomId: number): Message[] {
    return this.messages.filter((message) => message.room_id === roomId);
  }
}

function activity(room: Room): number {
  return room.last_message?.id ?? 0;
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Lets pending promise callbacks run (the session's awaits on fetch and JSON). */
export async function settle(): Promise<void> {
  for (let n = 0; n < 20; n++) await new Promise((resolve) => setImmediate(resolve));
}
