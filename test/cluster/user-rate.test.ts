// The per-user message rate holds across nodes: what a user sent on one node is counted on the other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { backends } from '../helpers/backends.js';
import { type Cluster, REDIS_URL, redisSkip, startCluster } from '../helpers/cluster.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { eventually } from '../helpers/observe.js';

const BURST = 5;
/** Longer than a node's batch interval (100 ms): each send here comes after the previous sync. */
const PAUSE_MS = 300;

for (const backend of backends()) {
  describe(`the per-user message rate across nodes (${backend.name})`, { skip: redisSkip }, () => {
    let cluster: Cluster;
    let redis: Redis;
    before(async () => {
      cluster = await startCluster({
        size: 2,
        backend,
        redisUrl: REDIS_URL,
        env: { USER_MESSAGES_PER_SECOND: '1', USER_MESSAGE_BURST: String(BURST) },
      });
      redis = new Redis(REDIS_URL as string);
    });
    after(async () => {
      redis?.disconnect();
      await cluster?.close();
    });

    test('a burst spent on one node leaves next to nothing on the other', async () => {
      const alice = await registerUser(cluster.node(0).url);
      const roomId = await createRoom(cluster.node(0).url, alice, []);
      const send = (node: number) =>
        request(cluster.node(node).url, 'POST', `/v1/rooms/${roomId}/messages`, {
          session: alice.session,
          body: { text: `on node ${node}` },
        });
      for (let i = 0; i < BURST; i++) assert.equal((await send(0)).status, 200);
      const bucket = `${cluster.channelPrefix}bucket:user-messages:${alice.id}`;
      await eventually(async () => Number(await redis.hget(bucket, 'level')) < 1);
      const emptied = performance.now();

      // Node 1 has not heard yet: its first send passes; its sync then says the bucket is empty,
      // and from there it takes only what refills (1 a second), however slow this machine is.
      let accepted = 0;
      let status = 200;
      for (let tries = 0; tries < BURST + 2 && status === 200; tries++) {
        status = (await send(1)).status;
        if (status === 200) accepted++;
        await sleep(PAUSE_MS);
      }
      const refilled = (performance.now() - emptied) / 1000;
      const shared = 2 + Math.floor(refilled);
      assert.ok(
        accepted <= shared,
        `${accepted} accepted on the second node in ${refilled.toFixed(1)} s; alone it takes ${BURST}`,
      );
    });
  });
}
