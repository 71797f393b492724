// Sending and receiving: who gets what, acknowledgements, idempotent resends, rooms kept apart.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const backend of backends()) {
  describe(`websocket messaging (${backend.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    /** Alice's second device: a session of its own. */
    let alicePhone: string;
    let roomId: number;
    const open: ChatClient[] = [];

    async function connect(session: string, room = roomId, query = ''): Promise<ChatClient> {
      const client = await ChatClient.open(server.wsUrl, room, session, { query });
      open.push(client);
      return client;
    }

    before(async () => {
      server = await startServer({ backend });
      alice = await registerUser(server.url, 'Алиса');
      bob = await registerUser(server.url);
      const login = await request(server.url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      alicePhone = login.body.session_id;
      roomId = await createRoom(server.url, alice, [bob]);
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((client) => client.close()));
    });
    after(() => server.close());

    test('a message reaches every other connection, never the sender, as the server says', async () => {
      const laptop = await connect(alice.session);
      const phone = await connect(alicePhone);
      const b = await connect(bob.session);
      laptop.send({
        text: 'И тебе привет',
        user_id: bob.id,
        room_id: roomId + 1,
        created_at: '2000-01-01T00:00:00Z',
        id: 1,
      });
      const onPhone = await phone.next();
      const onBob = await b.next();
      assert.deepEqual(onPhone, onBob);
      assert.deepEqual(Object.keys(onBob).sort(), [
        'created_at',
        'id',
        'room_id',
        'text',
        'user_id',
      ]);
      assert.equal(onBob.text, 'И тебе привет');
      assert.equal(onBob.user_id, alice.id);
      assert.equal(onBob.room_id, roomId);
      assert.match(onBob.created_at, CREATED_AT);
      assert.ok(Math.abs(Date.parse(onBob.created_at) - Date.now()) < 60_000);
      // Per room every receiver sees id order, so Bob's reply is the laptop's very next frame.
      b.send({ text: 'ответ' });
      const reply = await laptop.next();
      assert.equal(reply.text, 'ответ');
      assert.equal(reply.user_id, bob.id);
      assert.equal((await phone.next()).id, reply.id);
      assert.equal(laptop.received.length, 1);
      assert.equal(b.received.length, 1);
    });

    test('a client_id gets the stored message back with it; others get it without', async () => {
      const laptop = await connect(alice.session);
      const phone = await connect(alicePhone);
      const b = await connect(bob.session);
      const ack = await laptop.post('с подтверждением', 'ack-1');
      const onBob = await b.next();
      assert.deepEqual(ack, { ...onBob, client_id: 'ack-1' });
      assert.deepEqual(await phone.next(), onBob);
      const history = await roomHistory(server.url, bob.session, roomId);
      assert.deepEqual(history.at(-1), onBob);
    });

    test('a resend of a client_id stores nothing new, also after a reconnect', async () => {
      const laptop = await connect(alice.session);
      const b = await connect(bob.session);
      const first = await laptop.post('once', 'retry-1');
      const countBefore = (await roomHistory(server.url, bob.session, roomId)).length;
      const again = await laptop.post('once, resent', 'retry-1');
      assert.deepEqual(again, first);
      await laptop.close();
      const reconnected = await connect(alice.session, roomId, `&after=${first.id}`);
      const afterReconnect = await reconnected.post('once, resent again', 'retry-1');
      assert.deepEqual(afterReconnect, first);
      const history = await roomHistory(server.url, bob.session, roomId);
      assert.equal(history.length, countBefore);
      assert.equal(history.at(-1)?.text, 'once');
      // Bob got the message once: the next frame after it is a new message.
      const marker = await reconnected.post('marker', 'marker-1');
      assert.deepEqual(
        (await b.waitFor(2)).map((frame) => frame.id),
        [first.id, marker.id],
      );
    });

    test('the same client_id from another user or in another room is another message', async () => {
      const carol = await registerUser(server.url);
      const otherRoom = await createRoom(server.url, alice, [carol]);
      const laptop = await connect(alice.session);
      const b = await connect(bob.session);
      const elsewhere = await connect(alice.session, otherRoom);
      const fromAlice = await laptop.post('from alice', 'shared-id');
      const fromBob = await b.post('from bob', 'shared-id');
      const inOtherRoom = await elsewhere.post('in the other room', 'shared-id');
      const ids = new Set([fromAlice.id, fromBob.id, inOtherRoom.id]);
      assert.equal(ids.size, 3);
      assert.equal(fromBob.user_id, bob.id);
      assert.equal(inOtherRoom.room_id, otherRoom);
      const history = await roomHistory(server.url, alice.session, roomId);
      assert.deepEqual(
        history.slice(-2).map((message) => message.text),
        ['from alice', 'from bob'],
      );
    });

    test('two rooms never leak into each other', async () => {
      const carol = await registerUser(server.url);
      const otherRoom = await createRoom(server.url, alice, [carol]);
      const inFirst = [await connect(alice.session), await connect(bob.session)];
      const inSecond = [
        await connect(alicePhone, otherRoom),
        await connect(carol.session, otherRoom),
      ];
      const rounds = 20;
      for (let round = 0; round < rounds; round++) {
        inFirst[round % 2]?.send({ text: `first ${round}`, room_id: otherRoom });
        inSecond[round % 2]?.send({ text: `second ${round}`, room_id: roomId });
      }
      // Each client receives the other member's half of its room's messages.
      for (const [clients, room, prefix] of [
        [inFirst, roomId, 'first'],
        [inSecond, otherRoom, 'second'],
      ] as const) {
        for (const [index, client] of clients.entries()) {
          const frames = await client.waitFor(rounds / 2);
          assert.ok(frames.every((frame) => frame.room_id === room));
          assert.deepEqual(
            frames.map((frame) => frame.text),
            Array.from({ length: rounds / 2 }, (_, i) => `${prefix} ${2 * i + 1 - index}`),
          );
        }
      }
      const firstHistory = await roomHistory(server.url, bob.session, roomId);
      const secondHistory = await roomHistory(server.url, carol.session, otherRoom);
      assert.ok(firstHistory.every((message) => !message.text.startsWith('second')));
      assert.deepEqual(
        secondHistory.map((message) => message.text).sort(),
        Array.from({ length: rounds }, (_, round) => `second ${round}`).sort(),
      );
      // Nothing else arrives: a marker in each room is the next frame of the other member.
      const endFirst = await inFirst[0]?.post('end of first', 'end-1');
      const endSecond = await inSecond[0]?.post('end of second', 'end-2');
      assert.equal((await inFirst[1]?.waitFor(rounds / 2 + 1))?.at(-1)?.id, endFirst?.id);
      assert.equal((await inSecond[1]?.waitFor(rounds / 2 + 1))?.at(-1)?.id, endSecond?.id);
    });
  });
}
