// The library's calls for conversation state against the real server: HTTP send (idempotent by
// client_id), read markers, unread counts, members' markers, and the rate limit's Retry-After.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../../test/helpers/backends.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { ChatError } from '../src/index.js';
import { person, sharedRoom } from './helpers/clients.js';

for (const backend of backends()) {
  describe(`conversation state through the client library (${backend.name})`, () => {
    const shared = sharedRoom(backend);

    test('send stores once per client_id, over HTTP and the room socket alike', async () => {
      const { alice, roomId } = shared;
      const first = await alice.client.send(roomId, 'Привет', { clientId: 'same-1' });
      const again = await alice.client.send(roomId, 'Привет', { clientId: 'same-1' });
      assert.deepEqual(again, first);
      assert.equal(first.client_id, 'same-1');
      const socket = alice.client.roomSocket(roomId);
      assert.equal((await socket.send('Привет', 'same-1')).id, first.id);
      socket.close();
      assert.equal((await alice.client.send(roomId, 'plain')).client_id, undefined);
    });

    test('a refused send is a ChatError with the SPEC code', async () => {
      const { alice, roomId } = shared;
      await assert.rejects(alice.client.send(roomId, '   '), { code: 'invalid_message' });
      await assert.rejects(alice.client.send(roomId, 'x'.repeat(5000)), {
        code: 'message_too_long',
      });
      await assert.rejects(alice.client.send(987_654, 'hi'), { code: 'room_not_found' });
    });

    test('unread counts, markRead and every member’s marker', async () => {
      const { alice, bob, roomId } = shared;
      const sent = [await alice.client.send(roomId, 'раз'), await alice.client.send(roomId, 'два')];
      const listed = [];
      for await (const room of bob.client.rooms()) if (room.id === roomId) listed.push(room);
      assert.equal(listed[0]?.last_message?.id, sent[1]?.id);
      assert.ok((listed[0]?.unread ?? 0) >= 2);
      const position = await bob.client.markRead(roomId, sent[1]?.id as number);
      assert.deepEqual(position, { room_id: roomId, last_read_id: sent[1]?.id });
      const details = await alice.client.room(roomId);
      assert.equal(details.unread, 0);
      assert.deepEqual(
        details.read?.find((marker) => marker.user_id === bob.user.id)?.last_read_id,
        sent[1]?.id,
      );
      await assert.rejects(bob.client.markRead(roomId, -1), { code: 'invalid_json' });
    });
  });

  describe(`rate limits through the client library (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { WS_MESSAGES_PER_SECOND: '2' } });
    });
    after(() => server.close());

    test('429 carries too_many_requests and the seconds of Retry-After', async () => {
      const alice = await person(server.url);
      const roomId = (await alice.client.createRoom([])).id;
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, n) => alice.client.send(roomId, `fast ${n}`)),
      );
      const refused = results.find((result) => result.status === 'rejected');
      assert.ok(refused, 'some sends are over the rate');
      const error = (refused as PromiseRejectedResult).reason as ChatError;
      assert.ok(error instanceof ChatError);
      assert.deepEqual(
        [error.code, error.status, error.retryable],
        ['too_many_requests', 429, true],
      );
      assert.ok(Number.isInteger(error.retryAfter) && (error.retryAfter ?? -1) >= 0);
    });
  });
}
