// Nodes starting together on one new SQLite file: switching it to WAL finds another node writing
// to it, and SQLite answers "locked" at once instead of waiting. The node asks again.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { deadline } from '../helpers/deadline.js';
import { tempDir } from '../helpers/temp-dir.js';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');
const HELD_MS = 1000;

/** Another process writing to the file: it holds the write lock for HELD_MS. */
const WRITER = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.exec('CREATE TABLE another_node (x)');
db.exec('BEGIN IMMEDIATE');
db.exec('INSERT INTO another_node VALUES (1)');
process.stdout.write('holding\\n');
setTimeout(() => db.exec('COMMIT'), ${HELD_MS});
`;

test('a node opening a new file while another writes to it waits for it, then opens', async () => {
  const dir = tempDir();
  const file = join(dir.path, 'chat.db');
  const writer = spawn(process.execPath, ['-e', WRITER, DRIVER, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...deadline(20_000),
  });
  const exited = once(writer, 'close');
  try {
    await once(writer.stdout, 'data');
    // Threw "database is locked" at once before it asked again.
    const store = openSqliteStore(`sqlite:${file}`);
    await store.ping();
    await store.close();
  } finally {
    await exited;
    dir.cleanup();
  }
});
