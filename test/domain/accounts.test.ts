// Accounts on a real (in-memory SQLite) store with a clock the test moves: sessions and their expiry.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { Accounts } from '../../src/domain/accounts.js';
import { legacyLoginKey } from '../../src/domain/login.js';
import type { PasswordHasher } from '../../src/domain/password.js';
import type { Store } from '../../src/domain/ports/store.js';
import { AppError } from '../../src/errors.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const IDLE = 600;

/** Hashing is argon2's business; here a reversible stand-in keeps the test about sessions. */
const plainHasher: PasswordHasher = {
  hash: async (password) => `plain:${password}`,
  verify: async (hashed, password) => hashed === `plain:${password}`,
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error) => error instanceof AppError && error.code === code);
}

/** As the default SESSION_CACHE_SECONDS. */
const CACHE = 5;

describe('Accounts', () => {
  let now: number;
  let store: Store;
  let accounts: Accounts;
  beforeEach(() => {
    now = 1_700_000_000;
    store = openSqliteStore('sqlite::memory:');
    accounts = new Accounts(store, plainHasher, {
      sessionIdleSeconds: IDLE,
      sessionCacheSeconds: CACHE,
      clock: () => now,
    });
  });

  test('register stores a hash, not the password, and starts a session', async () => {
    const { sessionId, user } = await accounts.register('Вася', 'pass:word1');
    assert.equal(user.login, 'Вася');
    assert.deepEqual((await accounts.authenticate(sessionId)).user, user);
    const credentials = await store.findCredentials('вася');
    assert.equal(credentials?.passwordHash, 'plain:pass:word1');
  });

  test('the session key is a hash of the session id, never the id itself', async () => {
    const { sessionId } = await accounts.register('Вася', 'pass:word1');
    const session = await accounts.authenticate(sessionId);
    assert.notEqual(session.key, sessionId);
    assert.ok(!session.key.includes(sessionId));
    assert.equal(await store.findSession(sessionId, 0), undefined, 'the id itself is no key');
    assert.ok(await store.findSession(session.key, 0));
  });

  test('a session is valid up to the idle time after its last use, then unauthorized', async () => {
    const { sessionId } = await accounts.register('Вася', 'pass:word1');
    now += IDLE;
    await accounts.authenticate(sessionId);
    now += IDLE;
    await accounts.authenticate(sessionId);
    now += IDLE + 1;
    await rejectsWith(accounts.authenticate(sessionId), 'unauthorized');
  });

  test('expireIdleSessions deletes only the sessions idle for too long', async () => {
    const old = await accounts.register('old', 'pass:word1');
    now += IDLE / 2;
    const recent = await accounts.register('recent', 'pass:word1');
    now += IDLE / 2 + 1;
    assert.equal(await accounts.expireIdleSessions(), 1);
    await rejectsWith(accounts.authenticate(old.sessionId), 'unauthorized');
    await accounts.authenticate(recent.sessionId);
  });

  test('logout ends that session only', async () => {
    const first = await accounts.register('Вася', 'pass:word1');
    const second = await accounts.login('ВАСЯ', 'pass:word1');
    await accounts.logout(await accounts.authenticate(first.sessionId));
    await rejectsWith(accounts.authenticate(first.sessionId), 'unauthorized');
    assert.equal((await accounts.authenticate(second.sessionId)).user.login, 'Вася');
  });

  test('a session read once is trusted from the cache for its seconds, then read again', async () => {
    const { sessionId } = await accounts.register('Вася', 'pass:word1');
    let reads = 0;
    const findSession = store.findSession.bind(store);
    store.findSession = (...args) => {
      reads += 1;
      return findSession(...args);
    };
    await accounts.authenticate(sessionId);
    await accounts.authenticate(sessionId);
    assert.equal(reads, 1);
    now += CACHE;
    await accounts.authenticate(sessionId);
    assert.equal(reads, 2);
  });

  test('a session deleted in the store is refused within the cache seconds, however often used', async () => {
    const { sessionId } = await accounts.register('Вася', 'pass:word1');
    const session = await accounts.authenticate(sessionId);
    await store.deleteSession(session.key); // as another node's logout does while the bus is down
    for (let second = 1; second < CACHE; second++) {
      now += 1;
      await accounts.authenticate(sessionId);
    }
    now += 1;
    await rejectsWith(accounts.authenticate(sessionId), 'unauthorized');
  });

  test('stillLive reads the store, not the cache; use keeps the session alive', async () => {
    const { sessionId } = await accounts.register('Вася', 'pass:word1');
    const { key } = await accounts.authenticate(sessionId);
    now += IDLE - 1;
    assert.equal(await accounts.stillLive(key, true), true);
    now += IDLE - 1;
    assert.equal(await accounts.stillLive(key, false), true, 'the use above counted');
    now += 2;
    assert.equal(await accounts.stillLive(key, false), false, 'idle too long');

    const other = await accounts.register('Петя', 'pass:word1');
    const session = await accounts.authenticate(other.sessionId);
    await store.deleteSession(session.key);
    assert.equal(await accounts.stillLive(session.key, true), false, 'deleted, though cached');
    await rejectsWith(accounts.authenticate(other.sessionId), 'unauthorized');
  });

  test('an account registered before look-alikes folded keeps logging in under its old key', async () => {
    const login = 'ｔａｒｏ';
    await store.createUser(login, legacyLoginKey(login), 'plain:pass:word1', now);
    const { user } = await accounts.login(login, 'pass:word1');
    assert.equal(user.login, login);
    await rejectsWith(accounts.login('taro', 'pass:word1'), 'user_not_found');
  });

  test('logout, here or announced by another node, ends a cached session at once', async () => {
    const here = await accounts.register('Вася', 'pass:word1');
    const elsewhere = await accounts.login('Вася', 'pass:word1');
    const session = await accounts.authenticate(here.sessionId);
    await accounts.authenticate(elsewhere.sessionId);
    await accounts.logout(session);
    await rejectsWith(accounts.authenticate(here.sessionId), 'unauthorized');
    const other = await accounts.authenticate(elsewhere.sessionId);
    await store.deleteSession(other.key); // as the other node's logout does
    accounts.forgetSession(other.key); // as the bus announcement does
    await rejectsWith(accounts.authenticate(elsewhere.sessionId), 'unauthorized');
  });

  test('malformed session ids never reach the store', async () => {
    const closed = openSqliteStore('sqlite::memory:');
    await closed.close();
    const offline = new Accounts(closed, plainHasher, {
      sessionIdleSeconds: IDLE,
      sessionCacheSeconds: CACHE,
      clock: () => now,
    });
    for (const id of [undefined, '', 'short', 'x'.repeat(43).replace(/x$/, '!'), 'x'.repeat(44)]) {
      await rejectsWith(offline.authenticate(id), 'unauthorized');
    }
  });

  test('login errors: user_not_found, wrong_credentials', async () => {
    await accounts.register('Вася', 'pass:word1');
    await rejectsWith(accounts.login('Петя', 'pass:word1'), 'user_not_found');
    await rejectsWith(accounts.login('вася', 'pass:word2'), 'wrong_credentials');
  });
});
