// PostgreSQL going away and coming back: calls answer `unavailable` (HTTP 503) meanwhile, and the
// pool recovers by itself. The outage is played by cutting a TCP relay, or by stopping a private
// PostgreSQL of the test's own; never by stopping the machine's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { opened, person } from '../../client/test/helpers/clients.js';
import type { Store } from '../../src/domain/ports/store.js';
import { UnavailableError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { type Backend, backends, type TestDatabase } from '../helpers/backends.js';
import { assertStoredOnce, sendBurst } from '../helpers/burst.js';
import { expectError } from '../helpers/expect-error.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { eventually, roomHistory } from '../helpers/observe.js';
import {
  type PrivatePostgres,
  postgresServerSkip,
  startPostgresServer,
} from '../helpers/postgres-server.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { ChatClient } from '../helpers/ws.js';

const postgres = backends().find((backend) => backend.name === 'postgres');

function withAddress(url: string, host: string, port: number, query: Record<string, string> = {}) {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  for (const [name, value] of Object.entries(query)) parsed.searchParams.set(name, value);
  return parsed.toString();
}

function openAt(url: string): Promise<Store> {
  return openStore({ databaseUrl: url, databasePoolSize: 4, databaseTimeoutMs: 10_000 });
}

/** The backend's databases, reached through the proxy. */
function behind(proxy: TcpProxy, backend: Backend): Backend {
  return {
    name: `${backend.name} behind a relay`,
    async createDatabase() {
      const database = await backend.createDatabase();
      const url = database.env.DATABASE_URL as string;
      return { ...database, env: { DATABASE_URL: withAddress(url, '127.0.0.1', proxy.port) } };
    },
  };
}

describe('PostgreSQL faults', {
  skip: !postgres && 'DATABASE_URL is not a postgres:// URL',
}, () => {
  const backend = postgres as Backend;
  let database: TestDatabase;
  let url: string;
  let proxy: TcpProxy;

  before(async () => {
    database = await backend.createDatabase();
    url = database.env.DATABASE_URL as string;
    const target = new URL(url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
  });
  after(async () => {
    await proxy.cut();
    await database.drop();
  });

  test('a server that cannot be reached is unavailable from the start', async () => {
    await assert.rejects(openAt(withAddress(url, '127.0.0.1', 1)), UnavailableError);
  });

  test('an outage answers unavailable, and the store recovers when the server is back', async () => {
    const store = await openAt(withAddress(url, '127.0.0.1', proxy.port));
    try {
      await store.ping();
      await proxy.cut();
      await assert.rejects(store.ping(), UnavailableError);
      await assert.rejects(store.lastMessageId(1), UnavailableError);
      await proxy.resume();
      await store.ping();
      assert.equal(await store.lastMessageId(1), 0);
    } finally {
      await store.close();
    }
  });

  test('connections the server ends are replaced on the next call', async () => {
    const name = `chat_fault_${process.pid}`;
    const store = await openAt(
      withAddress(url, '127.0.0.1', proxy.port, { application_name: name }),
    );
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      await store.ping();
      const ended = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [name],
      );
      assert.ok(ended.rowCount && ended.rowCount > 0);
      // The pool may not have noticed yet: the first call may still meet the dead connection.
      await store.ping().catch((error: unknown) => assert.ok(error instanceof UnavailableError));
      await store.ping();
    } finally {
      await admin.end();
      await store.close();
    }
  });

  describe('a network that silently drops everything', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend: behind(proxy, backend),
        env: { DATABASE_TIMEOUT_SECONDS: '1' },
      });
    });
    after(() => server.close());

    // Without a timeout the request hung for good: the test's own timeout turns that into a failure.
    test('requests fail with 503 after DATABASE_TIMEOUT_SECONDS, then recover', {
      timeout: 30_000,
    }, async () => {
      const alice = await registerUser(server.url);
      proxy.stall();
      try {
        const rooms = await request(server.url, 'GET', '/v1/rooms', { session: alice.session });
        expectError(rooms, 503, 'unavailable');
        expectError(await request(server.url, 'GET', '/readyz'), 503, 'unavailable');
      } finally {
        await proxy.cut();
        await proxy.resume();
      }
      await eventually(async () => (await request(server.url, 'GET', '/readyz')).status === 200);
      const rooms = await request(server.url, 'GET', '/v1/rooms', { session: alice.session });
      assert.equal(rooms.status, 200);
    });
  });

  describe('through the server', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend: behind(proxy, backend) });
    });
    after(() => server.close());

    test('HTTP answers 503 unavailable and a sent frame gets an unavailable error', async () => {
      const alice = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, []);
      const chat = await ChatClient.open(server.wsUrl, roomId, alice.session);
      // An acknowledged message shows the socket has joined its room (which reads the store).
      chat.send({ text: 'before', client_id: 'c0' });
      assert.equal((await chat.next()).text, 'before');
      await proxy.cut();
      try {
        // The session itself may be served from the session cache: ask for what needs the store.
        const rooms = await request(server.url, 'GET', '/v1/rooms', { session: alice.session });
        assert.equal(rooms.status, 503);
        assert.deepEqual(rooms.body.error.code, 'unavailable');
        assert.equal((await request(server.url, 'GET', '/readyz')).status, 503);
        chat.send({ text: 'lost?', client_id: 'c1' });
        assert.deepEqual(await chat.next(), { error: { code: 'unavailable' }, client_id: 'c1' });
      } finally {
        await proxy.resume();
      }
      assert.equal((await request(server.url, 'GET', '/readyz')).status, 200);
      chat.send({ text: 'stored', client_id: 'c2' });
      assert.equal((await chat.next()).text, 'stored');
      const history = await request(server.url, 'GET', `/v1/rooms/${roomId}/messages`, {
        session: alice.session,
      });
      assert.deepEqual(
        history.body.map((message: { text: string }) => message.text),
        ['before', 'stored'],
      );
      await chat.close();
    });
  });
});

describe('a private PostgreSQL stopped and started under load', {
  skip: postgresServerSkip,
}, () => {
  const OUTAGE_MS = 1500;
  let postgres: PrivatePostgres;
  let server: TestServer;
  before(async () => {
    postgres = await startPostgresServer();
    const database = { env: { DATABASE_URL: postgres.url }, drop: async () => undefined };
    server = await startServer({ database, env: { DATABASE_TIMEOUT_SECONDS: '2' } });
  });
  after(async () => {
    await server?.close();
    await postgres?.destroy();
  });

  test('every message sent over WebSocket and HTTP meanwhile is stored once', async () => {
    const [alice, bob] = await Promise.all([person(server.url), person(server.url)]);
    const roomId = (await alice.client.createRoom([bob.user.id])).id;
    const socket = alice.client.roomSocket(roomId);
    await opened(socket);
    const live = await bob.client.live();
    await live.untilLive();
    const bursts = await Promise.all([
      sendBurst({
        count: 200,
        prefix: 'over the socket',
        send: (text) => socket.send(text),
        unsent: () => socket.pending().length,
        fault: async () => {
          await postgres.stop();
          await sleep(OUTAGE_MS);
          await postgres.start();
        },
      }),
      sendBurst({ count: 200, prefix: 'over HTTP', send: (text) => live.send(roomId, text) }),
    ]);
    assertStoredOnce(await roomHistory(server.url, alice.client.session as string, roomId), bursts);
    socket.close();
    live.close();
  });
});
