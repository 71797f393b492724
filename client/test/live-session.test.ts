// The live session against a scripted server: SPEC's catch-up on connect and reconnect, each
// message once per room in order, unread counts, typing, presence, the send queue, logout.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ChatClient, type LiveSession, type Message, type Room } from '../src/index.js';
import { FakeApi, FakeSocket, settle } from './helpers/fake-server.js';

const ME = 1;
const BOB = 2;
const CAROL = 3;

function room(id: number, memberIds = [ME, BOB]): Room {
  return {
    id,
    users: memberIds.map((userId) => ({ id: userId, login: `u${userId}` })),
    last_message: null,
    last_read_id: 0,
    unread: 0,
  };
}

let api: FakeApi;

beforeEach(() => {
  FakeSocket.opened.length = 0;
  api = new FakeApi(ME);
  api.rooms.set(10, room(10));
  api.rooms.set(20, room(20, [ME, CAROL]));
});

async function open(): Promise<{ session: LiveSession; messages: Message[] }> {
  const client = new ChatClient({
    baseUrl: 'http://chat.test',
    session: 's-1',
    fetch: api.fetch,
    WebSocket: FakeSocket,
    backoff: { initialMs: 1, maxMs: 1 },
  });
  const session = await client.live();
  const messages: Message[] = [];
  session.on('message', (message) => messages.push(message));
  return { session, messages };
}

async function connect(online: number[] = []): Promise<FakeSocket> {
  await settle();
  const socket = FakeSocket.latest();
  socket.accept();
  socket.receive({ type: 'ready', online });
  await settle();
  return socket;
}

const ids = (messages: Message[]) => messages.map((message) => message.id);

test('first connect: the stream URL carries the session; rooms listed; older history is not news', async () => {
  const old = api.message(10, BOB);
  const { session, messages } = await open();
  await connect();
  assert.equal(FakeSocket.latest().url, 'ws://chat.test/v1/stream?session_id=s-1');
  assert.equal(session.status, 'live');
  assert.deepEqual(messages, []);
  assert.deepEqual(
    session.rooms().map((state) => [state.room.id, state.unread, state.lastMessage?.id]),
    [
      [10, 1, old.id],
      [20, 0, undefined],
    ],
  );
});

test('frames arriving during the catch-up are handed on after it, once each, in order', async () => {
  const { session, messages } = await open();
  let release: () => void = () => undefined;
  api.roomsGate = new Promise((resolve) => {
    release = resolve;
  });
  await settle();
  const socket = FakeSocket.latest();
  socket.accept();
  socket.receive({ type: 'ready', online: [] });
  const during = api.message(10, BOB);
  socket.receive({ type: 'message', message: during });
  await settle();
  assert.equal(session.status, 'catching-up');
  assert.deepEqual(messages, [], 'nothing before the catch-up is done');
  release();
  await settle();
  const next = api.message(10, BOB);
  socket.receive({ type: 'message', message: during });
  socket.receive({ type: 'message', message: next });
  assert.deepEqual(ids(messages), [next.id], 'the listing already covered the first one');
  assert.equal(session.room(10)?.unread, 2);
});

test('a reconnect fetches each room after its last message, then drops duplicates from frames', async () => {
  const { session, messages } = await open();
  const first = await connect();
  const seen = api.message(10, BOB);
  first.receive({ type: 'message', message: seen });
  first.drop(1006);
  assert.equal(session.status, 'offline');
  const missed = [api.message(10, BOB), api.message(20, CAROL), api.message(10, BOB)];
  api.calls.length = 0;
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = FakeSocket.latest();
  assert.notEqual(second, first);
  second.accept();
  const live = api.message(10, BOB);
  second.receive({ type: 'ready', online: [] });
  second.receive({ type: 'message', message: missed[2] as Message });
  second.receive({ type: 'message', message: live });
  await settle();
  assert.ok(api.calls.includes(`GET /v1/rooms/10/messages?after=${seen.id}&limit=200`));
  assert.ok(api.calls.includes('GET /v1/rooms/20/messages?after=0&limit=200'));
  const byRoom = (roomId: number) => messages.filter((m) => m.room_id === roomId).map((m) => m.id);
  assert.deepEqual(byRoom(10), [
    seen.id,
    (missed[0] as Message).id,
    (missed[2] as Message).id,
    live.id,
  ]);
  assert.deepEqual(byRoom(20), [(missed[1] as Message).id]);
  assert.equal(session.room(10)?.unread, 4);
});

test('read frames keep the unread count and members’ markers in step', async () => {
  const { session } = await open();
  const socket = await connect();
  const sent = [api.message(10, BOB), api.message(10, BOB), api.message(10, BOB)];
  for (const message of sent) socket.receive({ type: 'message', message });
  assert.equal(session.room(10)?.unread, 3);
  socket.receive({ type: 'read', room_id: 10, user_id: ME, last_read_id: (sent[1] as Message).id });
  await settle();
  assert.equal(session.room(10)?.unread, 1);
  socket.receive({ type: 'read', room_id: 10, user_id: BOB, last_read_id: 5 });
  await settle();
  assert.equal(session.room(10)?.read.get(BOB), (sent[2] as Message).id, 'his own message is read');
  const state = await session.markRead(10);
  assert.deepEqual([state?.unread, state?.lastReadId], [0, (sent[2] as Message).id]);
});

test('a room created with the user appears at once; its messages follow', async () => {
  const { session, messages } = await open();
  const socket = await connect();
  const rooms: number[] = [];
  session.on('room', (state) => rooms.push(state.room.id));
  api.rooms.set(30, room(30, [ME, CAROL]));
  socket.receive({ type: 'room', room: room(30, [ME, CAROL]) });
  const first = api.message(30, CAROL);
  socket.receive({ type: 'message', message: first });
  assert.deepEqual(rooms, [30, 30]);
  assert.deepEqual(ids(messages), [first.id]);
  assert.equal(session.room(30)?.unread, 1);
});

test('typing: shown on a frame, gone with the typist’s message; own signals throttled', async () => {
  const { session } = await open();
  const socket = await connect();
  const changes: number[][] = [];
  session.on('typing', ({ userIds }) => changes.push(userIds));
  socket.receive({ type: 'typing', room_id: 10, user_id: BOB });
  assert.deepEqual(session.typingIn(10), [BOB]);
  socket.receive({ type: 'message', message: api.message(10, BOB) });
  assert.deepEqual(changes, [[BOB], []]);
  assert.ok(session.typing(10));
  assert.ok(!session.typing(10));
  assert.ok(session.typing(20));
  assert.deepEqual(socket.sent, [
    { type: 'typing', room_id: 10 },
    { type: 'typing', room_id: 20 },
  ]);
});

test('presence: the ready list, then changes; a reconnect replaces the list', async () => {
  const { session } = await open();
  const changes: string[] = [];
  session.on('presence', ({ userId, online }) => changes.push(`${userId}:${online}`));
  const socket = await connect([BOB]);
  socket.receive({ type: 'presence', user_id: CAROL, online: true });
  socket.receive({ type: 'presence', user_id: CAROL, online: true });
  assert.deepEqual(session.online(), [BOB, CAROL]);
  socket.drop();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await connect([CAROL]);
  assert.deepEqual(session.online(), [CAROL]);
  assert.deepEqual(changes, ['2:true', '3:true', '2:false']);
});

test('sends carry a client_id, are retried after 429 with the same one, resolve with the stored message', async () => {
  const { session } = await open();
  await connect();
  api.failures.push({ status: 429, code: 'too_many_requests', retryAfter: 0 });
  const stored = await session.send(10, 'Привет');
  const posts = api.calls.filter((call) => call === 'POST /v1/rooms/10/messages');
  assert.equal(posts.length, 2);
  assert.equal(stored.text, 'Привет');
  assert.match(stored.client_id ?? '', /^[0-9a-f]{32}$/);
  assert.deepEqual(session.pending(), []);
});

test('logout (4001) ends the session: no reconnect, `closed` says unauthorized', async () => {
  const { session } = await open();
  const socket = await connect();
  const closed = new Promise((resolve) => session.on('closed', resolve));
  socket.drop(4001);
  assert.equal(((await closed) as { code: string }).code, 'unauthorized');
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(FakeSocket.opened.length, 1);
  assert.equal(session.status, 'closed');
});

test('a connect refused before the upgrade asks the server why; a dead session stops trying', async () => {
  const { session } = await open();
  await settle();
  const closed = new Promise((resolve) => session.on('closed', resolve));
  api.failures.push({ status: 401, code: 'unauthorized' });
  FakeSocket.latest().drop(1006);
  assert.equal(((await closed) as { code: string }).code, 'unauthorized');
  assert.equal(FakeSocket.opened.length, 1);
});

test('reconnectNow ends the wait for the next attempt; connected, it does nothing', async () => {
  const client = new ChatClient({
    baseUrl: 'http://chat.test',
    session: 's-1',
    fetch: api.fetch,
    WebSocket: FakeSocket,
    backoff: { initialMs: 60_000, maxMs: 60_000, random: () => 1 },
  });
  const session = await client.live();
  await connect();
  session.reconnectNow();
  assert.equal(FakeSocket.opened.length, 1, 'connected: nothing to do');
  FakeSocket.latest().drop(1006);
  await settle();
  assert.equal(FakeSocket.opened.length, 1, 'waiting a minute to reconnect');
  session.reconnectNow();
  assert.equal(FakeSocket.opened.length, 2);
  await connect();
  assert.equal(session.status, 'live');
  session.close();
});
