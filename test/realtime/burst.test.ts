// Concurrent senders: every message arrives at every receiver once, in id order, and is in history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, type TestUser } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const SENDERS = 5;
const PER_SENDER = 200;
const TOTAL = SENDERS * PER_SENDER;

function assertIncreasing(frames: Frame[]): void {
  for (let index = 1; index < frames.length; index++) {
    assert.ok(
      frames[index]?.id > frames[index - 1]?.id,
      `id ${frames[index]?.id} after ${frames[index - 1]?.id}`,
    );
  }
}

for (const backend of backends()) {
  describe(`websocket burst (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test(`${TOTAL} messages from ${SENDERS} concurrent senders`, async () => {
      const users: TestUser[] = [];
      for (let index = 0; index <= SENDERS; index++) users.push(await registerUser(server.url));
      const [listener, ...senders] = users as [TestUser, ...TestUser[]];
      const roomId = await createRoom(server.url, listener, senders);
      const receiver = await ChatClient.open(server.wsUrl, roomId, listener.session);
      const clients = await Promise.all(
        senders.map((sender) => ChatClient.open(server.wsUrl, roomId, sender.session)),
      );

      const acks = await Promise.all(
        clients.map(async (client, sender) => {
          const clientIds = Array.from({ length: PER_SENDER }, (_, n) => `s${sender}-${n}`);
          for (const clientId of clientIds)
            client.send({ text: `${clientId} текст`, client_id: clientId });
          return Promise.all(
            clientIds.map((clientId) => client.find((f) => f.client_id === clientId)),
          );
        }),
      );

      const received = await receiver.waitFor(TOTAL);
      assertIncreasing(received);
      assert.equal(new Set(received.map((frame) => frame.id)).size, TOTAL);
      assert.ok(received.every((frame) => frame.client_id === undefined));
      assert.deepEqual(await roomHistory(server.url, listener.session, roomId), received);

      for (const [index, client] of clients.entries()) {
        // Each sender sees the others' messages and its own acknowledgements, all in id order.
        const frames = await client.waitFor(TOTAL);
        assertIncreasing(frames);
        const own = frames.filter((frame) => frame.user_id === senders[index]?.id);
        assert.deepEqual(own, acks[index]);
        assert.ok(own.every((frame, n) => frame.client_id === `s${index}-${n}`));
        assert.deepEqual(
          frames.map(({ client_id: _, ...message }) => message),
          received,
        );
      }
      assert.equal(receiver.received.length, TOTAL);
      await Promise.all([receiver, ...clients].map((client) => client.close()));
    });
  });
}
