// Direct access to one of our stores (SQLite or PostgreSQL) for the tools: rows in bulk, ids
// kept, below the domain's Store port.

import { readMigrations } from '../store/migrations.js';
import { openStore } from '../store/open-store.js';
import type { Row, Table } from './tables.js';
import { displayUrl, ToolError } from './tool-error.js';

export type Engine = 'sqlite' | 'postgres';

/** Creating or migrating a target schema may take this long. */
const MIGRATION_TIMEOUT_MS = 60_000;

export interface StoreDatabase {
  readonly engine: Engine;
  /** Names of the tables present; empty for a new database. */
  tableNames(): Promise<string[]>;
  schemaVersions(): Promise<number[]>;
  count(table: Table): Promise<number>;
  /** The largest id of a table with generated ids, 0 when empty. */
  lastId(table: Table): Promise<number>;
  /** Up to `limit` rows ordered by key, after the key `after` (from the start when undefined). */
  readPage(table: Table, after: Row | undefined, limit: number): Promise<Row[]>;
  /** Inserts the rows whose key (or unique column) is not taken yet; returns how many it stored. */
  insertRows(table: Table, rows: readonly Row[]): Promise<number>;
  /** Which of `values` a column holds already. */
  existing(
    table: Table,
    column: string,
    values: readonly (number | string)[],
  ): Promise<Set<unknown>>;
  /** Sets each room's latest message (and activity time) from its messages, where they are ahead. */
  refreshRoomActivity(): Promise<void>;
  /** Moves the id sequences past the largest ids stored. */
  moveSequences(tables: readonly Table[]): Promise<void>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function engineOf(url: string): Engine {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  throw new ToolError(`${displayUrl(url)}: not a store URL (sqlite:PATH or postgres://…)`, 2);
}

async function connect(url: string, mustExist: boolean): Promise<StoreDatabase> {
  if (engineOf(url) === 'sqlite') {
    const { openSqliteDatabase } = await import('./sqlite-database.js');
    return openSqliteDatabase(url, mustExist);
  }
  const { openPostgresDatabase } = await import('./postgres-database.js');
  return openPostgresDatabase(url);
}

function latestVersion(engine: Engine): number {
  return Math.max(...readMigrations(engine).map((migration) => migration.version));
}

/** Checks that the database holds our schema at this version's level. */
async function requireCurrentSchema(database: StoreDatabase, url: string): Promise<void> {
  const tables = await database.tableNames();
  if (!tables.includes('schema_migrations')) {
    throw new ToolError(`${displayUrl(url)} is not an e-chat-server database`);
  }
  const version = Math.max(0, ...(await database.schemaVersions()));
  const expected = latestVersion(database.engine);
  if (version !== expected) {
    throw new ToolError(
      `${displayUrl(url)} has schema version ${version}, this version of e-chat-server needs ${expected}: start the server on it once to migrate it`,
    );
  }
}

/** A store to read from: never created nor migrated. */
export async function openSourceStore(url: string): Promise<StoreDatabase> {
  const database = await connect(url, true);
  try {
    await requireCurrentSchema(database, url);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** A store to write to: created and migrated unless it holds tables that are not ours. */
export async function openTargetStore(url: string): Promise<StoreDatabase> {
  const probe = await connect(url, false);
  try {
    const tables = await probe.tableNames();
    if (tables.length > 0 && !tables.includes('schema_migrations')) {
      throw new ToolError(
        `${displayUrl(url)} already holds tables that are not an e-chat-server schema (${tables.slice(0, 5).join(', ')})`,
      );
    }
  } finally {
    await probe.close();
  }
  const store = await openStore({
    databaseUrl: url,
    databasePoolSize: 1,
    databaseTimeoutMs: MIGRATION_TIMEOUT_MS,
  });
  await store.close();
  return openSourceStore(url);
}
