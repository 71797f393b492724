// The live session against the real server's stream, on both stores: messages, rooms and markers
// without reconnecting, a reconnect while messages arrive, a server restart in a burst of sends,
// the queue across a reload, and logout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from '../../test/helpers/backends.js';
import { TEST_PASSWORD } from '../../test/helpers/http.js';
import { eventually, roomHistory } from '../../test/helpers/observe.js';
import { type LiveSession, type Message, memoryStorage } from '../src/index.js';
import {
  burstAcrossRestart,
  newClient,
  person,
  sharedRoom,
  throughProxy,
} from './helpers/clients.js';

const BURST = 200;

/** Every message the session hands on, as it hands it on. */
function heard(session: LiveSession): Message[] {
  const messages: Message[] = [];
  session.on('message', (message) => messages.push(message));
  return messages;
}

const inRoom = (messages: Message[], roomId: number) =>
  messages.filter((m) => m.room_id === roomId);
const ids = (messages: Message[]) => messages.map((message) => message.id);

for (const backend of backends()) {
  describe(`live session of the client library (${backend.name})`, () => {
    const shared = sharedRoom(backend);

    async function history(): Promise<Message[]> {
      return roomHistory(
        shared.server.url,
        shared.alice.client.session ?? '',
        shared.roomId,
      ) as Promise<Message[]>;
    }

    test('messages, unread counts and "seen" move without reconnecting', async () => {
      const live = await shared.alice.client.live();
      const bobLive = await shared.bob.client.live();
      await Promise.all([live.untilLive(), bobLive.untilLive()]);
      const messages = heard(live);
      const sent = [
        await shared.bob.client.send(shared.roomId, 'раз'),
        await shared.bob.client.send(shared.roomId, 'два'),
      ];
      await eventually(() => live.room(shared.roomId)?.unread === 2);
      assert.deepEqual(ids(inRoom(messages, shared.roomId)), ids(sent));
      const seen = new Promise((resolve) => bobLive.on('read', resolve));
      await live.markRead(shared.roomId);
      assert.equal(live.room(shared.roomId)?.unread, 0);
      assert.deepEqual(await seen, {
        roomId: shared.roomId,
        userId: shared.alice.user.id,
        lastReadId: sent[1]?.id,
      });
      live.close();
      bobLive.close();
    });

    test('refreshRoom reads every member’s marker, so a room opened late knows who has seen what', async () => {
      const sent = await shared.alice.client.send(shared.roomId, 'видел?');
      await shared.bob.client.markRead(shared.roomId, sent.id);
      const live = await shared.alice.client.live();
      await live.untilLive();
      assert.equal(live.room(shared.roomId)?.read.get(shared.bob.user.id), undefined);
      const state = await live.refreshRoom(shared.roomId);
      assert.equal(state?.read.get(shared.bob.user.id), sent.id);
      assert.equal(live.room(shared.roomId)?.read.get(shared.bob.user.id), sent.id);
      assert.equal(await live.refreshRoom(987_654), undefined);
      live.close();
    });

    test('another device of the same user: its read marker clears the badge here', async () => {
      const laptop = await shared.alice.client.live();
      const phoneClient = newClient(shared.server.url);
      await phoneClient.login(shared.alice.user.login, TEST_PASSWORD);
      const phone = await phoneClient.live();
      await Promise.all([laptop.untilLive(), phone.untilLive()]);
      const sent = await shared.bob.client.send(shared.roomId, 'ты тут?');
      await eventually(() => laptop.room(shared.roomId)?.lastMessage?.id === sent.id);
      assert.ok((laptop.room(shared.roomId)?.unread ?? 0) > 0);
      await eventually(() => phone.room(shared.roomId)?.lastMessage?.id === sent.id);
      await phone.markRead(shared.roomId);
      await eventually(() => laptop.room(shared.roomId)?.unread === 0);
      laptop.close();
      phone.close();
    });

    test('a room someone starts with the user appears at once', async () => {
      const carol = await person(shared.server.url);
      const live = await shared.alice.client.live();
      await live.untilLive();
      const appeared = new Promise((resolve) => {
        live.on('room', (state) => {
          if (state.room.users.some((user) => user.id === carol.user.id)) resolve(state.room.id);
        });
      });
      const created = await carol.client.createRoom([shared.alice.user.id]);
      assert.equal(await appeared, created.id);
      const first = await carol.client.send(created.id, 'Привет, Алиса');
      await eventually(() => live.room(created.id)?.unread === 1);
      assert.equal(live.room(created.id)?.lastMessage?.id, first.id);
      live.close();
    });

    test('reconnecting while messages arrive: every message once, in id order', async () => {
      const { proxy, client } = await throughProxy(shared.server.url, shared.alice.client.session);
      const live = await client.live();
      await live.untilLive();
      const messages = heard(live);
      const sent: Message[] = [];
      for (let n = 0; n < BURST; n++) {
        sent.push(await shared.bob.client.send(shared.roomId, `live ${n}`));
        if (n === BURST / 4) await proxy.cut();
        if (n === BURST / 2) await proxy.resume();
      }
      await eventually(() => inRoom(messages, shared.roomId).length >= BURST);
      assert.deepEqual(ids(inRoom(messages, shared.roomId)), ids(sent));
      live.close();
      await proxy.cut();
    });

    test('a server restart in a burst of sends: nothing lost, nothing doubled', async () => {
      const baseline = (await history()).at(-1)?.id ?? 0;
      const live = await shared.alice.client.live();
      await live.untilLive();
      const messages = heard(live);
      const { texts, acks } = await burstAcrossRestart(
        shared.server,
        BURST,
        (text) => live.send(shared.roomId, text),
        () => live.pending().length,
      );
      const stored = (await history()).filter((message) => message.id > baseline);
      assert.deepEqual(
        stored.map((message) => message.text),
        texts,
      );
      assert.deepEqual(ids(acks), ids(stored));
      await eventually(() => inRoom(messages, shared.roomId).length >= BURST);
      assert.deepEqual(ids(inRoom(messages, shared.roomId)), ids(stored));
      live.close();
    });

    test('messages queued while the server is out are sent by the next page after a reload', async () => {
      const storage = memoryStorage();
      const baseline = (await history()).at(-1)?.id ?? 0;
      const { proxy, client } = await throughProxy(shared.server.url, shared.alice.client.session);
      const before = await client.live({ storage });
      await before.untilLive();
      await proxy.cut();
      for (const text of ['one', 'two', 'three']) void before.send(shared.roomId, text);
      before.close();
      assert.equal(before.pending().length, 3);

      const after = await shared.alice.client.live({ storage });
      await eventually(() => after.pending().length === 0);
      const stored = (await history()).filter((message) => message.id > baseline);
      assert.deepEqual(
        stored.map((message) => message.text),
        ['one', 'two', 'three'],
      );
      after.close();
    });

    test('logout closes the stream for good', async () => {
      const client = newClient(shared.server.url);
      await client.login(shared.alice.user.login, TEST_PASSWORD);
      const live = await client.live();
      await live.untilLive();
      const closed = new Promise((resolve) => live.on('closed', resolve));
      await client.logout();
      assert.equal(((await closed) as { code: string }).code, 'unauthorized');
      assert.equal(live.status, 'closed');
    });
  });
}
