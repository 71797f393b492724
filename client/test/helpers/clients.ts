// Library clients for the integration tests: registered users on a real test server, on `ws`.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import WebSocket from 'ws';
import type { Backend } from '../../../test/helpers/backends.js';
import { TEST_PASSWORD, uniqueLogin } from '../../../test/helpers/http.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';
import { TcpProxy } from '../../../test/helpers/tcp-proxy.js';
import { ChatClient, type ChatClientOptions } from '../../src/index.js';
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

/**
 * Sends `count` texts a few at a time and restarts the server a quarter of the way in, while
 * sends are on their way; resolves with the texts and what each send resolved with.
 */
export async function burstAcrossRestart(
  server: TestServer,
  count: number,
  send: (text: string) => Promise<Message>,
  unsent: () => number,
): Promise<{ texts: string[]; acks: Message[] }> {
  const texts = Array.from({ length: count }, (_, n) => `burst ${n}`);
  const sends: Promise<Message>[] = [];
  let restarted: Promise<void> | undefined;
  for (const [n, text] of texts.entries()) {
    sends.push(send(text));
    if (n === Math.floor(count / 4)) {
      assert.ok(unsent() > 0, 'sends are on their way as the server stops');
      restarted = server.restart();
    }
    if (n % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await restarted;
  return { texts, acks: await Promise.all(sends) };
}
