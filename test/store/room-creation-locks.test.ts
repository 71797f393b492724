// Creating a room on PostgreSQL locks its creator's row, so one user's creations are counted one
// after another. That lock must not also block the key-share lock that adding that user to
// someone else's room takes: two racing creations of one member set would deadlock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Store } from '../../src/domain/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { backends, type TestDatabase } from '../helpers/backends.js';

const postgres = backends().find((backend) => backend.name === 'postgres');
const LIMITS = { maxCreated: 100, maxRecent: 100, recentSince: 0 };
const NOW = 1_700_000_000;

describe('room creation locks (postgres)', { skip: postgres ? false : 'no PostgreSQL' }, () => {
  let database: TestDatabase;
  let store: Store;
  let url: string;
  before(async () => {
    database = await (postgres as NonNullable<typeof postgres>).createDatabase();
    url = database.env.DATABASE_URL as string;
    store = await openStore({ databaseUrl: url, databasePoolSize: 2, databaseTimeoutMs: 10_000 });
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  test("a creation in flight does not hold up another user's room that has its creator in it", async () => {
    const ids: number[] = [];
    for (const login of ['anna', 'boris']) {
      const user = await store.createUser(login, login, 'hash', NOW);
      ids.push((user as { id: number }).id);
    }
    const [anna, boris] = ids as [number, number];
    const inFlight = new pg.Client(url);
    await inFlight.connect();
    try {
      // Boris is creating a room of his own, not committed yet: his user row is locked.
      await inFlight.query('BEGIN');
      await inFlight.query('SELECT create_room($1, $2::bigint[], $3, $4, $5, $6, $7)', [
        `solo:${boris}`,
        [boris],
        NOW,
        boris,
        LIMITS.maxCreated,
        LIMITS.maxRecent,
        LIMITS.recentSince,
      ]);
      // Anna's room with Boris in it must not wait for that transaction.
      const created = await Promise.race([
        store.findOrCreateRoom(`pair:${anna}:${boris}`, [anna, boris], anna, NOW, LIMITS),
        new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3000).unref()),
      ]);
      assert.notEqual(created, 'blocked', "Anna's creation waited for Boris's lock");
      assert.equal((created as { outcome: string }).outcome, 'created');
    } finally {
      await inFlight.query('ROLLBACK').catch(() => {});
      await inFlight.end();
    }
  });
});
