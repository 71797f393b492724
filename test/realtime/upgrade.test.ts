// The upgrade is refused with an HTTP status and the JSON error before any socket opens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { eventually } from '../helpers/observe.js';
import { parseRaw, rawExchange } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type OpenOptions } from '../helpers/ws.js';

async function refusal(
  server: TestServer,
  roomId: number | string,
  session: string | undefined,
  options?: OpenOptions,
): Promise<{ status: number; contentType: string; body: unknown }> {
  try {
    const client = await ChatClient.open(server.wsUrl, roomId, session, options);
    await client.close();
  } catch (error: any) {
    if (error.status === undefined) throw error;
    return { status: error.status, contentType: error.contentType, body: error.body };
  }
  throw new Error('the upgrade was accepted');
}

function expectError(
  refused: { status: number; contentType: string; body: unknown },
  status: number,
  code: string,
): void {
  assert.equal(refused.status, status);
  assert.equal(refused.contentType, 'application/json; charset=utf-8');
  assert.deepEqual(refused.body, { error: { code } });
}

for (const backend of backends()) {
  describe(`websocket upgrade (${backend.name})`, () => {
    const origin = 'https://chat.example';
    let server: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: number;
    before(async () => {
      server = await startServer({
        backend,
        env: { ALLOWED_ORIGINS: `${origin},https://other.example` },
      });
      alice = await registerUser(server.url);
      bob = await registerUser(server.url);
      roomId = await createRoom(server.url, alice, [bob]);
    });
    after(() => server.close());

    test('a missing, malformed or unknown session gets 401', async () => {
      expectError(await refusal(server, roomId, undefined), 401, 'unauthorized');
      expectError(await refusal(server, roomId, ''), 401, 'unauthorized');
      expectError(await refusal(server, roomId, 'not-a-session'), 401, 'unauthorized');
      const unknown = `${alice.session.slice(0, -4)}AAAA`;
      expectError(await refusal(server, roomId, unknown), 401, 'unauthorized');
    });

    test('a logged-out session gets 401', async () => {
      const login = await request(server.url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      const session = login.body.session_id as string;
      await request(server.url, 'POST', '/v1/logout', { session });
      expectError(await refusal(server, roomId, session), 401, 'unauthorized');
    });

    test('a room the caller may not see gets 422 room_not_found', async () => {
      const carol = await registerUser(server.url);
      const othersRoom = await createRoom(server.url, bob, [carol]);
      for (const room of [othersRoom, 999_999_999, 'abc', '0', '-1', '1.5']) {
        expectError(await refusal(server, room, alice.session), 422, 'room_not_found');
      }
    });

    test('a foreign Origin gets 403; a listed one or none is allowed', async () => {
      const foreign = { headers: { Origin: 'https://evil.example' } };
      expectError(await refusal(server, roomId, alice.session, foreign), 403, 'forbidden_origin');
      const allowed: Record<string, string>[] = [
        { Origin: origin },
        { Origin: 'https://other.example' },
        {},
      ];
      for (const headers of allowed) {
        const client = await ChatClient.open(server.wsUrl, roomId, alice.session, { headers });
        await client.close();
      }
    });

    test('a plain GET on the chat URL gets 426', async () => {
      const reply = await request(server.url, 'GET', `/v1/rooms/${roomId}/chat`, {
        session: alice.session,
      });
      assert.equal(reply.status, 426);
      assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(reply.body.error.code, 'upgrade_required');
    });

    test('a handshake ws would refuse gets the JSON error, never HTML', async () => {
      const target = `/v1/rooms/${roomId}/chat?session_id=${alice.session}`;
      const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
      const handshakes: [string, number, string][] = [
        [`POST ${target} HTTP/1.1\r\nUpgrade: websocket\r\n${key}`, 405, 'method_not_allowed'],
        [`GET ${target} HTTP/1.1\r\nUpgrade: h2c\r\n`, 400, 'bad_request'],
        [`GET ${target} HTTP/1.1\r\nUpgrade: websocket\r\n`, 400, 'bad_request'],
        [
          `GET ${target} HTTP/1.1\r\nUpgrade: websocket\r\n${key}Sec-WebSocket-Version: 7\r\n`,
          400,
          'bad_request',
        ],
        [`GET // HTTP/1.1\r\nUpgrade: websocket\r\n${key}`, 404, 'not_found'],
        [`GET //x:99999${target} HTTP/1.1\r\nUpgrade: websocket\r\n${key}`, 404, 'not_found'],
      ];
      for (const [head, status, code] of handshakes) {
        const bytes = `${head}Host: x\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`;
        const reply = parseRaw(await rawExchange(server.url, bytes));
        assert.equal(reply.status, status, head);
        assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8', head);
        assert.equal(reply.body.error.code, code, head);
        if (status === 405) assert.equal(reply.headers.get('allow'), 'GET');
      }
    });

    test('a refused upgrade leaves nothing open', async () => {
      const { hub } = server.server;
      await eventually(() => hub.connectionCount === 0 && hub.roomCount === 0);
    });
  });
}
