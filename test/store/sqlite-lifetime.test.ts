// SQLite stores opened, used and closed, then their garbage collected: the process carries on.
// On Node 24, better-sqlite3 12 aborts the whole process when a collection frees one of its
// objects (see src/store/sqlite/connection.ts); this file's process would die here if the
// adapter ever let a connection or statement become garbage again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp-dir.js';

const FILE_STORES = 3;
const MEMORY_STORES = 20;
const PINGS_PER_STORE = 200;
/** Enough short-lived objects for several young-generation collections. */
const GARBAGE_OBJECTS = 3_000_000;

async function useAndClose(databaseUrl: string): Promise<void> {
  const store: Store = await openStore({ databaseUrl, databasePoolSize: 1 });
  for (let ping = 0; ping < PINGS_PER_STORE; ping++) await store.ping();
  await store.history(1, { limit: 10 });
  await store.close();
}

/** Allocates and drops objects until the collector has run several times. */
function makeGarbage(): number {
  let kept: object[] = [];
  let total = 0;
  for (let index = 0; index < GARBAGE_OBJECTS; index++) {
    kept.push({ index });
    if (kept.length === 1_000) {
      total += kept.length;
      kept = [];
    }
  }
  return total + kept.length;
}

test('closed SQLite stores can be garbage-collected without taking the process down', async () => {
  const dir = tempDir();
  try {
    for (let index = 0; index < FILE_STORES; index++) {
      await useAndClose(`sqlite:${dir.path}/chat-${index}.db`);
    }
    for (let index = 0; index < MEMORY_STORES; index++) await useAndClose('sqlite::memory:');
    assert.equal(makeGarbage(), GARBAGE_OBJECTS);
    // A store opened after the collections still works.
    await useAndClose(`sqlite:${dir.path}/chat-after.db`);
  } finally {
    dir.cleanup();
  }
});
