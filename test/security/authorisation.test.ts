// The authorisation matrix: every HTTP route, the room socket and the stream, asked with every
// kind of credential, gives the one answer SPEC gives that pair. One test per cell, so a failure
// names it. (What each socket then receives: event-scope.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_ROUTES, type RouteName } from '../helpers/api-routes.js';
import { backends } from '../helpers/backends.js';
import { expectError } from '../helpers/expect-error.js';
import {
  createRoom,
  type Reply,
  registerUsers,
  request,
  sendMessage,
  TEST_PASSWORD,
  type TestUser,
  uniqueLogin,
} from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const IDLE_SECONDS = 3600;

const IDENTITIES = [
  'no session',
  'malformed',
  'unknown',
  'logged out',
  'expired',
  "another user's session",
  'member',
  'non-member',
] as const;
type Identity = (typeof IDENTITIES)[number];

/** The identities that name no live session: SPEC's 401 wherever a session is required. */
const REFUSED: readonly Identity[] = [
  'no session',
  'malformed',
  'unknown',
  'logged out',
  'expired',
];

interface World {
  readonly server: TestServer;
  /** The member: the room `roomId` is Alice's and Bob's. */
  readonly alice: TestUser;
  /** Another member of the same room: his session acts as him, whatever the request claims. */
  readonly bob: TestUser;
  /** In no room with Alice. */
  readonly carol: TestUser;
  readonly roomId: number;
  readonly messageId: number;
  /** Each bad credential, as a session id value (undefined: none sent). */
  readonly bad: Readonly<Record<Identity, readonly (string | undefined)[]>>;
}

/** The user an identity that names a live session acts as. */
function userOf(world: World, identity: Identity): TestUser {
  if (identity === 'member') return world.alice;
  if (identity === "another user's session") return world.bob;
  return world.carol;
}

async function login(server: TestServer, user: TestUser): Promise<string> {
  const reply = await request(server.url, 'POST', '/v1/login', {
    body: { login: user.login, password: TEST_PASSWORD },
  });
  return reply.body.session_id as string;
}

/** The session ids to try for an identity: the bad ones, or a fresh one of its user. */
async function sessionsOf(world: World, identity: Identity): Promise<(string | undefined)[]> {
  if (REFUSED.includes(identity)) return [...world.bad[identity]];
  return [await login(world.server, userOf(world, identity))];
}

type HttpCall = (world: World, session: string | undefined) => Promise<Reply<any>>;

/** How each route is asked in the matrix: a request that would succeed for the right caller. */
const CALLS: Record<RouteName, HttpCall> = {
  register: (w, session) =>
    request(w.server.url, 'POST', '/v1/register', {
      session,
      body: { login: uniqueLogin('matrix'), password: TEST_PASSWORD },
    }),
  login: (w, session) =>
    request(w.server.url, 'POST', '/v1/login', {
      session,
      body: { login: w.alice.login, password: TEST_PASSWORD },
    }),
  logout: (w, session) => request(w.server.url, 'POST', '/v1/logout', { session, body: {} }),
  info: (w, session) => request(w.server.url, 'GET', '/v1/info', { session }),
  users: (w, session) => request(w.server.url, 'GET', '/v1/users?q=matrix', { session }),
  usersSlash: (w, session) => request(w.server.url, 'GET', '/v1/users/?q=matrix', { session }),
  roomList: (w, session) => request(w.server.url, 'GET', '/v1/rooms', { session }),
  createRoom: (w, session) =>
    request(w.server.url, 'POST', '/v1/rooms', {
      session,
      body: { users: [{ id: w.carol.id }, { id: w.alice.id }] },
    }),
  room: (w, session) => request(w.server.url, 'GET', `/v1/rooms/${w.roomId}`, { session }),
  history: (w, session) =>
    request(w.server.url, 'GET', `/v1/rooms/${w.roomId}/messages`, { session }),
  send: (w, session) =>
    request(w.server.url, 'POST', `/v1/rooms/${w.roomId}/messages`, {
      session,
      // Claims to be Alice in another room: only the session and the URL count.
      body: { text: 'matrix', user_id: w.alice.id, room_id: 999_999 },
    }),
  read: (w, session) =>
    request(w.server.url, 'POST', `/v1/rooms/${w.roomId}/read`, {
      session,
      body: { message_id: w.messageId },
    }),
  chatOverHttp: (w, session) =>
    request(w.server.url, 'GET', `/v1/rooms/${w.roomId}/chat`, { session }),
  streamOverHttp: (w, session) => request(w.server.url, 'GET', '/v1/stream', { session }),
  healthz: (w, session) => request(w.server.url, 'GET', '/healthz', { session }),
  readyz: (w, session) => request(w.server.url, 'GET', '/readyz', { session }),
  metrics: (w, session) => request(w.server.url, 'GET', '/metrics', { session }),
  openApi: (w, session) => request(w.server.url, 'GET', '/v1/openapi.json', { session }),
  asyncApi: (w, session) => request(w.server.url, 'GET', '/v1/asyncapi.json', { session }),
  docs: async (w, session) => {
    // The viewer is HTML, not JSON: its body is kept as text.
    const headers: Record<string, string> =
      session === undefined ? {} : { 'x-session-id': session };
    const response = await fetch(`${w.server.url}/docs`, { headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  },
};

/** Checks a 200 of a route as the identity's user sees it. */
type Accepted = (world: World, reply: Reply<any>, user: TestUser, session: string) => Promise<void>;

const memberOf = (room: { users: { id: number }[] }, user: TestUser) =>
  room.users.some((member) => member.id === user.id);

/** What each route answers a live session; routes not listed answer it with a plain 200. */
const ACCEPTED: Partial<Record<RouteName, Accepted>> = {
  info: async (_w, reply, user) => assert.deepEqual(reply.body, { id: user.id, login: user.login }),
  roomList: async (w, reply, user) =>
    assert.equal(
      reply.body.some((room: { id: number }) => room.id === w.roomId),
      user !== w.carol,
      'the list holds exactly the rooms of the caller',
    ),
  createRoom: async (_w, reply, user) => assert.ok(memberOf(reply.body, user)),
  room: async (w, reply) => assert.equal(reply.body.id, w.roomId),
  history: async (w, reply) =>
    assert.ok(reply.body.every((message: { room_id: number }) => message.room_id === w.roomId)),
  send: async (w, reply, user) => {
    assert.equal(reply.body.user_id, user.id, 'stored as the session’s user');
    assert.equal(reply.body.room_id, w.roomId, 'stored in the URL’s room');
  },
  read: async (w, reply, user) => {
    assert.equal(reply.body.room_id, w.roomId);
    const info = await request(w.server.url, 'GET', `/v1/rooms/${w.roomId}`, {
      session: w.alice.session,
    });
    const marker = info.body.read.find((entry: { user_id: number }) => entry.user_id === user.id);
    assert.equal(marker.last_read_id, reply.body.last_read_id, 'the session’s user’s marker moved');
  },
  logout: async (w, _reply, _user, session) => {
    expectError(await CALLS.info(w, session), 401, 'unauthorized');
    const others = await CALLS.info(w, w.alice.session);
    assert.equal(others.status, 200, 'the user’s other sessions live on');
  },
  login: async (_w, reply) => assert.equal(typeof reply.body.session_id, 'string'),
  register: async (_w, reply) => assert.equal(typeof reply.body.session_id, 'string'),
};

/** The one answer of a route that does not depend on who asks, when it has one. */
const SAME_FOR_ALL: Partial<Record<RouteName, [number, string]>> = {
  chatOverHttp: [426, 'upgrade_required'],
  streamOverHttp: [426, 'upgrade_required'],
  // A session is no bearer token: /metrics stays closed to every one of them.
  metrics: [401, 'unauthorized'],
};

/** Routes of the room `roomId`: a stranger to it gets room_not_found. */
const ROOM_ROUTES: readonly RouteName[] = ['room', 'history', 'send', 'read'];

async function checkHttpCell(world: World, name: RouteName, identity: Identity): Promise<void> {
  const { session: needsSession } = API_ROUTES[name];
  for (const session of await sessionsOf(world, identity)) {
    const reply = await CALLS[name](world, session);
    const fixed = SAME_FOR_ALL[name];
    if (fixed) {
      expectError(reply, ...fixed);
    } else if (needsSession && REFUSED.includes(identity)) {
      expectError(reply, 401, 'unauthorized');
    } else if (identity === 'non-member' && ROOM_ROUTES.includes(name)) {
      expectError(reply, 422, 'room_not_found');
    } else {
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const user = userOf(world, identity);
      await ACCEPTED[name]?.(world, reply, user, session as string);
    }
  }
}

interface UpgradeOutcome {
  readonly client?: ChatClient;
  readonly status?: number;
  readonly body?: unknown;
}

/** The HTTP refusal of an upgrade, or the socket when it opened. */
async function upgrade(open: () => Promise<ChatClient>): Promise<UpgradeOutcome> {
  try {
    return { client: await open() };
  } catch (error) {
    const refused = error as { status?: number; body?: unknown };
    if (refused.status === undefined) throw error;
    return { status: refused.status, body: refused.body };
  }
}

function expectRefused(refused: UpgradeOutcome, status: number, code: string) {
  assert.equal(refused.client, undefined, 'the upgrade was accepted');
  assert.equal(refused.status, status);
  assert.deepEqual(refused.body, { error: { code } });
}

async function checkRoomSocketCell(world: World, identity: Identity): Promise<void> {
  for (const session of await sessionsOf(world, identity)) {
    const opened = await upgrade(() => ChatClient.open(world.server.wsUrl, world.roomId, session));
    if (REFUSED.includes(identity)) expectRefused(opened, 401, 'unauthorized');
    else if (identity === 'non-member') expectRefused(opened, 422, 'room_not_found');
    else {
      const client = opened.client as ChatClient;
      const user = userOf(world, identity);
      // Claims to be Alice, in another room, at another time: the server fills in the truth.
      client.send({ text: 'as whom?', client_id: 'who', user_id: world.alice.id, room_id: 1 });
      const ack = await client.find((frame) => frame.client_id === 'who');
      assert.equal(ack.user_id, user.id);
      assert.equal(ack.room_id, world.roomId);
      await client.close();
    }
  }
}

async function checkStreamCell(world: World, identity: Identity): Promise<void> {
  for (const session of await sessionsOf(world, identity)) {
    const opened = await upgrade(() => ChatClient.stream(world.server.wsUrl, session));
    if (REFUSED.includes(identity)) {
      expectRefused(opened, 401, 'unauthorized');
      continue;
    }
    const client = opened.client as ChatClient;
    assert.equal((await client.next()).type, 'ready');
    // The stream knows the rooms of its own user only.
    client.send({ type: 'typing', room_id: world.roomId, client_id: 't' });
    if (identity === 'non-member') {
      const refusal = await client.find((frame) => frame.client_id === 't');
      assert.deepEqual(refusal, {
        type: 'error',
        error: { code: 'room_not_found' },
        client_id: 't',
      });
    } else {
      assert.ok(await client.quiet(200), 'typing in an own room gets no answer');
    }
    await client.close();
  }
}

/** Registers the cast, makes one session of each bad kind, then lets the clock pass the idle time. */
async function buildWorld(server: TestServer, passTime: () => void): Promise<World> {
  const [alice, bob, carol] = await registerUsers(server.url, 3);
  const expired = await login(server, alice);
  passTime();
  const fresh = async (user: TestUser) => ({ ...user, session: await login(server, user) });
  const [aliceNow, bobNow, carolNow] = await Promise.all([alice, bob, carol].map(fresh));
  const roomId = await createRoom(server.url, aliceNow as TestUser, [bobNow as TestUser]);
  const message = await sendMessage(server.url, bobNow as TestUser, roomId, 'hello');
  const loggedOut = await login(server, alice);
  await request(server.url, 'POST', '/v1/logout', { session: loggedOut });
  const live = (aliceNow as TestUser).session;
  return {
    server,
    alice: aliceNow as TestUser,
    bob: bobNow as TestUser,
    carol: carolNow as TestUser,
    roomId,
    messageId: message.id,
    bad: {
      'no session': [undefined],
      malformed: [
        '',
        'not-a-session',
        live.slice(0, -1),
        `${live}!`,
        'a'.repeat(5000),
        '../../etc/passwd',
      ],
      unknown: [`${live.slice(0, -4)}AAAA`, '00000000-0000-4000-8000-000000000000'],
      'logged out': [loggedOut],
      expired: [expired],
      "another user's session": [],
      member: [],
      'non-member': [],
    },
  };
}

for (const backend of backends()) {
  describe(`authorisation matrix (${backend.name})`, () => {
    let world: World;
    let offset = 0;
    before(async () => {
      const server = await startServer({
        backend,
        env: { SESSION_IDLE_SECONDS: String(IDLE_SECONDS), PRESENCE: 'false' },
        clock: () => Math.floor(Date.now() / 1000) + offset,
      });
      world = await buildWorld(server, () => {
        offset += IDLE_SECONDS + 1;
      });
    });
    after(() => world.server.close());

    for (const name of Object.keys(CALLS) as RouteName[]) {
      const { method, path } = API_ROUTES[name];
      for (const identity of IDENTITIES) {
        test(`${method} ${path} × ${identity}`, () => checkHttpCell(world, name, identity));
      }
    }
    for (const identity of IDENTITIES) {
      test(`WS /v1/rooms/:id/chat × ${identity}`, () => checkRoomSocketCell(world, identity));
      test(`WS /v1/stream × ${identity}`, () => checkStreamCell(world, identity));
    }
  });
}
