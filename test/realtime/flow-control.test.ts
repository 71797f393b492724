// A client that does not read is closed with 1013 and costs bounded memory; a dead one is dropped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser } from '../helpers/http.js';
import { eventually, memoryInUse, metric } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const MAX_BUFFERED_BYTES = 64 * 1024;
const TEXT_CHARS = 60_000;
const CHUNK = 20;
/** Enough to fill any loopback socket buffers many times over. */
const MAX_CHUNKS = 100;

for (const backend of backends()) {
  describe(`websocket slow consumer (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: {
          WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
          MESSAGE_MAX_CHARS: String(TEXT_CHARS),
        },
      });
    });
    after(() => server.close());

    test('a client that stops reading is closed with 1013; memory stays bounded', async () => {
      const alice = await registerUser(server.url);
      const bob = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, [bob]);
      const sender = await ChatClient.open(server.wsUrl, roomId, alice.session);
      const slow = await ChatClient.open(server.wsUrl, roomId, bob.session);
      const { hub } = server.server;
      const text = 'x'.repeat(TEXT_CHARS);
      let chunks = 0;
      /** Large messages without client ids (no acks to hold), then a small one to pace on. */
      const sendChunk = async () => {
        for (let n = 0; n < CHUNK; n++) sender.send({ text });
        chunks += 1;
        await sender.post('pace', `pace-${chunks}`);
      };

      slow.socket.pause();
      const closesBefore = await metric(server.url, 'websocket_slow_consumer_closes_total');
      while ((await metric(server.url, 'websocket_slow_consumer_closes_total')) === closesBefore) {
        assert.ok(chunks < MAX_CHUNKS, 'the slow consumer was never closed');
        await sendChunk();
      }

      // As much again goes through the room, twice: none of it is kept for the closed client.
      // The first round lets what grows once and stays (the driver's buffers for batches this
      // large, the heap's own layout) reach its size; only the second is measured.
      const moreChunks = Math.max(chunks, 20);
      for (let n = 0; n < moreChunks; n++) await sendChunk();
      const baseline = await memoryInUse();
      for (let n = 0; n < moreChunks; n++) await sendChunk();
      const grown = (await memoryInUse()) - baseline;
      const sentBytes = moreChunks * CHUNK * TEXT_CHARS;
      assert.ok(grown < sentBytes / 2, `memory grew by ${grown} bytes for ${sentBytes} sent`);

      slow.socket.resume();
      assert.equal(await slow.closed, 1013);
      assert.ok(slow.received.length < chunks * (CHUNK + 1));
      await sender.close();
      await eventually(() => hub.connectionCount === 0 && hub.roomCount === 0);
    });
  });

  describe(`websocket heartbeat (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { WS_PING_INTERVAL_SECONDS: '1' } });
    });
    after(() => server.close());

    test('a client that does not answer pings is dropped; one that does stays', async () => {
      const alice = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, []);
      const dead = await ChatClient.open(server.wsUrl, roomId, alice.session, { autoPong: false });
      const alive = await ChatClient.open(server.wsUrl, roomId, alice.session);
      let pings = 0;
      alive.socket.on('ping', () => {
        pings += 1;
      });
      assert.equal(await dead.closed, 1006);
      assert.ok(pings >= 1);
      const ack = await alive.post('still here', 'alive');
      assert.equal(ack.text, 'still here');
      assert.equal(server.server.hub.connectionCount, 1);
      await alive.close();
    });
  });
}
