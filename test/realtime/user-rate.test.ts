// One user's messages are limited together, whichever sockets and HTTP requests carry them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const BURST = 5;
const SOCKETS = 3;
const FRAMES_PER_SOCKET = 4;

for (const backend of backends()) {
  describe(`the per-user message rate (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: { USER_MESSAGES_PER_SECOND: '1', USER_MESSAGE_BURST: String(BURST) },
      });
    });
    after(() => server.close());

    test('sockets and HTTP sends of one user share one bucket; other users keep theirs', async () => {
      const alice = await registerUser(server.url);
      const bob = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, [bob]);
      const sockets = await Promise.all(
        Array.from({ length: SOCKETS }, () => ChatClient.open(server.wsUrl, roomId, alice.session)),
      );
      const send = () =>
        request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, {
          session: alice.session,
          body: { text: 'over http' },
        });
      const startedAt = Date.now();
      for (let i = 0; i < BURST; i++) assert.equal((await send()).status, 200);
      sockets.forEach((socket, s) => {
        for (let f = 0; f < FRAMES_PER_SOCKET; f++) {
          socket.send({ text: `from ${s}`, client_id: `s${s}-${f}` });
        }
      });
      // Acknowledgements and error frames echo the client id; the HTTP messages arrive too, without.
      const answered = (socket: ChatClient) => socket.received.filter((frame) => frame.client_id);
      await Promise.all(
        sockets.map((socket) => socket.find(() => answered(socket).length === FRAMES_PER_SOCKET)),
      );
      const again = await send();
      const elapsedMs = Date.now() - startedAt;

      const frames: Frame[] = sockets.flatMap(answered);
      const acknowledged = frames.filter((frame) => frame.id !== undefined).length;
      const refused = frames.filter((frame) => frame.error?.code === 'too_many_requests');
      assert.equal(acknowledged + refused.length, SOCKETS * FRAMES_PER_SOCKET);
      // The HTTP sends took the burst: the sockets get only what refilled meanwhile.
      assert.ok(acknowledged <= Math.ceil(elapsedMs / 1000), `${acknowledged} stored`);
      if (elapsedMs < 1000) {
        assert.equal(again.status, 429);
        assert.equal(again.body.error.code, 'too_many_requests');
        assert.ok(Number(again.headers.get('retry-after')) >= 1);
      }
      const bobSends = await request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, {
        session: bob.session,
        body: { text: 'bob has his own bucket' },
      });
      assert.equal(bobSends.status, 200);
      await Promise.all(sockets.map((socket) => socket.close()));
    });

    test('a text refused anyway costs none of the user’s messages', async () => {
      const carol = await registerUser(server.url);
      const roomId = await createRoom(server.url, carol, []);
      const socket = await ChatClient.open(server.wsUrl, roomId, carol.session);
      const post = (text: string) =>
        request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, {
          session: carol.session,
          body: { text },
        });
      for (let i = 0; i < BURST; i++) {
        assert.equal((await post('   ')).body.error.code, 'invalid_message');
        socket.send({ text: '\u200b', client_id: `blank-${i}` });
      }
      const blanks = await socket.waitFor(BURST);
      assert.ok(blanks.every((frame) => frame.error?.code === 'invalid_message'));
      assert.equal((await post('the burst is whole')).status, 200);
      await socket.close();
    });
  });
}
