// Presence and typing across two nodes: the same answers whichever node each user is on, a node
// killed with SIGKILL takes its users offline, a node started again brings no ghosts back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { type Cluster, REDIS_URL, redisSkip, startCluster } from '../helpers/cluster.js';
import { createRoom, registerUsers, type TestUser } from '../helpers/http.js';
import { shownOnline, untilShown } from '../helpers/presence.js';
import { clusterOnPrivateRedis } from '../helpers/redis-cluster.js';
import { redisServerSkip } from '../helpers/redis-server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const GRACE_SECONDS = 1;
const PAST_GRACE_MS = GRACE_SECONDS * 1000 + 700;
/** What SPEC.md allows for a dead node's users to go offline elsewhere. */
const DEAD_NODE_MS = 60_000;

const presenceOf = (userId: number, online: boolean) => (frame: Frame) =>
  frame.type === 'presence' && frame.user_id === userId && frame.online === online;

for (const backend of backends()) {
  describe(`presence across nodes (${backend.name})`, { skip: redisSkip }, () => {
    let cluster: Cluster;
    const clients: ChatClient[] = [];
    before(async () => {
      cluster = await startCluster({
        size: 2,
        backend,
        redisUrl: REDIS_URL,
        env: { PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS) },
      });
    });
    after(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await cluster?.close();
    });

    async function stream(node: number, user: TestUser) {
      const client = await ChatClient.stream(cluster.node(node).wsUrl, user.session);
      clients.push(client);
      const ready = await client.find((frame) => frame.type === 'ready');
      return { client, ready };
    }

    test('a user online on one node is online for their contacts on the other, and offline after the grace', async () => {
      const [alice, bob, stranger] = await registerUsers(cluster.node(0).url, 3);
      await createRoom(cluster.node(0).url, alice, [bob]);
      const watcher = (await stream(0, alice)).client;
      const outsider = (await stream(0, stranger)).client;
      const bobStream = await stream(1, bob);
      assert.deepEqual(bobStream.ready.online, [alice.id]);
      await watcher.find(presenceOf(bob.id, true));

      // Moving from node 2 to node 1 within the grace: nobody hears of it.
      await bobStream.client.close();
      const moved = await ChatClient.stream(cluster.node(0).wsUrl, bob.session);
      assert.equal(await watcher.quiet(PAST_GRACE_MS), true);

      await moved.close();
      await watcher.find(presenceOf(bob.id, false));
      assert.equal(watcher.received.filter((frame) => frame.type === 'presence').length, 2);
      assert.equal(
        outsider.received.some((frame) => frame.type === 'presence'),
        false,
      );
      const later = await stream(1, alice);
      assert.deepEqual(later.ready.online, []);
    });

    test('typing reaches the other members’ streams on the other node', async () => {
      const [alice, bob] = await registerUsers(cluster.node(0).url, 2);
      const room = await createRoom(cluster.node(0).url, alice, [bob]);
      const typist = (await stream(0, alice)).client;
      const listener = (await stream(1, bob)).client;
      typist.send({ type: 'typing', room_id: room });
      assert.deepEqual(await listener.find((frame) => frame.type === 'typing'), {
        type: 'typing',
        room_id: room,
        user_id: alice.id,
      });
    });
  });

  describe(`a node killed with SIGKILL (${backend.name})`, { skip: redisSkip }, () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster({
        size: 2,
        backend,
        redisUrl: REDIS_URL,
        env: { PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS) },
      });
    });
    after(() => cluster?.close());

    test('takes its users offline on the other node; started again, it shows no ghost', async () => {
      const [alice, bob, carol] = await registerUsers(cluster.node(0).url, 3);
      await createRoom(cluster.node(0).url, alice, [bob, carol]);
      const watcher = await ChatClient.stream(cluster.node(0).wsUrl, alice.session);
      await ChatClient.stream(cluster.node(1).wsUrl, bob.session);
      await untilShown(watcher, bob.id, true);

      process.kill(cluster.node(1).pid, 'SIGKILL');
      const killedAt = Date.now();
      // Started again at once, while the killed node's entries are still in Redis.
      const restarted = await cluster.addNode();
      const carolStream = await ChatClient.stream(restarted.wsUrl, carol.session);
      await untilShown(watcher, bob.id, false, DEAD_NODE_MS);
      await untilShown(carolStream, bob.id, false, DEAD_NODE_MS - (Date.now() - killedAt));
      assert.ok(Date.now() - killedAt < DEAD_NODE_MS);
      assert.deepEqual(shownOnline(carolStream), [alice.id], 'no ghost on the restarted node');
      await Promise.all([watcher.close(), carolStream.close()]);
    });
  });

  describe(`presence while Redis is stopped and started (${backend.name})`, {
    skip: redisSkip || redisServerSkip,
  }, () => {
    const fault = clusterOnPrivateRedis(backend, { PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS) });

    test('each node keeps counting its own users; once Redis is back they agree again', async () => {
      const [alice, near, far] = await registerUsers(fault.cluster.node(0).url, 3);
      await createRoom(fault.cluster.node(0).url, alice, [near, far]);
      const watcher = await ChatClient.stream(fault.cluster.node(0).wsUrl, alice.session);
      await watcher.find((frame) => frame.type === 'ready');
      await fault.redis.stop();

      const nearStream = await ChatClient.stream(fault.cluster.node(0).wsUrl, near.session);
      await untilShown(watcher, near.id, true);
      const farStream = await ChatClient.stream(fault.cluster.node(1).wsUrl, far.session);
      const farReady = await farStream.find((frame) => frame.type === 'ready');
      assert.ok(!farReady.online.includes(near.id), 'node 2 cannot know of node 1 without Redis');

      await fault.redis.start();
      await untilShown(watcher, far.id, true, 20_000);
      await untilShown(farStream, alice.id, true, 20_000);
      await untilShown(farStream, near.id, true, 20_000);
      await Promise.all([watcher.close(), nearStream.close(), farStream.close()]);
    });
  });
}
