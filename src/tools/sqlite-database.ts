// StoreDatabase on a SQLite file: prepared statements, each batch in one transaction.
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { holdUntilExit, openConnection } from '../store/sqlite/connection.js';
import type { StoreDatabase } from './store-database.js';
import type { Row, Table } from './tables.js';
import { ToolError } from './tool-error.js';

/** Page cache of a tool's connection (SQLite's default is 2 MiB). */
const CACHE_KIB = 64 * 1024;
/** The WAL is folded back into the file past this many pages (40 MiB; SQLite's default is 1000). */
const CHECKPOINT_PAGES = 10_000;

const columnList = (table: Table) => table.columns.map((column) => column.name).join(', ');

function keyAfter(table: Table): string {
  const marks = table.key.map(() => '?').join(', ');
  return `(${table.key.join(', ')}) > (${marks})`;
}

export function openSqliteDatabase(url: string, mustExist: boolean): StoreDatabase {
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') throw new ToolError('sqlite::memory: holds nothing to copy', 2);
  if (mustExist && !existsSync(path)) throw new ToolError(`${url}: no such file`);
  // Never collected (see connection.ts); pragmas through exec(), which makes no statement.
  const db = openConnection(path, { fileMustExist: mustExist });
  db.exec(`PRAGMA busy_timeout = 5000;
    PRAGMA foreign_keys = ON;
    -- As the server runs it: a commit survives a crash of the process (WAL is set in the file).
    PRAGMA synchronous = NORMAL;
    -- Bulk inserts touch index pages all over (messages by room): keep them in memory.
    PRAGMA cache_size = -${CACHE_KIB};
    -- Fewer, larger checkpoints: bulk batches dirty index pages all over the file.
    PRAGMA wal_autocheckpoint = ${CHECKPOINT_PAGES};`);
  return new SqliteDatabase(db);
}

class SqliteDatabase implements StoreDatabase {
  readonly engine = 'sqlite';
  /** Held until the thread exits, like every better-sqlite3 object (see connection.ts). */
  private readonly statements = holdUntilExit(new Map<string, Database.Statement>());

  constructor(private readonly db: Database.Database) {}

  /** Each statement is prepared once: the tools run the same few thousands of times. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  async tableNames(): Promise<string[]> {
    return this.statement(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
      .pluck()
      .all() as string[];
  }

  async schemaVersions(): Promise<number[]> {
    return this.statement('SELECT version FROM schema_migrations').pluck().all() as number[];
  }

  async count(table: Table): Promise<number> {
    return this.statement(`SELECT count(*) FROM ${table.name}`).pluck().get() as number;
  }

  async lastId(table: Table): Promise<number> {
    return this.statement(`SELECT coalesce(max(id), 0) FROM ${table.name}`).pluck().get() as number;
  }

  async readPage(table: Table, after: Row | undefined, limit: number): Promise<Row[]> {
    const where = after ? `WHERE ${keyAfter(table)}` : '';
    const sql = `SELECT ${columnList(table)} FROM ${table.name} ${where} ORDER BY ${table.key.join(', ')} LIMIT ?`;
    return this.statement(sql)
      .raw()
      .all(...(after ?? []), limit) as Row[];
  }

  async insertRows(table: Table, rows: readonly Row[]): Promise<number> {
    const marks = table.columns.map(() => '?').join(', ');
    const insert = this.statement(
      `INSERT INTO ${table.name} (${columnList(table)}) VALUES (${marks}) ON CONFLICT DO NOTHING`,
    );
    return this.db.transaction(() => {
      let inserted = 0;
      for (const row of rows) inserted += insert.run(...row).changes;
      return inserted;
    })();
  }

  async existing(table: Table, column: string, values: readonly (number | string)[]) {
    const found = this.statement(
      `SELECT ${column} FROM ${table.name} WHERE ${column} IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .all(JSON.stringify(values)) as (number | string)[];
    return new Set(found);
  }

  async refreshRoomActivity(): Promise<void> {
    this.statement(
      `UPDATE rooms SET (last_message_id, last_activity_at, message_count) =
         (SELECT m.id, m.created_at, m.room_seq FROM messages m WHERE m.room_id = rooms.id ORDER BY m.id DESC LIMIT 1)
        WHERE last_message_id < (SELECT max(m.id) FROM messages m WHERE m.room_id = rooms.id)`,
    ).run();
    // As migration 002 did: a member has read up to their own last message.
    this.statement(
      `UPDATE room_members SET last_read_id = (SELECT max(m.id) FROM messages m
         WHERE m.room_id = room_members.room_id AND m.user_id = room_members.user_id)
        WHERE last_read_id < (SELECT max(m.id) FROM messages m
         WHERE m.room_id = room_members.room_id AND m.user_id = room_members.user_id)`,
    ).run();
  }

  /** AUTOINCREMENT already records the largest id ever inserted, explicit ones included. */
  async moveSequences(): Promise<void> {}

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
