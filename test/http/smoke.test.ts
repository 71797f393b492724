import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

for (const backend of backends()) {
  describe(`smoke (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test('two users talk in a room', async () => {
      const alice = await registerUser(server.url, 'Алиса');
      const bob = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, [bob]);
      const a = await ChatClient.open(server.wsUrl, roomId, alice.session);
      const b = await ChatClient.open(server.wsUrl, roomId, bob.session);
      a.send({ text: 'Привет', user_id: 999, room_id: 999, client_id: 'c1' });
      const ack = await a.next();
      const got = await b.next();
      assert.equal(got.text, 'Привет');
      assert.equal(got.user_id, alice.id);
      assert.equal(got.room_id, roomId);
      assert.equal(ack.client_id, 'c1');
      assert.equal(ack.id, got.id);
      const history = await request(server.url, 'GET', `/v1/rooms/${roomId}/messages`, {
        session: bob.session,
      });
      assert.deepEqual(history.body, [got]);
      await Promise.all([a.close(), b.close()]);
    });
  });
}
