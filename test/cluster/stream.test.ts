// The stream across nodes: messages from any node, the author's client id on its streams
// everywhere, 300 rooms in per-room order, logout on every node; new rooms and read markers
// announced on one node reaching the streams of another.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends, type TestDatabase } from '../helpers/backends.js';
import { type Cluster, REDIS_URL, redisSkip, startCluster } from '../helpers/cluster.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const ROOMS = 300;
/** 25 users make 300 pairs: with the stream's user, 300 rooms of distinct members. */
const OTHERS = 25;
const PER_ROOM = 4;

async function openStream(wsUrl: string, user: TestUser): Promise<ChatClient> {
  const stream = await ChatClient.stream(wsUrl, user.session);
  assert.deepEqual(await stream.next(), { type: 'ready', online: [] });
  return stream;
}

const messagesOf = (client: ChatClient): Frame[] =>
  client.received.filter((frame) => frame.type === 'message').map((frame) => frame.message);

for (const backend of backends()) {
  describe(`stream across spawned nodes (${backend.name})`, { skip: redisSkip }, () => {
    let cluster: Cluster;
    before(async () => {
      // Presence frames have suites of their own (cluster/presence.test.ts).
      cluster = await startCluster({
        size: 2,
        backend,
        redisUrl: REDIS_URL as string,
        env: { PRESENCE: 'false' },
      });
    });
    after(() => cluster?.close());

    const node = (index: number) => cluster.node(index);

    test('a message sent on node 1 reaches streams on node 2; the client id only the author’s', async () => {
      const alice = await registerUser(node(0).url);
      const bob = await registerUser(node(1).url);
      const roomId = await createRoom(node(0).url, alice, [bob]);
      const aliceOnNode2 = await openStream(node(1).wsUrl, alice);
      const bobOnNode2 = await openStream(node(1).wsUrl, bob);
      const bobOnNode1 = await openStream(node(0).wsUrl, bob);
      const socket = await ChatClient.open(node(0).wsUrl, roomId, alice.session);
      const ack = await socket.post('across', 'x-1');
      const { client_id: _, ...message } = ack;
      assert.deepEqual(await aliceOnNode2.next(), { type: 'message', message: ack });
      assert.deepEqual(await bobOnNode2.next(), { type: 'message', message });
      assert.deepEqual(await bobOnNode1.next(), { type: 'message', message });
      const bobSocket = await ChatClient.open(node(1).wsUrl, roomId, bob.session);
      bobSocket.send({ text: 'back' });
      const back = await socket.find((frame) => frame.text === 'back');
      assert.equal(back.user_id, bob.id, 'the room socket on node 1 hears node 2');
      assert.equal((await aliceOnNode2.next()).message.text, 'back');
      await Promise.all(
        [aliceOnNode2, bobOnNode2, bobOnNode1, socket, bobSocket].map((client) => client.close()),
      );
    });

    test(`a stream of a user in ${ROOMS} rooms gets a burst from all of them in per-room order`, async () => {
      const owner = await registerUser(node(1).url);
      const others: TestUser[] = [];
      for (let n = 0; n < OTHERS; n++) others.push(await registerUser(node(0).url));
      const rooms: Array<{ id: number; sender: TestUser }> = [];
      for (let a = 0; a < OTHERS && rooms.length < ROOMS; a++) {
        for (let b = a + 1; b < OTHERS && rooms.length < ROOMS; b++) {
          const [first, second] = [others[a] as TestUser, others[b] as TestUser];
          rooms.push({ id: await createRoom(node(0).url, owner, [first, second]), sender: first });
        }
      }
      const stream = await openStream(node(1).wsUrl, owner);
      const sockets = await Promise.all(
        rooms.map((room) => ChatClient.open(node(0).wsUrl, room.id, room.sender.session)),
      );
      for (let k = 0; k < PER_ROOM; k++) {
        for (const socket of sockets) socket.send({ text: `burst ${k}` });
      }
      const total = ROOMS * PER_ROOM;
      await stream.waitFor(1 + total, 60_000);
      const byRoom = new Map<number, number[]>();
      for (const message of messagesOf(stream)) {
        byRoom.set(message.room_id, [...(byRoom.get(message.room_id) ?? []), message.id]);
      }
      assert.equal(byRoom.size, ROOMS);
      for (const [roomId, ids] of byRoom) {
        assert.equal(ids.length, PER_ROOM, `room ${roomId}: every message once`);
        assert.deepEqual(
          ids,
          [...ids].sort((x, y) => x - y),
          `room ${roomId}: in id order`,
        );
      }
      assert.ok(await stream.quiet(), 'no duplicate arrives later');
      await Promise.all([stream, ...sockets].map((client) => client.close()));
    });

    test('logout on node 1 closes that session’s streams on every node with 4001', async () => {
      const alice = await registerUser(node(0).url);
      const login = await request(node(1).url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      const otherSession = { ...alice, session: login.body.session_id as string };
      const onNode1 = await openStream(node(0).wsUrl, alice);
      const onNode2 = await openStream(node(1).wsUrl, alice);
      const otherOnNode2 = await openStream(node(1).wsUrl, otherSession);
      await request(node(0).url, 'POST', '/v1/logout', { session: alice.session });
      assert.equal(await onNode1.closed, 4001);
      assert.equal(await onNode2.closed, 4001);
      assert.ok(await otherOnNode2.quiet(), 'the other session stays open');
      assert.equal(otherOnNode2.closeCode, undefined);
      await otherOnNode2.close();
    });
  });

  describe(`stream events across nodes (${backend.name})`, { skip: redisSkip }, () => {
    let database: TestDatabase;
    let nodes: TestServer[];
    before(async () => {
      database = await backend.createDatabase();
      const env = {
        PRESENCE: 'false',
        REDIS_URL: REDIS_URL as string,
        REDIS_CHANNEL_PREFIX: `test:${process.pid}:${randomBytes(4).toString('hex')}:`,
      };
      nodes = [
        await startServer({ backend, database, env }),
        await startServer({ backend, database, env }),
      ];
    });
    after(async () => {
      await Promise.all(nodes.map((server) => server.close()));
      await database?.drop();
    });

    test('a room created on node 1 reaches the members’ streams on both nodes at once', async () => {
      const [one, two] = nodes as [TestServer, TestServer];
      const alice = await registerUser(one.url);
      const bob = await registerUser(one.url);
      const stranger = await registerUser(one.url);
      const aliceOnTwo = await openStream(two.wsUrl, alice);
      const bobOnOne = await openStream(one.wsUrl, bob);
      const bobOnTwo = await openStream(two.wsUrl, bob);
      const strangerOnTwo = await openStream(two.wsUrl, stranger);
      const roomId = await createRoom(one.url, alice, [bob]);
      for (const stream of [aliceOnTwo, bobOnOne, bobOnTwo]) {
        const frame = await stream.next();
        assert.equal(frame.type, 'room');
        assert.equal(frame.room.id, roomId);
        assert.deepEqual(
          frame.room.users.map((user: { id: number }) => user.id),
          [alice.id, bob.id],
        );
      }
      // The streams are in the room now, on both nodes: its messages and markers reach them.
      const socket = await ChatClient.open(one.wsUrl, roomId, alice.session);
      const ack = await socket.post('first', 'f-1');
      assert.deepEqual(await aliceOnTwo.next(), { type: 'message', message: ack });
      assert.equal((await bobOnTwo.next()).message.id, ack.id);
      assert.equal((await bobOnOne.next()).message.id, ack.id);
      await request(one.url, 'POST', `/v1/rooms/${roomId}/read`, {
        session: bob.session,
        body: { message_id: ack.id },
      });
      const read = { type: 'read', room_id: roomId, user_id: bob.id, last_read_id: ack.id };
      for (const stream of [aliceOnTwo, bobOnOne, bobOnTwo])
        assert.deepEqual(await stream.next(), read);
      assert.ok(await strangerOnTwo.quiet(), 'a stranger hears nothing');
      assert.ok(await socket.quiet(), 'the room socket sees no stream frame');
      await Promise.all(
        [aliceOnTwo, bobOnOne, bobOnTwo, strangerOnTwo, socket].map((client) => client.close()),
      );
    });
  });
}
