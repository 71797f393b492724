// Rooms over HTTP: create (one room per member set, also under a race), list, show, and who may see them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const asJson = (user: TestUser) => ({ id: user.id, login: user.login });

for (const backend of backends()) {
  describe(`rooms (${backend.name})`, () => {
    let server: TestServer;
    // A clock that only moves when a test moves it: ordering must not depend on seconds ticking.
    let now = 1_700_000_000;
    before(async () => {
      server = await startServer({ backend, clock: () => now });
    });
    after(() => server.close());

    const create = (caller: TestUser, body: unknown) =>
      request(server.url, 'POST', '/v1/rooms', { session: caller.session, body });
    const list = async (caller: TestUser) => {
      const reply = await request(server.url, 'GET', '/v1/rooms', { session: caller.session });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      return reply.body as Array<{ id: number; users: Array<{ id: number; login: string }> }>;
    };
    const show = (caller: TestUser, id: number | string) =>
      request(server.url, 'GET', `/v1/rooms/${id}`, { session: caller.session });

    test('create answers the room: the caller and the listed users, ordered by id', async () => {
      const [a, b, c] = [
        await registerUser(server.url, 'Василий'),
        await registerUser(server.url, 'Петр'),
        await registerUser(server.url),
      ] as [TestUser, TestUser, TestUser];
      const reply = await create(c, { users: [{ id: b.id, login: 'Петр' }, { id: a.id }] });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(Object.keys(reply.body), [
        'id',
        'users',
        'last_message',
        'last_read_id',
        'unread',
      ]);
      assert.ok(Number.isSafeInteger(reply.body.id) && reply.body.id > 0);
      assert.deepEqual(reply.body.users, [asJson(a), asJson(b), asJson(c)]);
      const shown = await show(a, reply.body.id);
      assert.equal(shown.status, 200);
      const read = [a, b, c].map((member) => ({ user_id: member.id, last_read_id: 0 }));
      assert.deepEqual(shown.body, { ...reply.body, read });
    });

    test('a login in the request is ignored; duplicates and the caller listed again too', async () => {
      const [a, b] = [await registerUser(server.url), await registerUser(server.url)];
      const reply = await create(a, {
        users: [{ id: b.id, login: 'somebody else' }, { id: b.id }, { id: a.id }, { id: a.id }],
      });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body.users, [asJson(a), asJson(b)]);
    });

    test('the same member set gives the same room, whoever asks and in whatever order', async () => {
      const [a, b, c] = [
        await registerUser(server.url),
        await registerUser(server.url),
        await registerUser(server.url),
      ];
      const first = await create(a, { users: [{ id: b.id }, { id: c.id }] });
      const again = await create(a, { users: [{ id: c.id }, { id: b.id }, { id: c.id }] });
      const byOther = await create(c, { users: [{ id: a.id }, { id: b.id }] });
      assert.equal(first.status, 200);
      assert.deepEqual(again.body, first.body);
      assert.deepEqual(byOther.body, first.body);
      const pair = await create(a, { users: [{ id: b.id }] });
      assert.notEqual(pair.body.id, first.body.id, 'a subset is another room');
      assert.equal((await list(a)).filter((room) => room.id === first.body.id).length, 1);
    });

    test('ten racing identical creations give one room', async () => {
      const users = await Promise.all(Array.from({ length: 4 }, () => registerUser(server.url)));
      const [caller, ...others] = users as [TestUser, ...TestUser[]];
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const creator = users[i % users.length] as TestUser;
          const invited = users.filter((user) => user !== creator).map(({ id }) => ({ id }));
          return create(creator, { users: i % 2 === 0 ? invited : invited.reverse() });
        }),
      );
      assert.ok(replies.every((reply) => reply.status === 200));
      assert.equal(new Set(replies.map((reply) => reply.body.id)).size, 1);
      assert.equal((await list(caller)).length, 1);
      assert.deepEqual(
        replies[0]?.body.users,
        [caller, ...others].map(asJson).sort((x, y) => x.id - y.id),
      );
    });

    test('a room of the caller alone can be made with an empty list', async () => {
      const a = await registerUser(server.url);
      const reply = await create(a, { users: [] });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body.users, [asJson(a)]);
      assert.deepEqual((await create(a, { users: [{ id: a.id }] })).body, reply.body);
    });

    test('an id that is no user is 422 user_not_found, and no room is made', async () => {
      const a = await registerUser(server.url);
      const b = await registerUser(server.url);
      for (const id of [b.id + 1_000_000, 0, -1, 2 ** 53 - 1, 1e300]) {
        expectError(await create(a, { users: [{ id: b.id }, { id }] }), 422, 'user_not_found');
      }
      assert.deepEqual(await list(a), []);
    });

    const invalid: Array<[string, unknown]> = [
      ['users missing', {}],
      ['users null', { users: null }],
      ['users an object', { users: { id: 1 } }],
      ['users a string', { users: '1' }],
      ['users a number', { users: 1 }],
      ['an entry without id', { users: [{ login: 'Петр' }] }],
      ['an entry that is a number', { users: [1] }],
      ['an entry that is null', { users: [null] }],
      ['an entry that is an array', { users: [[1]] }],
      ['an id as a string', { users: [{ id: '2' }] }],
      ['an id with a fraction', { users: [{ id: 1.5 }] }],
      ['an id null', { users: [{ id: null }] }],
      ['an id true', { users: [{ id: true }] }],
      ['the body an array', [{ id: 1 }]],
      ['the body a string', 'users'],
      ['the body null', null],
      ['more than 1000 users', { users: Array.from({ length: 1001 }, (_, i) => ({ id: i + 1 })) }],
    ];
    for (const [name, body] of invalid) {
      test(`${name} → 422 invalid_json, and no room is made`, async () => {
        const a = await registerUser(server.url);
        const message = expectError(await create(a, body), 422, 'invalid_json');
        assert.ok(message, 'the error says which rule failed');
        assert.deepEqual(await list(a), []);
      });
    }

    test('GET /v1/rooms lists the rooms of the caller only, members ordered by id', async () => {
      const [a, b, c] = [
        await registerUser(server.url),
        await registerUser(server.url),
        await registerUser(server.url),
      ] as [TestUser, TestUser, TestUser];
      const ab = await createRoom(server.url, b, [a]);
      const bc = await createRoom(server.url, c, [b]);
      assert.deepEqual(
        (await list(a)).map((room) => room.id),
        [ab],
      );
      const ofB = await list(b);
      assert.deepEqual(ofB.map((room) => room.id).sort(), [ab, bc].sort());
      for (const room of ofB) {
        const ids = room.users.map((user) => user.id);
        assert.deepEqual(
          ids,
          [...ids].sort((x, y) => x - y),
        );
      }
    });

    test('GET /v1/rooms: most recently active first, by last message, else by creation', async () => {
      const [a, b] = [await registerUser(server.url), await registerUser(server.url)];
      const c = await registerUser(server.url);
      const first = await createRoom(server.url, a, [b]);
      const second = await createRoom(server.url, a, [c]);
      const third = await createRoom(server.url, a, [b, c]);
      assert.deepEqual(
        (await list(a)).map((room) => room.id),
        [third, second, first],
        'no messages yet: newest room first',
      );
      const say = async (roomId: number) => {
        const client = await ChatClient.open(server.wsUrl, roomId, a.session);
        client.send({ text: 'Привет', client_id: `hello-${roomId}` });
        assert.equal((await client.next()).client_id, `hello-${roomId}`);
        await client.close();
      };
      await say(first);
      assert.deepEqual(
        (await list(a)).map((room) => room.id),
        [first, third, second],
      );
      await say(second);
      assert.deepEqual(
        (await list(a)).map((room) => room.id),
        [second, first, third],
      );
      // Within one second, the later message wins; a room made in a later second beats both.
      now += 1;
      const fourth = await createRoom(server.url, b, [c]);
      assert.deepEqual(
        (await list(c)).map((room) => room.id),
        [fourth, second, third],
      );
    });

    test('GET /v1/rooms is [] for a user in no room', async () => {
      assert.deepEqual(await list(await registerUser(server.url)), []);
    });

    test('GET /v1/rooms/:id is room_not_found for strangers, missing rooms and non-ids alike', async () => {
      const [a, b, stranger] = [
        await registerUser(server.url),
        await registerUser(server.url),
        await registerUser(server.url),
      ] as [TestUser, TestUser, TestUser];
      const roomId = await createRoom(server.url, a, [b]);
      assert.equal((await show(b, roomId)).status, 200);
      const answers = new Set<string>();
      const notIds = ['abc', '0', '-1', '1.5', '1e3', '01', '+1', '%20', `${roomId}abc`];
      const missing = [
        String(roomId + 100_000),
        '9007199254740993',
        '9'.repeat(30),
        '9'.repeat(300),
      ];
      for (const id of [String(roomId), ...notIds, ...missing]) {
        const caller = id === String(roomId) ? stranger : a;
        const reply = await show(caller, id);
        expectError(reply, 422, 'room_not_found');
        answers.add(JSON.stringify(reply.body));
      }
      assert.equal(answers.size, 1, 'a stranger cannot tell the cases apart');
    });

    test('401 without a valid session on every rooms route', async () => {
      for (const [method, path] of [
        ['GET', '/v1/rooms'],
        ['POST', '/v1/rooms'],
        ['GET', '/v1/rooms/1'],
        ['GET', '/v1/rooms/abc'],
      ] as const) {
        expectError(await request(server.url, method, path), 401, 'unauthorized');
      }
    });
  });
}
