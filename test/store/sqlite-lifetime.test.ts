// No better-sqlite3 statement the server prepares is ever garbage-collected, even after its store
// closed. On Node 24 such a collection aborts the whole process (see
// src/store/sqlite/connection.ts); here it is caught on any runtime: every statement prepared
// while servers on SQLite run, serve and close is watched, and the collector is made to run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openConnection } from '../../src/store/sqlite/connection.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import { startServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const SERVERS = 3;
const PINGS = 20;

type Prepare = (this: unknown, source: string, ...rest: unknown[]) => object;

/** The native class behind every connection: all statements come from its `prepare`. */
function nativeDatabasePrototype(): { prepare: Prepare } {
  const connection = openConnection(':memory:');
  const [native] = Object.getOwnPropertySymbols(connection).map(
    (symbol) => (connection as unknown as Record<symbol, object>)[symbol],
  );
  connection.close();
  assert.ok(native, 'a connection wraps a native database');
  return Object.getPrototypeOf(native);
}

/** Runs the collector until finalization callbacks have had their turn. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A server's whole life on SQLite: accounts, a room, messages, history, logout, close. */
async function serveAndClose(): Promise<void> {
  const server = await startServer();
  try {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const roomId = await createRoom(server.url, alice, [bob]);
    const chat = await ChatClient.open(server.wsUrl, roomId, alice.session);
    await chat.post('hello', 'first');
    chat.socket.close();
    await chat.closed;
    await roomHistory(server.url, bob.session, roomId);
    await request(server.url, 'GET', `/v1/users?q=${encodeURIComponent(bob.login)}`, {
      session: alice.session,
    });
    await request(server.url, 'GET', '/v1/rooms', { session: bob.session });
    for (let ping = 0; ping < PINGS; ping++) await request(server.url, 'GET', '/readyz');
    await request(server.url, 'POST', '/v1/logout', { session: alice.session });
  } finally {
    await server.close();
  }
}

const collected: string[] = [];
const watched = new FinalizationRegistry<string>((source) => collected.push(source));
const database = nativeDatabasePrototype();
const prepare = database.prepare;

before(() => {
  database.prepare = function watchedPrepare(source, ...rest) {
    const statement = prepare.call(this, source, ...rest);
    watched.register(statement, source);
    return statement;
  };
});
after(() => {
  database.prepare = prepare;
});

test('statements of SQLite stores that served and closed are never garbage-collected', async () => {
  for (let server = 0; server < SERVERS; server++) await serveAndClose();
  await collectGarbage();
  assert.deepEqual(collected, []);
});
