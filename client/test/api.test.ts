// The library's HTTP calls against the real server: accounts, users, rooms, history, typed errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../../test/helpers/backends.js';
import { TEST_PASSWORD, uniqueLogin } from '../../test/helpers/http.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { ChatError, isChatError } from '../src/index.js';
import { collect, newClient, type Person, person } from './helpers/clients.js';

async function rejectsWith(promise: Promise<unknown>, code: string, status: number) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ChatError, `not a ChatError: ${error}`);
    assert.deepEqual([error.code, error.status], [code, status]);
    return true;
  });
}

for (const backend of backends()) {
  describe(`client library over HTTP (${backend.name})`, () => {
    let server: TestServer;
    let alice: Person;
    let bob: Person;
    before(async () => {
      server = await startServer({ backend });
      alice = await person(server.url);
      bob = await person(server.url);
    });
    after(() => server.close());

    test('register, login (any case), info, logout', async () => {
      const login = uniqueLogin('Вася');
      const client = newClient(server.url);
      const registered = await client.register(login, TEST_PASSWORD);
      assert.equal(client.session, registered);
      const other = newClient(server.url);
      await other.login(login.toLowerCase(), TEST_PASSWORD);
      assert.notEqual(other.session, registered);
      assert.deepEqual((await other.info()).login, login);
      await other.logout();
      assert.equal(other.session, undefined);
      assert.equal((await client.info()).login, login, 'the other session lives on');
    });

    test('errors are ChatError values with the SPEC code and status', async () => {
      const client = newClient(server.url);
      await rejectsWith(client.info(), 'unauthorized', 401);
      await rejectsWith(client.login(uniqueLogin(), TEST_PASSWORD), 'user_not_found', 422);
      await rejectsWith(client.login(alice.user.login, 'wrong-password'), 'wrong_credentials', 422);
      await rejectsWith(
        client.register(alice.user.login, TEST_PASSWORD),
        'user_already_exists',
        422,
      );
      await rejectsWith(client.register('x', 'short'), 'invalid_json', 422);
      await rejectsWith(alice.client.room(999_999), 'room_not_found', 422);
      const stranger = newClient(server.url, { baseUrl: 'http://127.0.0.1:1' });
      await assert.rejects(stranger.info(), (error) => isChatError(error, 'network'));
    });

    test('searchUsers finds by substring, limit respected', async () => {
      const found = await alice.client.searchUsers(bob.user.login.toUpperCase());
      assert.deepEqual(found, [bob.user]);
      assert.deepEqual(await alice.client.searchUsers(''), []);
      assert.ok((await alice.client.searchUsers('user', { limit: 1 })).length <= 1);
    });

    test('createRoom returns the same room for the same members; room and rooms show it', async () => {
      const created = await alice.client.createRoom([bob.user.id]);
      const again = await bob.client.createRoom([alice.user.id, bob.user.id]);
      assert.equal(again.id, created.id);
      assert.deepEqual(
        (await alice.client.room(created.id)).users.map((user) => user.id),
        [alice.user.id, bob.user.id].sort((a, b) => a - b),
      );
      const listed = await collect(bob.client.rooms());
      assert.ok(listed.some((room) => room.id === created.id));
      await rejectsWith(alice.client.createRoom([987_654_321]), 'user_not_found', 422);
    });

    test('rooms follows the next links until every room is listed', async () => {
      const carol = await person(server.url);
      const expected: number[] = [];
      for (let n = 0; n < 5; n++) {
        const other = await person(server.url);
        expected.push((await carol.client.createRoom([other.user.id])).id);
      }
      const pages = await collect(carol.client.roomPages({ limit: 2 }));
      const listed = pages.flat().map((room) => room.id);
      assert.deepEqual([...listed].sort(), [...expected].sort());
      assert.equal(new Set(listed).size, listed.length, 'no room twice');
    });

    test('history iterates forward after an id and backward before one, page by page', async () => {
      const room = await alice.client.createRoom([bob.user.id]);
      const socket = alice.client.roomSocket(room.id);
      const sent = [];
      for (let n = 0; n < 7; n++) sent.push(await socket.send(`Привет ${n}`));
      socket.close();
      const ids = sent.map((message) => message.id);
      const forward = await collect(bob.client.history(room.id, { after: ids[1], pageSize: 2 }));
      assert.deepEqual(
        forward.map((message) => message.id),
        ids.slice(2),
      );
      const backward = await collect(bob.client.history(room.id, { before: ids[5], pageSize: 2 }));
      assert.deepEqual(
        backward.map((message) => message.id),
        ids.slice(0, 5).reverse(),
      );
      const latest = await collect(bob.client.history(room.id, { pageSize: 3 }));
      assert.deepEqual(latest.at(0)?.text, 'Привет 6');
      assert.equal(latest.length, 7);
      assert.deepEqual(
        (await bob.client.messages(room.id, { limit: 2 })).map((message) => message.id),
        ids.slice(5),
      );
    });
  });
}
