// StoreDatabase on a SQLite file: prepared statements, each batch in one transaction.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { LatestMessage, StoreDatabase } from './store-database.js';
import type { Row, Table } from './tables.js';
import { ToolError } from './tool-error.js';

const columnList = (table: Table) => table.columns.map((column) => column.name).join(', ');

function keyAfter(table: Table): string {
  const marks = table.key.map(() => '?').join(', ');
  return `(${table.key.join(', ')}) > (${marks})`;
}

export function openSqliteDatabase(url: string, mustExist: boolean): StoreDatabase {
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') throw new ToolError('sqlite::memory: holds nothing to copy', 2);
  if (mustExist && !existsSync(path)) throw new ToolError(`${url}: no such file`);
  const db = new Database(path, { fileMustExist: mustExist });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return new SqliteDatabase(db);
}

class SqliteDatabase implements StoreDatabase {
  readonly engine = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();

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

  async previousMessageIds(roomIds: readonly number[], beforeId: number) {
    const rows = this.statement(
      `SELECT room.value AS room_id,
              (SELECT m.id FROM messages m WHERE m.room_id = room.value AND m.id < ?
                ORDER BY m.id DESC LIMIT 1) AS id
         FROM json_each(?) AS room`,
    ).all(beforeId, JSON.stringify(roomIds)) as { room_id: number; id: number | null }[];
    return new Map(rows.flatMap((row) => (row.id === null ? [] : [[row.room_id, row.id]])));
  }

  async advanceRooms(latest: readonly LatestMessage[]): Promise<void> {
    const advance = this.statement(
      `UPDATE rooms SET last_message_id = ?, last_activity_at = ?
        WHERE id = ? AND last_message_id < ?`,
    );
    for (const { roomId, id, createdAt } of latest) advance.run(id, createdAt, roomId, id);
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
