// A small HTTP client for tests, speaking to the server as any client would.
export interface Reply<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly session?: string;
  readonly body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export async function request<T = any>(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.session !== undefined) headers['x-session-id'] = options.session;
  const body =
    options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

let counter = 0;

/** A login no other test has used. */
export function uniqueLogin(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

export interface TestUser {
  readonly id: number;
  readonly login: string;
  readonly session: string;
}

/** The password of every test user: long enough, and not among the common ones the server refuses. */
export const TEST_PASSWORD = 'pass:word1';

export async function registerUser(base: string, login = uniqueLogin()): Promise<TestUser> {
  const registered = await request(base, 'POST', '/v1/register', {
    body: { login, password: TEST_PASSWORD },
  });
  if (registered.status !== 200)
    throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
  const session = registered.body.session_id as string;
  const info = await request(base, 'GET', '/v1/info', { session });
  return { id: info.body.id, login, session };
}

/** A tuple of `N` users: destructured without checks for missing ones. */
type Users<N extends number, Acc extends TestUser[] = []> = Acc['length'] extends N
  ? Acc
  : Users<N, [...Acc, TestUser]>;

/** `count` new users, registered at once. */
export async function registerUsers<N extends number>(base: string, count: N): Promise<Users<N>> {
  const users = await Promise.all(Array.from({ length: count }, () => registerUser(base)));
  return users as Users<N>;
}

export async function createRoom(
  base: string,
  owner: TestUser,
  others: TestUser[],
): Promise<number> {
  const reply = await request(base, 'POST', '/v1/rooms', {
    session: owner.session,
    body: { users: others.map((user) => ({ id: user.id })) },
  });
  if (reply.status !== 200) throw new Error(`create room failed: ${JSON.stringify(reply.body)}`);
  return reply.body.id as number;
}

/** Sends a message over HTTP, as `POST /v1/rooms/:id/messages`; throws unless it was stored. */
export async function sendMessage(
  base: string,
  sender: TestUser,
  roomId: number,
  text: string,
  clientId?: string,
): Promise<{ id: number; text: string; user_id: number; room_id: number; created_at: string }> {
  const reply = await request(base, 'POST', `/v1/rooms/${roomId}/messages`, {
    session: sender.session,
    body: clientId === undefined ? { text } : { text, client_id: clientId },
  });
  if (reply.status !== 200) throw new Error(`send failed: ${JSON.stringify(reply.body)}`);
  return reply.body;
}
