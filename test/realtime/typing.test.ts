// Typing over the stream: relayed to the room's other members' streams only, one per 2 s, never
// stored; refused for a room the sender is not in; bad frames answered, the stream kept open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import {
  createRoom,
  registerUser,
  registerUsers,
  request,
  type TestUser,
} from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const isTyping = (frame: Frame) => frame.type === 'typing';
const isError = (frame: Frame) => frame.type === 'error';

for (const backend of backends()) {
  describe(`typing (${backend.name})`, () => {
    let server: TestServer;
    const clients: ChatClient[] = [];
    before(async () => {
      // Without presence frames, the frames a stream gets are those of typing alone.
      server = await startServer({ backend, env: { PRESENCE: 'false' } });
    });
    after(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await server.close();
    });

    async function stream(user: TestUser): Promise<ChatClient> {
      const client = await ChatClient.stream(server.wsUrl, user.session);
      clients.push(client);
      assert.equal((await client.next()).type, 'ready');
      return client;
    }

    test('reaches the other members’ streams once per 2 s; not the sender, a room socket or a stranger', async () => {
      const [alice, bob, carol, stranger] = await registerUsers(server.url, 4);
      const room = await createRoom(server.url, alice, [bob, carol]);
      await createRoom(server.url, stranger, [alice]);
      const typist = await stream(alice);
      const typistOtherDevice = await stream(alice);
      const bobStream = await stream(bob);
      const carolStream = await stream(carol);
      const outsider = await stream(stranger);
      const bobSocket = await ChatClient.open(server.wsUrl, room, bob.session);
      clients.push(bobSocket);

      for (let signal = 0; signal < 5; signal++) typist.send({ type: 'typing', room_id: room });
      const expected = { type: 'typing', room_id: room, user_id: alice.id };
      assert.deepEqual(await bobStream.find(isTyping), expected);
      assert.deepEqual(await carolStream.find(isTyping), expected);
      assert.equal(await bobStream.quiet(500), true);
      assert.equal(bobStream.received.filter(isTyping).length, 1, 'extra signals dropped');
      for (const silent of [typist, typistOtherDevice, outsider, bobSocket]) {
        assert.equal(silent.received.filter(isTyping).length, 0);
      }
      assert.equal(typist.received.filter(isError).length, 0, 'dropped silently');

      const history = await request(server.url, 'GET', `/v1/rooms/${room}/messages`, {
        session: bob.session,
      });
      assert.deepEqual(history.body, [], 'never stored');
    });

    test('a room the sender is not in, or none: room_not_found, and nothing is relayed', async () => {
      const [alice, bob, stranger] = await registerUsers(server.url, 3);
      const room = await createRoom(server.url, alice, [bob]);
      const bobStream = await stream(bob);
      const intruder = await stream(stranger);
      for (const roomId of [room, 9_007_199_254_740_991]) {
        intruder.send({ type: 'typing', room_id: roomId });
        const refused = await intruder.next();
        assert.deepEqual(refused, { type: 'error', error: { code: 'room_not_found' } });
      }
      assert.equal(await bobStream.quiet(300), true);
    });

    test('bad frames get invalid_json and the stream stays open', async () => {
      const [alice, bob] = await Promise.all([registerUser(server.url), registerUser(server.url)]);
      const room = await createRoom(server.url, alice, [bob]);
      const typist = await stream(alice);
      const bobStream = await stream(bob);
      const bad = [
        'not json',
        '[]',
        '{"type":"typing"}',
        JSON.stringify({ type: 'typing', room_id: String(room) }),
        JSON.stringify({ type: 'typing', room_id: -1 }),
        JSON.stringify({ type: 'typing', room_id: 0 }),
        JSON.stringify({ type: 'typing', room_id: 1.5 }),
        JSON.stringify({ type: 'typing', room_id: 2 ** 53 }),
        JSON.stringify({ type: 'typing', room_id: null }),
        JSON.stringify({ type: 'typed', room_id: room }),
      ];
      for (const frame of bad) {
        typist.send(frame);
        assert.deepEqual(
          await typist.next(),
          { type: 'error', error: { code: 'invalid_json' } },
          frame,
        );
      }
      typist.socket.send(Buffer.from('{"type":"typing"}'), { binary: true });
      assert.deepEqual(await typist.next(), { type: 'error', error: { code: 'invalid_json' } });
      typist.send({ type: 'typing', room_id: room });
      assert.deepEqual(await bobStream.find(isTyping), {
        type: 'typing',
        room_id: room,
        user_id: alice.id,
      });
    });
  });
}
