// Logout closes exactly that session's sockets with 4001; the user's other sessions keep talking.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { eventually } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

for (const backend of backends()) {
  describe(`websocket sessions (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test('logout closes that session’s sockets with 4001, not the other session’s', async () => {
      const alice = await registerUser(server.url);
      const bob = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, [bob]);
      const otherRoom = await createRoom(server.url, alice, []);
      const login = await request(server.url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      const phoneSession = login.body.session_id as string;
      const laptop = await ChatClient.open(server.wsUrl, roomId, alice.session);
      const laptopOtherRoom = await ChatClient.open(server.wsUrl, otherRoom, alice.session);
      const phone = await ChatClient.open(server.wsUrl, roomId, phoneSession);
      const b = await ChatClient.open(server.wsUrl, roomId, bob.session);

      const logout = await request(server.url, 'POST', '/v1/logout', { session: alice.session });
      assert.equal(logout.status, 200);
      assert.equal(await laptop.closed, 4001);
      assert.equal(await laptopOtherRoom.closed, 4001);

      const ack = await phone.post('from the phone', 'phone-1');
      assert.equal((await b.next()).id, ack.id);
      await eventually(() => server.server.hub.connectionCount === 2);
      await Promise.all([phone.close(), b.close()]);
    });
  });
}
