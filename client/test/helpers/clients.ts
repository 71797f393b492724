// Library clients for the integration tests: registered users on a real test server, on `ws`.
import { after, before } from 'node:test';
import WebSocket from 'ws';
import type { Backend } from '../../../test/helpers/backends.js';
import { sendBurst } from '../../../test/helpers/burst.js';
import { TEST_PASSWORD, uniqueLogin } from '../../../test/helpers/http.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';
import { TcpProxy } from '../../../test/helpers/tcp-proxy.js';
import { ChatClient, type ChatClientOptions, type RoomSocket } from '../../src/index.js';
import type { Message, User } from '../../src/types.js';

/** Short delays, so that reconnect tests spend their time on behaviour. */
const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };

export function newClient(baseUrl: string, options: Partial<ChatClientOptions> = {}): ChatClient {
  return new ChatClient({ baseUrl, WebSocket, backoff: FAST_BACKOFF, ...options });
}

export interface Person {
  readonly client: ChatClient;
  readonly user: User;
}

/** A freshly registered user and a client logged in as them. */
export async function person(baseUrl: string, options: Partial<ChatClientOptions> = {}) {
  const client = newClient(baseUrl, options);
  await client.register(uniqueLogin(), TEST_PASSWORD);
  return { client, user: await client.info() } satisfies Person;
}

/** Resolves once the room socket is open. */
export function opened(socket: RoomSocket): Promise<void> {
  if (socket.status === 'open') return Promise.resolve();
  return new Promise((resolve) => {
    const off = socket.on('status', (status) => {
      if (status !== 'open') return;
      off();
      resolve();
    });
  });
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export interface SharedRoom {
  readonly server: TestServer;
  readonly alice: Person;
  readonly bob: Person;
  readonly roomId: number;
}

/** For a suite: a server on `backend`, two registered people and their room, ready in `before`. */
export function sharedRoom(backend: Backend): SharedRoom {
  const fixture = {} as { -readonly [K in keyof SharedRoom]: SharedRoom[K] };
  before(async () => {
    fixture.server = await startServer({ backend });
    fixture.alice = await person(fixture.server.url);
    fixture.bob = await person(fixture.server.url);
    fixture.roomId = (await fixture.alice.client.createRoom([fixture.bob.user.id])).id;
  });
  after(() => fixture.server.close());
  return fixture;
}

/** A client of `session` reaching the server through a relay the test can cut and restore. */
export async function throughProxy(serverUrl: string, session: string | undefined) {
  const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(serverUrl).port));
  const client = newClient(`http://127.0.0.1:${proxy.port}`, { session });
  return { proxy, client };
}

/** Sends `count` texts a few at a time and restarts the server a quarter of the way in. */
export function burstAcrossRestart(
  server: TestServer,
  count: number,
  send: (text: string) => Promise<Message>,
  unsent: () => number,
): Promise<{ texts: string[]; acks: Message[] }> {
  return sendBurst({ count, prefix: 'burst', send, unsent, fault: () => server.restart() });
}
