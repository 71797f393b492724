// Catch-up with after=: stored messages replayed in order, then live, with no gap and no duplicate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, type TestUser } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

/** Small next to the large replay below, so that the replay must respect it. */
const MAX_BUFFERED_BYTES = 256 * 1024;
const LONG_TEXT_CHARS = 16_000;
/** About 10 MB of replay. */
const LARGE_MESSAGES = 300;

/** Sends `count` messages with client ids and resolves with their acknowledgements. */
async function sendMany(client: ChatClient, prefix: string, count: number, text = prefix) {
  const clientIds = Array.from({ length: count }, (_, n) => `${prefix}-${n}`);
  for (const clientId of clientIds)
    client.send({ text: `${text} ${clientId}`, client_id: clientId });
  return Promise.all(clientIds.map((clientId) => client.find((f) => f.client_id === clientId)));
}

const ids = (frames: Frame[]) => frames.map((frame) => frame.id);

for (const backend of backends()) {
  describe(`websocket catch-up (${backend.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: number;
    let aliceClient: ChatClient;
    before(async () => {
      server = await startServer({
        backend,
        env: {
          WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
          MESSAGE_MAX_CHARS: String(LONG_TEXT_CHARS),
        },
      });
      alice = await registerUser(server.url);
      bob = await registerUser(server.url);
      roomId = await createRoom(server.url, alice, [bob]);
      aliceClient = await ChatClient.open(server.wsUrl, roomId, alice.session);
    });
    after(async () => {
      await aliceClient.close();
      await server.close();
    });

    test('after= replays, then goes live while messages keep coming', async () => {
      const earlier = await sendMany(aliceClient, 'before', 300);
      const lastSeen = earlier[49]?.id as number;
      let bobClient: ChatClient | undefined;
      // Alice keeps sending, a few frames per turn, until Bob's replay has begun, then some more.
      const keepSending = (async () => {
        const acks: Frame[] = [];
        for (let round = 0; (bobClient?.received.length ?? 0) === 0 || round < 100; round++) {
          acks.push(...(await sendMany(aliceClient, `during-${round}`, 3)));
        }
        return acks;
      })();
      bobClient = await ChatClient.open(server.wsUrl, roomId, bob.session, {
        query: `&after=${lastSeen}`,
      });
      const own = await bobClient.post('bob during his replay', 'bob-1');
      const sentDuring = await keepSending;
      const marker = await aliceClient.post('marker', 'marker');
      await bobClient.find((frame) => frame.id === marker.id);

      const history = await roomHistory(server.url, bob.session, roomId);
      const expected = history.filter((message) => message.id > lastSeen);
      assert.deepEqual(ids(bobClient.received), ids(expected));
      const ownFrames = bobClient.received.filter((frame) => frame.id === own.id);
      assert.deepEqual(ownFrames, [own]);
      assert.ok(sentDuring.every((ack) => history.some((message) => message.id === ack.id)));
      await bobClient.close();
    });

    test('a long absence is replayed completely, past many pages, then goes live', async () => {
      const missedFrom = (await aliceClient.post('last seen', 'absence-start')).id;
      const missed = await sendMany(aliceClient, 'missed', 1000);
      const bobClient = await ChatClient.open(server.wsUrl, roomId, bob.session, {
        query: `&after=${missedFrom}`,
      });
      const replayed = await bobClient.waitFor(missed.length);
      assert.deepEqual(ids(replayed), ids(missed));
      const live = await aliceClient.post('live again', 'absence-live');
      assert.equal((await bobClient.waitFor(missed.length + 1)).at(-1)?.id, live.id);
      await bobClient.close();
    });

    test('a reader that pauses during a large replay waits for it, it is not dropped', async () => {
      const from = (await aliceClient.post('large replay starts', 'large-start')).id;
      // Large texts without client ids, so that Alice has no large acknowledgements to read.
      const text = 'ж'.repeat(LONG_TEXT_CHARS - 10);
      for (let n = 0; n < LARGE_MESSAGES; n++) aliceClient.send({ text: `${text} ${n}` });
      const end = await aliceClient.post('large replay ends', 'large-end');
      const history = await roomHistory(server.url, bob.session, roomId);
      const expected = history.filter((message) => message.id > from && message.id <= end.id);
      assert.equal(expected.length, LARGE_MESSAGES + 1);

      const bobClient = await ChatClient.open(server.wsUrl, roomId, bob.session, {
        query: `&after=${from}`,
      });
      bobClient.socket.pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
      bobClient.socket.resume();
      const replayed = await bobClient.waitFor(expected.length, 30_000);
      assert.deepEqual(ids(replayed), ids(expected));
      assert.equal(bobClient.closeCode, undefined);
      await bobClient.close();
    });

    test('after= at or past the last message replays nothing and then goes live', async () => {
      const last = await aliceClient.post('the last one', 'last');
      for (const afterId of [last.id, last.id + 1000]) {
        const bobClient = await ChatClient.open(server.wsUrl, roomId, bob.session, {
          query: `&after=${afterId}`,
        });
        const next = await aliceClient.post(`after ${afterId}`, `next-${afterId}`);
        assert.deepEqual(ids(await bobClient.waitFor(1)), [next.id]);
        await bobClient.close();
      }
    });
  });
}
