// The original protocol through the library: ordered delivery, acknowledged sends, and no message
// lost or doubled across a reconnect while messages arrive or a server restart in a burst of sends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from '../../test/helpers/backends.js';
import { roomHistory } from '../../test/helpers/observe.js';
import type { Message, RoomSocket } from '../src/index.js';
import { burstAcrossRestart, opened, sharedRoom, throughProxy } from './helpers/clients.js';

const BURST = 200;

/** Resolves with the first `count` messages the socket hands on. */
function received(
  socket: RoomSocket,
  count: number,
): { messages: Message[]; all: Promise<Message[]> } {
  const messages: Message[] = [];
  const all = new Promise<Message[]>((resolve) => {
    socket.on('message', (message) => {
      messages.push(message);
      if (messages.length === count) resolve(messages);
    });
  });
  return { messages, all };
}

for (const backend of backends()) {
  describe(`room socket of the client library (${backend.name})`, () => {
    const shared = sharedRoom(backend);

    test('a send resolves with the stored message; the other side gets it; after= replays', async () => {
      const sender = shared.alice.client.roomSocket(shared.roomId);
      const listener = shared.bob.client.roomSocket(shared.roomId);
      await opened(listener);
      const heard = received(listener, 1);
      const stored = await sender.send('И тебе привет', 'ack-1');
      assert.deepEqual(
        [stored.text, stored.client_id, stored.user_id],
        ['И тебе привет', 'ack-1', shared.alice.user.id],
      );
      const { client_id: _, ...plain } = stored;
      assert.deepEqual(await heard.all, [plain]);
      const later = await sender.send('second');
      const replaying = shared.bob.client.roomSocket(shared.roomId, { after: stored.id });
      assert.deepEqual(
        (await received(replaying, 1).all).map((message) => message.id),
        [later.id],
      );
      for (const socket of [sender, listener, replaying]) socket.close();
    });

    test('a refused frame rejects its send with the code; the socket stays usable', async () => {
      const socket = shared.alice.client.roomSocket(shared.roomId);
      await assert.rejects(socket.send('   '), { code: 'invalid_message' });
      assert.equal((await socket.send('fine')).text, 'fine');
      socket.close();
    });

    test('reconnecting while messages arrive: every message once, in id order', async () => {
      const { proxy, client } = await throughProxy(shared.server.url, shared.bob.client.session);
      const listener = client.roomSocket(shared.roomId, { after: (await lastId()) ?? 0 });
      await opened(listener);
      const heard = received(listener, BURST);
      const sender = shared.alice.client.roomSocket(shared.roomId);
      const sends: Promise<Message>[] = [];
      for (let n = 0; n < BURST; n++) {
        sends.push(sender.send(`live ${n}`));
        if (n === BURST / 4) await proxy.cut();
        if (n === BURST / 2) await proxy.resume();
        if (n % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const acks = await Promise.all(sends);
      const messages = await heard.all;
      assert.deepEqual(
        messages.map((message) => message.id),
        acks.map((ack) => ack.id),
      );
      listener.close();
      sender.close();
      await proxy.cut();
    });

    test('a server restart in a burst of sends: nothing lost, nothing doubled', async () => {
      const before = (await lastId()) ?? 0;
      const sender = shared.alice.client.roomSocket(shared.roomId);
      await opened(sender);
      const { texts, acks } = await burstAcrossRestart(
        shared.server,
        BURST,
        (text) => sender.send(text),
        () => sender.pending().length,
      );
      const stored = (
        await roomHistory(shared.server.url, shared.alice.client.session ?? '', shared.roomId)
      ).filter((message) => message.id > before);
      assert.deepEqual(
        stored.map((message) => message.text),
        texts,
      );
      assert.deepEqual(
        acks.map((ack) => ack.id),
        stored.map((message) => message.id),
      );
      sender.close();
    });

    async function lastId(): Promise<number | undefined> {
      return (await shared.alice.client.messages(shared.roomId, { limit: 1 })).at(0)?.id;
    }
  });
}
