// Open WebSockets are capped per session and per user, before the upgrade; a closed one frees its slot.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import {
  createRoom,
  registerUser,
  request,
  TEST_PASSWORD,
  type TestUser,
} from '../helpers/http.js';
import { eventually } from '../helpers/observe.js';
import { parseRaw, rawExchange } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const PER_SESSION = 3;
const PER_USER = 5;

interface Refusal {
  status: number;
  contentType: string;
  body: unknown;
}

async function refusalOf(opening: Promise<ChatClient>): Promise<Refusal> {
  const refused = await opening.then(
    () => assert.fail('the socket opened'),
    (error: Refusal) => error,
  );
  return refused;
}

function assertTooMany(refused: Refusal): void {
  assert.equal(refused.status, 429);
  assert.match(refused.contentType, /^application\/json/);
  assert.deepEqual(refused.body, { error: { code: 'too_many_requests' } });
}

/** The server frees a slot a moment after the client saw its socket close: retry until it has. */
async function openOnceFreed(open: () => Promise<ChatClient>): Promise<ChatClient> {
  let opened: ChatClient | undefined;
  await eventually(async () => {
    opened = await open().catch(() => undefined);
    return opened !== undefined;
  });
  return opened as ChatClient;
}

async function newSession(base: string, user: TestUser): Promise<string> {
  const login = await request(base, 'POST', '/v1/login', {
    body: { login: user.login, password: TEST_PASSWORD },
  });
  return login.body.session_id as string;
}

for (const backend of backends()) {
  describe(`websocket quota (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: {
          WS_SOCKETS_PER_SESSION: String(PER_SESSION),
          WS_SOCKETS_PER_USER: String(PER_USER),
        },
      });
    });
    after(() => server.close());

    test('a session past its sockets gets 429 before the upgrade; a closed one frees a slot', async () => {
      const alice = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, []);
      const open = [
        await ChatClient.open(server.wsUrl, roomId, alice.session),
        await ChatClient.open(server.wsUrl, roomId, alice.session),
        await ChatClient.stream(server.wsUrl, alice.session),
      ];
      assertTooMany(await refusalOf(ChatClient.open(server.wsUrl, roomId, alice.session)));
      assertTooMany(await refusalOf(ChatClient.stream(server.wsUrl, alice.session)));
      const other = await ChatClient.stream(server.wsUrl, await newSession(server.url, alice));

      await open[0]?.close();
      const again = await openOnceFreed(() => ChatClient.open(server.wsUrl, roomId, alice.session));
      await Promise.all([...open.slice(1), other, again].map((client) => client.close()));
    });

    test('a user past their sockets gets 429 whichever session asks', async () => {
      const bob = await registerUser(server.url);
      const sessions = [bob.session, await newSession(server.url, bob)];
      const open: ChatClient[] = [];
      for (let i = 0; i < PER_USER; i++) {
        open.push(await ChatClient.stream(server.wsUrl, sessions[i % 2]));
      }
      const third = await newSession(server.url, bob);
      assertTooMany(await refusalOf(ChatClient.stream(server.wsUrl, third)));
      await Promise.all(open.map((client) => client.close()));
      // Every slot comes back once the sockets are gone.
      const reopened: ChatClient[] = [];
      for (let i = 0; i < PER_SESSION; i++) {
        reopened.push(await openOnceFreed(() => ChatClient.stream(server.wsUrl, third)));
      }
      await Promise.all(reopened.map((client) => client.close()));
    });

    test('a refused upgrade whose client keeps its side open holds no slot', async () => {
      const dave = await registerUser(server.url);
      const { hostname, port } = new URL(server.url);
      const client = connect(Number(port), hostname);
      await once(client, 'connect');
      // Room 999999 is none of dave's: 422 after the session was authenticated.
      client.write(
        `GET /v1/rooms/999999/chat?session_id=${dave.session} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      const answer = await once(client, 'data');
      assert.match(String(answer[0]), /^HTTP\/1\.1 422 /);
      try {
        const opened = [];
        for (let i = 0; i < PER_SESSION; i++) {
          opened.push(await openOnceFreed(() => ChatClient.stream(server.wsUrl, dave.session)));
        }
        await Promise.all(opened.map((socket) => socket.close()));
      } finally {
        client.destroy();
      }
    });

    test('the refusal says when to retry; a refused upgrade holds no slot', async () => {
      const carol = await registerUser(server.url);
      const first = await Promise.all(
        Array.from({ length: PER_SESSION }, () => ChatClient.stream(server.wsUrl, carol.session)),
      );
      const { hostname, port } = new URL(server.url);
      const refused = parseRaw(
        await rawExchange(
          server.url,
          `GET /v1/stream?session_id=${carol.session} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
            'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        ),
      );
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After');
      for (let i = 0; i < 5; i++) {
        await refusalOf(ChatClient.stream(server.wsUrl, carol.session));
      }
      await first[0]?.close();
      const next = await openOnceFreed(() => ChatClient.stream(server.wsUrl, carol.session));
      await Promise.all([...first.slice(1), next].map((client) => client.close()));
    });
  });
}
