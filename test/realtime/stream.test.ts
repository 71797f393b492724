// The stream on one node: refusals, `ready`, messages of every room, new rooms, read markers,
// bad frames answered without closing, and the closes it shares with room sockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { eventually, metric } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const MAX_FRAME_BYTES = 64 * 1024;
/** Presence frames have suites of their own (presence.test.ts): here a stream hears only these. */
const NO_PRESENCE = { PRESENCE: 'false' } as const;

/** The stream, once it said `ready`. */
async function openStream(server: TestServer, user: TestUser): Promise<ChatClient> {
  const stream = await ChatClient.stream(server.wsUrl, user.session);
  assert.deepEqual(await stream.next(), { type: 'ready', online: [] });
  return stream;
}

async function refusalOf(server: TestServer, session: string | undefined, origin?: string) {
  const headers: Record<string, string> = origin === undefined ? {} : { origin };
  const refused = await ChatClient.stream(server.wsUrl, session, { headers }).then(
    async (client) => {
      await client.close();
      throw new Error('the upgrade was accepted');
    },
    (error: { status: number; body: unknown }) => error,
  );
  return { status: refused.status, body: refused.body };
}

/** The room JSON a member sees of a new room, as the state side announces it. */
function newRoomWire(roomId: number, users: TestUser[]): string {
  const members = [...users].sort((a, b) => a.id - b.id);
  return JSON.stringify({
    id: roomId,
    users: members.map((user) => ({ id: user.id, login: user.login })),
    last_message: null,
    last_read_id: 0,
    unread: 0,
  });
}

for (const backend of backends()) {
  describe(`stream (${backend.name})`, () => {
    const origin = 'https://chat.example';
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: {
          ...NO_PRESENCE,
          ALLOWED_ORIGINS: origin,
          WS_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
        },
      });
    });
    after(() => server.close());

    test('refused before the upgrade like a room socket: 401, 403', async () => {
      const alice = await registerUser(server.url);
      const unauthorized = { status: 401, body: { error: { code: 'unauthorized' } } };
      assert.deepEqual(await refusalOf(server, undefined), unauthorized);
      assert.deepEqual(await refusalOf(server, 'not-a-session'), unauthorized);
      assert.deepEqual(await refusalOf(server, alice.session, 'https://evil.example'), {
        status: 403,
        body: { error: { code: 'forbidden_origin' } },
      });
      const plain = await request(server.url, 'GET', `/v1/stream?session_id=${alice.session}`);
      assert.equal(plain.status, 426);
      const allowed = await ChatClient.stream(server.wsUrl, alice.session, {
        headers: { origin },
      });
      assert.equal((await allowed.next()).type, 'ready');
      await allowed.close();
    });

    test('messages of every room, in order; the client id only on the author’s streams', async () => {
      const [alice, bob, carol] = [
        await registerUser(server.url),
        await registerUser(server.url),
        await registerUser(server.url),
      ];
      const withBob = await createRoom(server.url, alice, [bob]);
      const withCarol = await createRoom(server.url, alice, [carol]);
      const login = await request(server.url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      const alicePhone = { ...alice, session: login.body.session_id as string };
      const streams = [
        await openStream(server, alice),
        await openStream(server, alicePhone),
        await openStream(server, bob),
        await openStream(server, carol),
      ];
      const [laptop, phone, atBob, atCarol] = streams as [
        ChatClient,
        ChatClient,
        ChatClient,
        ChatClient,
      ];
      const aliceSocket = await ChatClient.open(server.wsUrl, withBob, alice.session);
      const carolSocket = await ChatClient.open(server.wsUrl, withCarol, carol.session);
      const ack = await aliceSocket.post('to bob', 'a-1');
      carolSocket.send({ text: 'from carol' });

      const { client_id: _, ...message } = ack;
      for (const own of [laptop, phone]) {
        const frames = await own.waitFor(3);
        assert.deepEqual(frames[1], { type: 'message', message: ack }, 'own message, client id');
        assert.equal(frames[2]?.message.text, 'from carol');
        assert.equal(frames[2]?.message.room_id, withCarol);
      }
      assert.deepEqual((await atBob.waitFor(2))[1], { type: 'message', message });
      assert.equal((await atCarol.waitFor(2))[1]?.message.text, 'from carol');
      assert.ok(await atBob.quiet(), 'bob is not in the room with carol');
      assert.ok(await aliceSocket.quiet(), 'room sockets see no stream frame');
      await Promise.all([...streams, aliceSocket, carolSocket].map((client) => client.close()));
    });

    test('a new room reaches every member’s streams, then its messages from the first', async () => {
      const [alice, bob, stranger] = [
        await registerUser(server.url),
        await registerUser(server.url),
        await registerUser(server.url),
      ];
      const [atAlice, atBob, atStranger] = [
        await openStream(server, alice),
        await openStream(server, bob),
        await openStream(server, stranger),
      ];
      // Stored before it is announced: the stream catches the room up from its first message.
      const roomId = await createRoom(server.url, alice, [bob]);
      const socket = await ChatClient.open(server.wsUrl, roomId, alice.session);
      const early = await socket.post('before the announcement', 'early');
      const wire = newRoomWire(roomId, [alice, bob]);
      server.server.conversationEvents.roomCreated({
        roomId,
        memberIds: [alice.id, bob.id],
        wire,
      });
      const late = await socket.post('after it', 'late');
      const room = { type: 'room', room: JSON.parse(wire) };
      assert.deepEqual((await atAlice.waitFor(4)).slice(1), [
        room,
        { type: 'message', message: early },
        { type: 'message', message: late },
      ]);
      const bobFrames = (await atBob.waitFor(4)).slice(1);
      assert.deepEqual(bobFrames[0], room);
      assert.deepEqual(
        bobFrames.slice(1).map((frame) => frame.message.id),
        [early.id, late.id],
      );
      // Announced again (the stream is in the room now): nothing new.
      server.server.conversationEvents.roomCreated({ roomId, memberIds: [alice.id], wire });
      assert.ok(await atAlice.quiet(), 'a room the stream is in is not announced again');
      assert.ok(await atStranger.quiet(), 'a stranger hears nothing');
      await Promise.all([atAlice, atBob, atStranger, socket].map((client) => client.close()));
    });

    test('read markers reach every member’s streams, the reader’s own included', async () => {
      const [alice, bob, stranger] = [
        await registerUser(server.url),
        await registerUser(server.url),
        await registerUser(server.url),
      ];
      const roomId = await createRoom(server.url, alice, [bob]);
      const streams = [
        await openStream(server, alice),
        await openStream(server, bob),
        await openStream(server, stranger),
      ];
      const socket = await ChatClient.open(server.wsUrl, roomId, alice.session);
      server.server.conversationEvents.readMoved({ roomId, userId: bob.id, lastReadId: 57 });
      const read = { type: 'read', room_id: roomId, user_id: bob.id, last_read_id: 57 };
      assert.deepEqual(await streams[0]?.next(), read);
      assert.deepEqual(await streams[1]?.next(), read);
      assert.ok(await streams[2]?.quiet(), 'not a member: nothing');
      assert.ok(await socket.quiet(), 'room sockets see no read frame');
      await Promise.all([...streams, socket].map((client) => client?.close()));
    });

    test('bad frames get the SPEC error and the stream stays open', async () => {
      const alice = await registerUser(server.url);
      const bob = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, [bob]);
      const stream = await openStream(server, alice);
      const invalid = { type: 'error', error: { code: 'invalid_json' } };
      const notFound = { type: 'error', error: { code: 'room_not_found' } };
      const cases: Array<[string | Buffer, Frame]> = [
        ['not json', invalid],
        ['[1,2]', invalid],
        ['"typing"', invalid],
        ['null', invalid],
        ['{}', invalid],
        [JSON.stringify({ type: 'message', text: 'hi' }), invalid],
        [JSON.stringify({ type: 'nope', room_id: roomId }), invalid],
        [JSON.stringify({ type: 'typing' }), invalid],
        [JSON.stringify({ type: 'typing', room_id: String(roomId) }), invalid],
        [JSON.stringify({ type: 'typing', room_id: null }), invalid],
        [JSON.stringify({ type: 'typing', room_id: [roomId] }), invalid],
        [JSON.stringify({ type: 'typing', room_id: 0 }), invalid],
        [JSON.stringify({ type: 'typing', room_id: -1 }), invalid],
        [JSON.stringify({ type: 'typing', room_id: 1.5 }), invalid],
        [JSON.stringify({ type: 'typing', room_id: 2 ** 53 }), invalid],
        ['{"type":"typing","room_id":1e300}', invalid],
        [JSON.stringify({ type: 'typing', room_id: 'x'.repeat(MAX_FRAME_BYTES - 100) }), invalid],
        [JSON.stringify({ type: 'typing', room_id: roomId + 1_000_000 }), notFound],
        [
          JSON.stringify({ type: 'typing', room_id: roomId + 1_000_000, client_id: 'c-7' }),
          { ...notFound, client_id: 'c-7' },
        ],
        [JSON.stringify({ type: 'bad', client_id: 'c-8' }), { ...invalid, client_id: 'c-8' }],
      ];
      for (const [frame, expected] of cases) {
        stream.send(frame);
        assert.deepEqual(await stream.next(), expected, String(frame).slice(0, 80));
      }
      stream.socket.send(Buffer.from('{"type":"typing","room_id":1}'), { binary: true });
      assert.deepEqual(await stream.next(), invalid, 'binary');
      stream.send(JSON.stringify({ type: 'typing', room_id: roomId }));
      assert.ok(await stream.quiet(), 'typing in an own room is not answered');

      const socket = await ChatClient.open(server.wsUrl, roomId, bob.session);
      const ack = await socket.post('still open?', 'open');
      assert.equal((await stream.next()).message.id, ack.id, 'the stream still delivers');

      stream.send('x'.repeat(1024 * 1024));
      assert.equal(await stream.closed, 1009, 'over the hard cap: 1009');
      await socket.close();
    });

    test('streams opened and closed, some before ready, some abruptly, leave the hub empty', async () => {
      const alice = await registerUser(server.url);
      for (let n = 0; n < 3; n++)
        await createRoom(server.url, alice, [await registerUser(server.url)]);
      const cycle = async (n: number) => {
        const stream = await ChatClient.stream(server.wsUrl, alice.session);
        if (n % 3 === 0) await stream.next();
        if (n % 2 === 0) stream.socket.terminate();
        else await stream.close();
      };
      for (let round = 0; round < 10; round++) {
        await Promise.all(Array.from({ length: 20 }, (_, n) => cycle(round * 20 + n)));
      }
      const { hub } = server.server;
      await eventually(() => hub.connectionCount === 0 && hub.roomCount === 0);
      assert.equal(await metric(server.url, 'websocket_connections_open'), 0);
    });

    test('logout closes the session’s streams with 4001, not the other session’s', async () => {
      const alice = await registerUser(server.url);
      const login = await request(server.url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      const phone = await openStream(server, { ...alice, session: login.body.session_id });
      const laptop = await openStream(server, alice);
      await request(server.url, 'POST', '/v1/logout', { session: alice.session });
      assert.equal(await laptop.closed, 4001);
      assert.equal(phone.closeCode, undefined);
      await phone.close();
      await eventually(() => server.server.hub.connectionCount === 0);
    });
  });

  describe(`stream limits and shutdown (${backend.name})`, () => {
    const maxBufferedBytes = 64 * 1024;
    const textChars = 30_000;
    const start = (env: Record<string, string> = {}) =>
      startServer({
        backend,
        env: {
          ...NO_PRESENCE,
          WS_MAX_BUFFERED_BYTES: String(maxBufferedBytes),
          MESSAGE_MAX_CHARS: String(textChars),
          ...env,
        },
      });

    test('too many frames per second: too_many_requests, still open', async () => {
      const server = await start({ WS_MESSAGES_PER_SECOND: '5' });
      const alice = await registerUser(server.url);
      const stream = await openStream(server, alice);
      for (let n = 0; n < 6; n++) stream.send({ type: 'typing', room_id: 1 });
      const frames = await stream.waitFor(7);
      assert.deepEqual(frames.at(-1), { type: 'error', error: { code: 'too_many_requests' } });
      assert.equal(stream.closeCode, undefined);
      await stream.close();
      await server.close();
    });

    test('a stream that does not read is closed with 1013; shutdown closes streams with 1001', async () => {
      const server = await start();
      const alice = await registerUser(server.url);
      const bob = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, [bob]);
      const slow = await openStream(server, bob);
      const sender = await ChatClient.open(server.wsUrl, roomId, alice.session);
      slow.socket.pause();
      const text = 'ж'.repeat(textChars);
      const closesBefore = await metric(server.url, 'websocket_slow_consumer_closes_total');
      for (let round = 0; round < 100; round++) {
        if ((await metric(server.url, 'websocket_slow_consumer_closes_total')) > closesBefore)
          break;
        for (let n = 0; n < 4; n++) sender.send({ text });
        await sender.post('pace', `pace-${round}`);
      }
      slow.socket.resume();
      assert.equal(await slow.closed, 1013);

      const stream = await openStream(server, alice);
      await server.close();
      assert.equal(await stream.closed, 1001);
      assert.equal(await sender.closed, 1001);
    });
  });
}
