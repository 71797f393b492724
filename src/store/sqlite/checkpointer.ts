// WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
// that crosses its threshold, on the event loop: copying the WAL back and its fsyncs stall every
// socket for milliseconds, several times a second under load. A second connection on a worker
// thread checkpoints instead (PASSIVE: it never blocks the writer).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const CHECKPOINT_EVERY_MS = 250;
/** SQLite's own default, restored on the main connection if the worker stops by itself. */
const AUTOCHECKPOINT_PAGES = 1000;

// Evaluated as a CommonJS script in the worker, so it runs the same from src/ (tsx) and from
// dist/. Its top-level bindings live as long as the thread, so the connection is never collected,
// and pragmas go through exec(), which makes no statement object (see connection.ts).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.exec('PRAGMA busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // Another node sharing the file is checkpointing: its turn.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Checkpoints once more and closes the worker's connection. */
  stop(): Promise<void>;
}

export function startCheckpointer(db: Database.Database, filename: string): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      filename,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      everyMs: CHECKPOINT_EVERY_MS,
    },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  worker.once('exit', () => {
    if (!stopping && db.open) db.exec(`PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  });
  worker.on('error', () => undefined);
  db.exec('PRAGMA wal_autocheckpoint = 0');
  return {
    async stop() {
      stopping = true;
      // Held until its last checkpoint is done, even if nothing else keeps the process alive.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
