// Library clients for the integration tests: registered users on a real test server, on `ws`.
import WebSocket from 'ws';
import { uniqueLogin } from '../../../test/helpers/http.js';
import { ChatClient, type ChatClientOptions } from '../../src/index.js';
import type { User } from '../../src/types.js';

export const PASSWORD = 'password1';

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
  await client.register(uniqueLogin(), PASSWORD);
  return { client, user: await client.info() } satisfies Person;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
