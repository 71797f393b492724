// Every room behaviour across server processes sharing one database and one Redis.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import {
  type Cluster,
  fullHistory,
  REDIS_URL,
  redisSkip,
  startCluster,
  withoutClientId,
} from '../helpers/cluster.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const SENT_PER_NODE = 100;

for (const backend of backends()) {
  describe(`cluster of 3 nodes (${backend.name})`, { skip: redisSkip }, () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster({ size: 3, backend, redisUrl: REDIS_URL as string });
    });
    after(() => cluster?.close());

    const url = (node: number) => cluster.node(node).url;
    const open = (node: number, roomId: number, user: TestUser, query = '') =>
      ChatClient.open(cluster.node(node).wsUrl, roomId, user.session, { query });

    /** `count` users registered on nodes 1, 2, 3, 1, … and one room of them all. */
    async function roomAcrossNodes(count: number): Promise<{ users: TestUser[]; roomId: number }> {
      const users: TestUser[] = [];
      for (let index = 0; index < count; index++) users.push(await registerUser(url(index % 3)));
      const [owner, ...others] = users as [TestUser, ...TestUser[]];
      return { users, roomId: await createRoom(url(0), owner, others) };
    }

    test('a user on node 1 and a user on node 2 talk both ways', async () => {
      const { users, roomId } = await roomAcrossNodes(2);
      const [alice, bob] = users as [TestUser, TestUser];
      const a = await open(0, roomId, alice);
      const b = await open(1, roomId, bob);
      a.send({ text: 'Привет', client_id: 'a1' });
      const ack = await a.next();
      const atBob = await b.next();
      assert.equal(ack.client_id, 'a1');
      assert.deepEqual(atBob, withoutClientId(ack));
      assert.equal(atBob.user_id, alice.id);
      b.send({ text: 'И тебе привет' });
      const atAlice = await a.next();
      assert.equal(atAlice.text, 'И тебе привет');
      assert.equal(atAlice.user_id, bob.id);
      assert.ok(await b.quiet(), 'the sender does not get its own message back');
      assert.deepEqual(await fullHistory(url(2), alice.session, roomId), [atBob, atAlice]);
      await Promise.all([a.close(), b.close()]);
    });

    test('a burst from every node reaches every receiver once, in id order', async () => {
      const { users, roomId } = await roomAcrossNodes(6);
      const senders = await Promise.all(
        users.slice(0, 3).map((user, node) => open(node, roomId, user)),
      );
      const receivers = await Promise.all(
        users.slice(3).map((user, node) => open(node, roomId, user)),
      );
      senders.forEach((sender, node) => {
        for (let k = 0; k < SENT_PER_NODE; k++) {
          sender.send({ text: `node ${node} message ${k}`, client_id: `n${node}-${k}` });
        }
      });
      const total = 3 * SENT_PER_NODE;
      const frames = await Promise.all(
        [...senders, ...receivers].map((client) => client.waitFor(total)),
      );
      const stored = await fullHistory(url(1), users[0]?.session as string, roomId);
      assert.equal(stored.length, total);
      for (const received of frames) {
        assert.deepEqual(received.map(withoutClientId), stored, 'every message once, in id order');
      }
      senders.forEach((sender, node) => {
        const acks = sender.received.filter((frame) => frame.client_id !== undefined);
        assert.deepEqual(
          acks.map((frame) => frame.client_id),
          Array.from({ length: SENT_PER_NODE }, (_, k) => `n${node}-${k}`),
          'each sender has its acknowledgements, and only those',
        );
      });
      for (const receiver of receivers) {
        assert.ok(receiver.received.every((frame) => frame.client_id === undefined));
      }
      assert.ok(await receivers[0]?.quiet(), 'nothing arrives twice');
      await Promise.all([...senders, ...receivers].map((client) => client.close()));
    });

    test('a retried client_id on another node stores nothing new', async () => {
      const { users, roomId } = await roomAcrossNodes(2);
      const [alice, bob] = users as [TestUser, TestUser];
      const b = await open(1, roomId, bob);
      const first = await open(0, roomId, alice);
      first.send({ text: 'once', client_id: 'retry-me' });
      const ack = await first.next();
      await first.close();
      const retry = await open(2, roomId, alice);
      retry.send({ text: 'once', client_id: 'retry-me' });
      assert.deepEqual(await retry.next(), ack);
      assert.deepEqual(await b.waitFor(1), [withoutClientId(ack)]);
      assert.ok(await b.quiet(), 'the retry is not delivered again');
      assert.equal((await fullHistory(url(1), bob.session, roomId)).length, 1);
      await Promise.all([b.close(), retry.close()]);
    });

    test('after= on one node replays what was sent on the others, then goes live', async () => {
      const { users, roomId } = await roomAcrossNodes(3);
      const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
      const a = await open(0, roomId, alice);
      const c = await open(2, roomId, carol);
      for (let k = 0; k < 5; k++) a.send({ text: `from node 1: ${k}` });
      for (let k = 0; k < 5; k++) c.send({ text: `from node 3: ${k}` });
      await Promise.all([a.waitFor(5), c.waitFor(5)]);
      const stored = await fullHistory(url(1), bob.session, roomId);
      assert.equal(stored.length, 10);
      const seen = stored[2]?.id as number;
      const b = await open(1, roomId, bob, `&after=${seen}`);
      const replayed = await b.waitFor(7);
      assert.deepEqual(replayed, stored.slice(3));
      a.send({ text: 'live from node 1', client_id: 'live' });
      const ack = (await a.waitFor(6))[5] as Frame;
      const live = (await b.waitFor(8))[7] as Frame;
      assert.equal(ack.client_id, 'live');
      assert.deepEqual(live, withoutClientId(ack));
      assert.ok(await b.quiet(), 'no duplicate between replay and live');
      await Promise.all([a.close(), b.close(), c.close()]);
    });

    test("logout on node 1 closes that session's sockets on every node with 4001", async () => {
      const { users, roomId } = await roomAcrossNodes(2);
      const [alice, bob] = users as [TestUser, TestUser];
      const login = await request(url(2), 'POST', '/v1/login', {
        body: { login: bob.login, password: 'pass:word1' },
      });
      const laptop = { ...bob, session: login.body.session_id as string };
      const phoneOnNode2 = await open(1, roomId, bob);
      const phoneOnNode3 = await open(2, roomId, bob);
      const laptopOnNode3 = await open(2, roomId, laptop);
      const a = await open(0, roomId, alice);
      const logout = await request(url(0), 'POST', '/v1/logout', { session: bob.session });
      assert.equal(logout.status, 200);
      assert.equal(await phoneOnNode2.closed, 4001);
      assert.equal(await phoneOnNode3.closed, 4001);
      a.send({ text: 'still there?' });
      assert.equal((await laptopOnNode3.next()).text, 'still there?', 'other sessions stay open');
      const info = await request(url(1), 'GET', '/v1/info', { session: bob.session });
      assert.equal(info.status, 401);
      await Promise.all([a.close(), laptopOnNode3.close()]);
    });
  });
}
