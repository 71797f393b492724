// A logout while Redis is down never reaches the other nodes: once Redis is back, they close the
// session's sockets anyway, with 4001.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { redisSkip } from '../helpers/cluster.js';
import { registerUser, request } from '../helpers/http.js';
import { clusterOnPrivateRedis } from '../helpers/redis-cluster.js';
import { redisServerSkip } from '../helpers/redis-server.js';
import { ChatClient } from '../helpers/ws.js';

for (const backend of backends()) {
  describe(`a logout during a Redis outage (${backend.name})`, {
    skip: redisSkip || redisServerSkip,
  }, () => {
    // Only Redis coming back can close the socket within the test: the timer waits an hour.
    const fault = clusterOnPrivateRedis(backend, { SESSION_CHECK_SECONDS: '3600' });

    test('the other node closes the session’s sockets with 4001 when Redis returns', async () => {
      const { cluster, redis } = fault;
      const alice = await registerUser(cluster.node(0).url);
      const bob = await registerUser(cluster.node(0).url);
      const stream = await ChatClient.stream(cluster.node(1).wsUrl, alice.session);
      const bystander = await ChatClient.stream(cluster.node(1).wsUrl, bob.session);
      await Promise.all([stream.next(), bystander.next()]);

      await redis.stop();
      const logout = await request(cluster.node(0).url, 'POST', '/v1/logout', {
        session: alice.session,
      });
      assert.equal(logout.status, 200);
      assert.equal(await stream.quiet(500), true);
      assert.equal(stream.closeCode, undefined, 'no node heard of the logout yet');

      await redis.start();
      assert.equal(await stream.closedWithin(15_000), 4001);
      assert.equal(bystander.closeCode, undefined, 'another session stays open');
      await bystander.close();
    });
  });
}
