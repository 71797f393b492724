// Redis stops and comes back under a 2-node cluster: local sockets keep working, nothing is lost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { opened, type Person, person } from '../../client/test/helpers/clients.js';
import { backends } from '../helpers/backends.js';
import { assertStoredOnce, sendBurst } from '../helpers/burst.js';
import { fullHistory, redisSkip, withoutClientId } from '../helpers/cluster.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { clusterOnPrivateRedis } from '../helpers/redis-cluster.js';
import { redisServerSkip } from '../helpers/redis-server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

/** Polls `check` until it holds; fails after 10 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the acknowledgement of the client's frame with this client_id. */
const acknowledged = (client: ChatClient, clientId: string) =>
  eventually(`${clientId} is acknowledged`, async () =>
    client.received.some((frame) => frame.client_id === clientId),
  );

for (const backend of backends()) {
  describe(`redis stops and restarts (${backend.name})`, {
    skip: redisSkip || redisServerSkip,
  }, () => {
    const fault = clusterOnPrivateRedis(backend);

    const readiness = async (node: number) =>
      (await request(fault.cluster.node(node).url, 'GET', '/readyz')).status;
    const open = (node: number, roomId: number, user: TestUser, query = '') =>
      ChatClient.open(fault.cluster.node(node).wsUrl, roomId, user.session, { query });

    /** Waits until `count` nodes listen to the room's channel on the restarted Redis. */
    async function subscribed(roomId: number, count: number): Promise<void> {
      const client = new Redis(fault.redis.url);
      const channel = `${fault.cluster.channelPrefix}room:${roomId}`;
      try {
        await eventually(`${count} nodes subscribe to room ${roomId}`, async () => {
          const [, subscribers] = (await client.pubsub('NUMSUB', channel)) as [string, number];
          return Number(subscribers) === count;
        });
      } finally {
        client.disconnect();
      }
    }

    test('local delivery goes on, /readyz says 503, and everything arrives once Redis is back', async () => {
      const url = (node: number) => fault.cluster.node(node).url;
      const [alice, bob, erin] = await Promise.all([0, 0, 0].map(() => registerUser(url(0))));
      const [carol, dave, frank] = await Promise.all([1, 1, 1].map(() => registerUser(url(1))));
      const roomId = await createRoom(url(0), alice as TestUser, [bob, carol, dave] as TestUser[]);
      const otherRoomId = await createRoom(url(0), erin as TestUser, [alice, frank] as TestUser[]);
      const aliceOn1 = await open(0, roomId, alice as TestUser);
      const bobOn1 = await open(0, roomId, bob as TestUser);
      const carolOn2 = await open(1, roomId, carol as TestUser);
      const daveOn2 = await open(1, roomId, dave as TestUser);

      aliceOn1.send({ text: 'before the outage' });
      const [first] = await daveOn2.waitFor(1);
      await Promise.all([bobOn1.waitFor(1), carolOn2.waitFor(1)]);

      await fault.redis.stop();
      for (const node of [0, 1]) {
        await eventually(
          `node ${node + 1} is not ready`,
          async () => (await readiness(node)) === 503,
        );
      }
      const notReady = await request(url(0), 'GET', '/readyz');
      assert.equal(notReady.body.error.code, 'unavailable');

      aliceOn1.send({ text: 'during the outage, node 1', client_id: 'outage' });
      const [ack] = await aliceOn1.waitFor(1);
      assert.equal(ack?.client_id, 'outage');
      assert.deepEqual(await bobOn1.waitFor(2), [first, withoutClientId(ack as Frame)]);
      carolOn2.send({ text: 'during the outage, node 2', client_id: 'carol-outage' });
      await acknowledged(carolOn2, 'carol-outage');

      // A room this node has no subscription to yet: the join must not wait for Redis.
      const erinOn1 = await open(0, otherRoomId, erin as TestUser);
      const aliceInOther = await open(0, otherRoomId, alice as TestUser);
      aliceInOther.send({ text: 'to erin, during the outage' });
      assert.equal((await erinOn1.next()).text, 'to erin, during the outage');

      await fault.redis.start();
      for (const node of [0, 1]) {
        await eventually(
          `node ${node + 1} is ready again`,
          async () => (await readiness(node)) === 200,
        );
      }
      const frankOn2 = await open(1, otherRoomId, frank as TestUser);
      await subscribed(roomId, 2);
      await subscribed(otherRoomId, 2);

      carolOn2.send({ text: 'after the outage, node 2', client_id: 'carol-after' });
      frankOn2.send({ text: 'to erin, after the outage' });
      await acknowledged(carolOn2, 'carol-after');
      const history = await fullHistory(url(1), (carol as TestUser).session, roomId);
      assert.equal(history.length, 4);
      assert.deepEqual(await bobOn1.waitFor(4), history, 'the gap is filled from the store');
      const toErin = await erinOn1.waitFor(2);
      assert.equal(toErin[1]?.text, 'to erin, after the outage');

      await daveOn2.close();
      const daveAgain = await open(1, roomId, dave as TestUser, `&after=${first?.id}`);
      assert.deepEqual(await daveAgain.waitFor(3), history.slice(1), 'after= misses nothing');
      aliceOn1.send({ text: 'and on we go' });
      assert.equal((await daveAgain.waitFor(4))[3]?.text, 'and on we go');

      const clients = [aliceOn1, bobOn1, carolOn2, daveAgain, erinOn1, aliceInOther, frankOn2];
      await Promise.all(clients.map((client) => client.close()));
    });
    test('what the other node stored or created during the outage arrives once Redis is back, with nothing sent after it', async () => {
      const url = (node: number) => fault.cluster.node(node).url;
      const alice = await registerUser(url(0));
      const [carol, dave] = await Promise.all([registerUser(url(1)), registerUser(url(1))]);
      const roomId = await createRoom(url(0), alice, [carol]);
      const aliceSocket = await open(0, roomId, alice);
      const aliceStream = await ChatClient.stream(fault.cluster.node(0).wsUrl, alice.session);
      await aliceStream.find((frame) => frame.type === 'ready');
      const carolSocket = await open(1, roomId, carol);
      await subscribed(roomId, 2);

      await fault.redis.stop();
      await eventually('node 2 is not ready', async () => (await readiness(1)) === 503);
      carolSocket.send({ text: 'while Redis is down', client_id: 'missed' });
      await acknowledged(carolSocket, 'missed');
      const newRoom = await createRoom(url(1), carol, [alice, dave]);
      const inNewRoom = await request(url(1), 'POST', `/v1/rooms/${newRoom}/messages`, {
        session: carol.session,
        body: { text: 'in a room made while Redis is down' },
      });
      await fault.redis.start();

      const [missed] = await aliceSocket.waitFor(1, 15_000);
      assert.equal(missed?.text, 'while Redis is down');
      const inStream = await aliceStream.find((frame) => frame.type === 'message');
      assert.deepEqual(inStream.message, missed);
      const announced = await aliceStream.find((frame) => frame.type === 'room', 15_000);
      assert.equal(announced.room.id, newRoom);
      const caughtUp = await aliceStream.find(
        (frame) => frame.type === 'message' && frame.message.room_id === newRoom,
      );
      assert.deepEqual(caughtUp.message, inNewRoom.body);
      assert.ok(await aliceSocket.quiet(), 'nothing arrives twice');
      await Promise.all([aliceSocket, aliceStream, carolSocket].map((client) => client.close()));
    });

    test('a burst from both nodes while Redis stops and starts: every receiver gets it all, once, in order', async () => {
      const people = await Promise.all(
        [0, 1, 0, 1].map((node) => person(fault.cluster.node(node).url)),
      );
      const [alice, bob, carol, dave] = people as [Person, Person, Person, Person];
      const room = await alice.client.createRoom(people.slice(1).map((member) => member.user.id));
      const senders = [alice, bob].map((sender) => sender.client.roomSocket(room.id));
      await Promise.all(senders.map(opened));
      const receivers = await Promise.all(
        [carol, dave].map((receiver, node) =>
          ChatClient.open(fault.cluster.node(node).wsUrl, room.id, receiver.client.session),
        ),
      );
      const bursts = await Promise.all(
        senders.map((socket, index) =>
          sendBurst({
            count: 200,
            prefix: `from node ${index + 1}`,
            send: (text) => socket.send(text),
            ...(index === 0 && {
              fault: async () => {
                await fault.redis.stop();
                await sleep(1000);
                await fault.redis.start();
              },
            }),
          }),
        ),
      );
      await subscribed(room.id, 2);
      // Messages after the outage show each node what it missed; it fills the gap from the store.
      const closing = await Promise.all(
        senders.map((socket, index) => socket.send(`last ${index}`)),
      );
      const history = await fullHistory(
        fault.cluster.node(0).url,
        alice.client.session as string,
        room.id,
      );
      assertStoredOnce(history, [...bursts, { texts: ['last 0', 'last 1'], acks: closing }]);
      for (const receiver of receivers) {
        assert.deepEqual(await receiver.waitFor(history.length, 30_000), history);
        assert.ok(await receiver.quiet(), 'nothing arrives twice');
      }
      for (const socket of senders) socket.close();
      await Promise.all(receivers.map((receiver) => receiver.close()));
    });
  });
}
