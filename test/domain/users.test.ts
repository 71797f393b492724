// User search in the domain: what key reaches the store, and that an empty query finds nobody.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserStore } from '../../src/domain/ports/users.js';
import { Users } from '../../src/domain/users.js';

function recordingUsers() {
  const calls: Array<[string, number]> = [];
  const store = {
    searchUsers: async (key: string, limit: number) => {
      calls.push([key, limit]);
      return [];
    },
  } as unknown as UserStore;
  return { users: new Users(store), calls };
}

test('the query is folded like logins are, ё as е, and the default limit is 50', async () => {
  const { users, calls } = recordingUsers();
  await users.search('ВАСЯ');
  await users.search('Jose\u0301', 7);
  await users.search('STRASSE');
  await users.search('ЁЛКА Пётр');
  await users.search('Е\u0308ж');
  assert.deepEqual(calls, [
    ['вася', 50],
    ['josé', 7],
    ['strasse', 50],
    ['елка петр', 50],
    ['еж', 50],
  ]);
});

test('a missing or empty query finds nobody without asking the store', async () => {
  const { users, calls } = recordingUsers();
  for (const query of [undefined, '', '\u0000']) assert.deepEqual(await users.search(query), []);
  assert.deepEqual(calls, []);
});

test('lone surrogates and NUL never reach the store', async () => {
  const { users, calls } = recordingUsers();
  await users.search('a\ud800b\u0000c');
  assert.deepEqual(calls, [['a\ufffdbc', 50]]);
});
