// The rooms list in pages (limit, Link rel="next", keyset order) and the limits on creating rooms.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError } from '../helpers/expect-error.js';
import { createRoom, registerUser, request, sendMessage, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const NEXT_LINK = /^<(\/v1\/rooms\?[^>]+)>; rel="next"$/;

for (const backend of backends()) {
  describe(`rooms list pages (${backend.name})`, () => {
    let server: TestServer;
    let now = 1_700_000_000;
    before(async () => {
      server = await startServer({ backend, clock: () => now });
    });
    after(() => server.close());

    const get = (caller: TestUser, path: string) =>
      request(server.url, 'GET', path, { session: caller.session });

    /** Every page from `path` on, following the next links. */
    async function allPages(caller: TestUser, path: string): Promise<number[][]> {
      const pages: number[][] = [];
      let next: string | undefined = path;
      while (next) {
        const reply = await get(caller, next);
        assert.equal(reply.status, 200);
        pages.push(reply.body.map((room: { id: number }) => room.id));
        const link = reply.headers.get('link');
        next = link === null ? undefined : NEXT_LINK.exec(link)?.[1];
        if (link !== null) assert.ok(next, `Link header ${link}`);
      }
      return pages;
    }

    async function userInRooms(count: number): Promise<[TestUser, number[]]> {
      const owner = await registerUser(server.url);
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const other = await registerUser(server.url);
        ids.push(await createRoom(server.url, owner, [other]));
      }
      return [owner, ids];
    }

    test('at most 200 rooms by default, then a next link to the rest; the last page has none', async () => {
      const [owner, ids] = await userInRooms(203);
      const pages = await allPages(owner, '/v1/rooms');
      assert.deepEqual(
        pages.map((page) => page.length),
        [200, 3],
      );
      assert.deepEqual(pages.flat(), ids.toReversed());
    });

    test('limit is 1 to 500; a page ends exactly where the rooms do', async () => {
      const [owner, ids] = await userInRooms(4);
      assert.deepEqual(await allPages(owner, '/v1/rooms?limit=2'), [
        ids.slice(2).reverse(),
        ids.slice(0, 2).reverse(),
      ]);
      assert.deepEqual(
        await allPages(owner, '/v1/rooms?limit=1'),
        ids.toReversed().map((id) => [id]),
      );
      assert.deepEqual(await allPages(owner, '/v1/rooms?limit=500'), [ids.toReversed()]);
      assert.deepEqual(await allPages(owner, '/v1/rooms?limit=4'), [ids.toReversed()]);
      for (const limit of ['0', '501', '-1', '1.5', 'abc', '1e3', 'Infinity', '']) {
        expectError(await get(owner, `/v1/rooms?limit=${limit}`), 422, 'invalid_json');
      }
      for (const cursor of [
        'x',
        '1.2',
        '1.2.3.4',
        '-1.0.0',
        `${'9'.repeat(17)}.0.0`,
        'a'.repeat(65),
      ]) {
        expectError(await get(owner, `/v1/rooms?cursor=${cursor}`), 422, 'invalid_json');
      }
    });

    test('pages never repeat or skip a room that did not change meanwhile', async () => {
      const [owner, ids] = await userInRooms(9);
      // All created within one second: the order still is total.
      const first = await get(owner, '/v1/rooms?limit=3');
      const seen: number[] = first.body.map((room: { id: number }) => room.id);
      const next = NEXT_LINK.exec(first.headers.get('link') ?? '')?.[1] as string;
      // Meanwhile a room of a later page and one already seen become the most recent.
      now += 5;
      await sendMessage(server.url, owner, ids[1] as number, 'moves up');
      await sendMessage(server.url, owner, ids[8] as number, 'moves up too');
      for (const page of await allPages(owner, next)) seen.push(...page);
      const unchanged = ids.filter((id) => id !== ids[1] && id !== ids[8]);
      for (const id of unchanged)
        assert.equal(seen.filter((each) => each === id).length, 1, `room ${id}`);
      // A fresh walk shows the moved rooms first, by their last message.
      assert.deepEqual((await allPages(owner, '/v1/rooms?limit=4')).flat().slice(0, 2), [
        ids[8],
        ids[1],
      ]);
    });
  });

  describe(`room creation limits (${backend.name})`, () => {
    let server: TestServer;
    let now = 1_700_000_000;
    before(async () => {
      server = await startServer({
        backend,
        clock: () => now,
        env: { ROOM_CREATIONS_PER_MINUTE: '2', ROOMS_CREATED_MAX: '3' },
      });
    });
    after(() => server.close());

    const create = (caller: TestUser, others: TestUser[]) =>
      request(server.url, 'POST', '/v1/rooms', {
        session: caller.session,
        body: { users: others.map((user) => ({ id: user.id })) },
      });

    test('too many new rooms a minute: 429 with Retry-After; existing rooms are still found', async () => {
      const users = await Promise.all(Array.from({ length: 5 }, () => registerUser(server.url)));
      const [alice, b, c, d, e] = users as [TestUser, TestUser, TestUser, TestUser, TestUser];
      assert.equal((await create(alice, [b])).status, 200);
      now += 15;
      assert.equal((await create(alice, [c])).status, 200);
      now += 5;
      const refused = await create(alice, [d]);
      expectError(refused, 429, 'too_many_requests');
      assert.equal(refused.headers.get('retry-after'), '40');
      assert.equal((await create(alice, [b])).status, 200, 'an existing room is no new room');
      assert.equal((await create(d, [alice])).status, 200, 'the limit is per creator');
      now += 40;
      assert.equal((await create(alice, [e])).status, 200);

      // Three created in all: the cap, whatever the time.
      now += 3600;
      const capped = await create(alice, [c, d]);
      expectError(capped, 422, 'too_many_rooms');
      const rooms = await request(server.url, 'GET', '/v1/rooms', { session: alice.session });
      assert.equal(rooms.body.length, 4);
    });
  });
}
