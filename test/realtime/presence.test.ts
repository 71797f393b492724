// Presence on one node: who is in `ready.online`, who hears a change and how often, the grace
// period, and PRESENCE=false.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import {
  createRoom,
  registerUser,
  registerUsers,
  request,
  type TestUser,
} from '../helpers/http.js';
import { eventually } from '../helpers/observe.js';
import { shownOnline, untilShown } from '../helpers/presence.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

/** Long enough to see that nothing is sent during it, short enough for tests. */
const GRACE_SECONDS = 1;
const PAST_GRACE_MS = GRACE_SECONDS * 1000 + 700;

const isPresence = (frame: Frame) => frame.type === 'presence';

/** Opens the user's stream and waits for its `ready` frame. */
async function openStream(
  wsUrl: string,
  user: TestUser,
): Promise<{ client: ChatClient; ready: Frame }> {
  const client = await ChatClient.stream(wsUrl, user.session);
  const ready = await client.find((frame) => frame.type === 'ready');
  return { client, ready };
}

for (const backend of backends()) {
  describe(`presence (${backend.name})`, () => {
    let server: TestServer;
    const clients: ChatClient[] = [];
    before(async () => {
      server = await startServer({
        backend,
        env: { PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS) },
      });
    });
    after(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await server.close();
    });

    const stream = async (user: TestUser) => {
      const opened = await openStream(server.wsUrl, user);
      clients.push(opened.client);
      return opened;
    };

    test('ready.online: contacts online through a stream or a room socket, never the caller or a stranger', async () => {
      const [alice, bob, carol, stranger, offline] = await registerUsers(server.url, 5);
      const room = await createRoom(server.url, alice, [bob, offline]);
      await createRoom(server.url, carol, [alice]);
      await createRoom(server.url, stranger, []);
      const bobSocket = await ChatClient.open(server.wsUrl, room, bob.session);
      clients.push(bobSocket);
      await stream(carol);
      await stream(stranger);
      await stream(alice);
      const { client } = await stream(alice);
      // A contact whose arrival is still being told is in a presence frame right after `ready`.
      await eventually(() => shownOnline(client).length === 2);
      const expected = [bob.id, carol.id].sort((a, b) => a - b);
      assert.deepEqual(shownOnline(client), expected);
      assert.equal(await client.quiet(300), true);
      assert.deepEqual(shownOnline(client), expected);
    });

    test('coming online is told once to each contact, however many rooms they share, and to nobody else', async () => {
      const [alice, bob, stranger] = await registerUsers(server.url, 3);
      const extras = await registerUsers(server.url, 49);
      await createRoom(server.url, alice, [bob]);
      for (const extra of extras) await createRoom(server.url, alice, [bob, extra]);
      await createRoom(server.url, stranger, []);
      const watcher = (await stream(alice)).client;
      const outsider = (await stream(stranger)).client;
      await stream(bob);
      await stream(bob);
      const told = await watcher.find(isPresence);
      assert.deepEqual(told, { type: 'presence', user_id: bob.id, online: true });
      assert.equal(await watcher.quiet(300), true);
      assert.equal(watcher.received.filter(isPresence).length, 1);
      assert.equal(outsider.received.filter(isPresence).length, 0);
    });

    test('offline only after the grace period; a reconnect within it tells nothing', async () => {
      const [alice, bob] = await registerUsers(server.url, 2);
      const room = await createRoom(server.url, alice, [bob]);
      const watcher = (await stream(alice)).client;
      const bobStream = await ChatClient.stream(server.wsUrl, bob.session);
      await watcher.find(isPresence);

      await bobStream.close();
      const back = await ChatClient.open(server.wsUrl, room, bob.session);
      assert.equal(await watcher.quiet(PAST_GRACE_MS), true, 'a reconnect within the grace');

      const closedAt = Date.now();
      await back.close();
      const offline = await watcher.find((frame) => isPresence(frame) && !frame.online);
      assert.ok(Date.now() - closedAt >= GRACE_SECONDS * 1000 - 50, 'not before the grace');
      assert.deepEqual(offline, { type: 'presence', user_id: bob.id, online: false });
      assert.equal(watcher.received.filter(isPresence).length, 2);
      const late = (await stream(alice)).client;
      assert.equal(await late.quiet(300), true);
      assert.deepEqual(shownOnline(late), []);
    });

    test('sockets opened and closed in bursts, some before ready or abruptly: offline in the end', async () => {
      const [alice, bob] = await registerUsers(server.url, 2);
      const room = await createRoom(server.url, alice, [bob]);
      const watcher = (await stream(alice)).client;
      const cycle = async (n: number) => {
        const roomSocket = n % 4 === 0;
        const client = roomSocket
          ? await ChatClient.open(server.wsUrl, room, bob.session)
          : await ChatClient.stream(server.wsUrl, bob.session);
        if (!roomSocket && n % 3 === 0) await client.find((frame) => frame.type === 'ready');
        if (n % 2 === 0) client.socket.terminate();
        else await client.close();
      };
      for (let round = 0; round < 5; round++) {
        await Promise.all(Array.from({ length: 12 }, (_, n) => cycle(round * 12 + n + 1)));
      }
      await untilShown(watcher, bob.id, false);
      assert.equal(await watcher.quiet(PAST_GRACE_MS), true);
      assert.deepEqual(shownOnline(watcher), []);
    });

    test('a room created with someone online tells each member at once that the other is online', async () => {
      const [alice, bob] = await registerUsers(server.url, 2);
      const aliceStream = (await stream(alice)).client;
      const bobStream = (await stream(bob)).client;
      assert.deepEqual(shownOnline(aliceStream), [], 'strangers until they share a room');
      await createRoom(server.url, alice, [bob]);
      await eventually(() => shownOnline(aliceStream).includes(bob.id));
      await eventually(() => shownOnline(bobStream).includes(alice.id));
    });

    test('a room created while a stream is still joining: its members online are in ready.online', async () => {
      const [alice, bob, carol] = await registerUsers(server.url, 3);
      const aliceRoom = await createRoom(server.url, alice, []);
      const bobRoom = await createRoom(server.url, bob, [carol]);
      clients.push(await ChatClient.open(server.wsUrl, bobRoom, bob.session));
      // The stream's join of Alice's room is held: her lists of rooms and contacts are read by then.
      const { hub } = server.server;
      const join = hub.join;
      let joining!: () => void;
      const joinAsked = new Promise<void>((resolve) => {
        joining = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      hub.join = async (member, roomId) => {
        if (roomId === aliceRoom) {
          joining();
          await released;
        }
        return join.call(hub, member, roomId);
      };
      try {
        const aliceStream = await ChatClient.stream(server.wsUrl, alice.session);
        clients.push(aliceStream);
        await joinAsked;
        const roomsBefore = hub.roomCount;
        const roomId = await createRoom(server.url, bob, [alice]);
        await eventually(() => hub.roomCount === roomsBefore + 1);
        release();
        const ready = await aliceStream.find((frame) => frame.type === 'ready');
        assert.deepEqual(ready.online, [bob.id]);
        await request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, {
          session: bob.session,
          body: { text: 'in the room made meanwhile' },
        });
        await aliceStream.find(
          (frame) => frame.type === 'message' && frame.message.room_id === roomId,
        );
      } finally {
        hub.join = join;
        release();
      }
    });

    test('a user sharing no room never appears in online lists or presence frames', async () => {
      const [alice, stranger] = await registerUsers(server.url, 2);
      await createRoom(server.url, alice, []);
      const watcher = (await stream(alice)).client;
      const strangerStream = await ChatClient.stream(server.wsUrl, stranger.session);
      await strangerStream.close();
      assert.equal(await watcher.quiet(PAST_GRACE_MS), true);
      assert.equal(
        watcher.received.some((frame) => frame.user_id === stranger.id),
        false,
      );
    });
  });

  describe(`PRESENCE=false (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: { PRESENCE: 'false', PRESENCE_GRACE_SECONDS: '0' },
      });
    });
    after(() => server.close());

    test('online is always empty and no presence frame is sent', async () => {
      const alice = await registerUser(server.url);
      const bob = await registerUser(server.url);
      const room = await createRoom(server.url, alice, [bob]);
      const bobSocket = await ChatClient.open(server.wsUrl, room, bob.session);
      const { client: watcher, ready } = await openStream(server.wsUrl, alice);
      assert.deepEqual(ready.online, []);
      const bobStream = await ChatClient.stream(server.wsUrl, bob.session);
      await bobStream.close();
      await bobSocket.close();
      assert.equal(await watcher.quiet(500), true);
      assert.equal(watcher.received.filter(isPresence).length, 0);
      await watcher.close();
    });
  });
}
