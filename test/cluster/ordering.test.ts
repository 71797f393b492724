// Cross-node ordering: an event that overtakes the one before it waits, and the gap is read from the store.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { encodeRoomEvent } from '../../src/bus/redis-envelope.js';
import { loadConfig } from '../../src/config.js';
import { toRoomEvent } from '../../src/domain/messages.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../helpers/backends.js';
import {
  type Cluster,
  fullHistory,
  REDIS_URL,
  redisSkip,
  startCluster,
} from '../helpers/cluster.js';
import { createRoom, registerUser } from '../helpers/http.js';
import { ChatClient } from '../helpers/ws.js';

for (const backend of backends()) {
  describe(`ordering across nodes (${backend.name})`, { skip: redisSkip }, () => {
    let cluster: Cluster;
    /** Plays "node 1": stores a message whose publication is late. */
    let store: Store;
    let redis: Redis;
    before(async () => {
      cluster = await startCluster({ size: 2, backend, redisUrl: REDIS_URL as string });
      store = await openStore(loadConfig(cluster.databaseEnv));
      redis = new Redis(REDIS_URL as string);
    });
    after(async () => {
      redis?.disconnect();
      await store?.close();
      await cluster?.close();
    });

    test('node 1 stores N, node 2 stores N+1 and publishes first: all get N then N+1, once', async () => {
      const alice = await registerUser(cluster.node(1).url);
      const bob = await registerUser(cluster.node(0).url);
      const carol = await registerUser(cluster.node(1).url);
      const roomId = await createRoom(cluster.node(0).url, alice, [bob, carol]);
      const onNode1 = await ChatClient.open(cluster.node(0).wsUrl, roomId, bob.session);
      const onNode2 = await ChatClient.open(cluster.node(1).wsUrl, roomId, carol.session);
      const sender = await ChatClient.open(cluster.node(1).wsUrl, roomId, alice.session);

      const [late] = await store.appendMessages([
        { roomId, userId: alice.id, text: 'stored first', clientId: null, createdAt: 1 },
      ]);
      assert.ok(late);
      sender.send({ text: 'stored second, published first', client_id: 'second' });
      // The sender too is a receiver of the message stored first, before its acknowledgement.
      const [first, ack] = await sender.waitFor(2);
      assert.equal(first?.id, late.id);
      assert.equal(ack?.client_id, 'second');

      const stored = await fullHistory(cluster.node(0).url, bob.session, roomId);
      assert.deepEqual(
        stored.map((message) => message.id),
        [late.id, ack?.id],
      );
      for (const receiver of [onNode1, onNode2]) {
        assert.deepEqual(await receiver.waitFor(2), stored, 'the gap is filled, in id order');
      }

      const channel = `${cluster.channelPrefix}room:${roomId}`;
      const subscribers = await redis.publish(
        channel,
        encodeRoomEvent('late-node', toRoomEvent(late, Date.now())),
      );
      assert.equal(subscribers, 2, 'both nodes still hear the room');
      assert.ok(await onNode1.quiet(), 'the late publication is not delivered again');
      assert.deepEqual(onNode2.received, stored);
      await Promise.all([onNode1.close(), onNode2.close(), sender.close()]);
    });
  });
}
