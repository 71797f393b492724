// Reading an e_chat_server (the Erlang original) database: its schema checked, its rows streamed
// through cursors of one read-only snapshot, timestamps turned into unix seconds in SQL.
import type { PoolClient } from 'pg';
import { connectPostgres, type PostgresConnection } from './postgres-client.js';
import { displayUrl, ToolError } from './tool-error.js';

const LEGACY_SCHEMA: Record<string, readonly string[]> = {
  users: ['id', 'login', 'password', 'created_at'],
  rooms: ['id', 'owner_id', 'created_at'],
  users_rooms: ['user_id', 'room_id'],
  messages: ['id', 'room_id', 'user_id', 'text', 'created_at'],
  sessions: ['id', 'uuid', 'user_id', 'created_at'],
};

export interface LegacyUser {
  readonly id: number;
  readonly login: string | null;
  readonly password: string | null;
  readonly created_at: number;
}

export interface LegacyRoom {
  readonly id: number;
  readonly created_at: number;
}

export interface LegacyMembership {
  readonly room_id: number;
  readonly user_id: number;
}

export interface LegacyMessage {
  readonly id: number;
  readonly room_id: number;
  readonly user_id: number;
  readonly text: string | null;
  readonly created_at: number;
  readonly previous_id: number;
  /** Its position among the room's importable messages: 1, 2, 3 … */
  readonly room_seq: number;
}

export interface UnimportableMessage {
  readonly id: number;
  readonly room_id: number | null;
  readonly user_id: number | null;
  readonly room_exists: boolean;
}

export interface LegacySession {
  readonly id: number;
  readonly uuid: string | null;
  readonly user_id: number | null;
  readonly created_at: number;
}

/** A legacy `timestamp` (server-local, no zone) read in the zone $1, as unix seconds. */
const seconds = (column: string) =>
  `coalesce(floor(extract(epoch FROM ${column} AT TIME ZONE $1::text)), 0)::bigint`;

/** A message can be imported when its author and its room exist. */
const IMPORTABLE_MESSAGE = `EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id)
  AND EXISTS (SELECT 1 FROM rooms r WHERE r.id = m.room_id)`;

/**
 * Each table's rows (those with an id), read in id order. A message carries the id of the
 * room's importable message before it, computed over the whole table in one pass, so a batch
 * needs nothing from the batches before it.
 */
const CURSORS = {
  users: `SELECT id, login, password, ${seconds('created_at')} AS created_at FROM users`,
  rooms: `SELECT id, ${seconds('created_at')} AS created_at FROM rooms`,
  messages: `SELECT id, room_id, user_id, text, ${seconds('created_at')} AS created_at,
                    coalesce(lag(id) OVER (PARTITION BY room_id ORDER BY id), 0) AS previous_id,
                    row_number() OVER (PARTITION BY room_id ORDER BY id) AS room_seq
               FROM messages m WHERE id IS NOT NULL AND ${IMPORTABLE_MESSAGE}`,
  unimportableMessages: `SELECT id, room_id, user_id,
                                EXISTS (SELECT 1 FROM rooms r WHERE r.id = m.room_id) AS room_exists
                           FROM messages m WHERE NOT (${IMPORTABLE_MESSAGE})`,
  sessions: `SELECT id, uuid::text AS uuid, user_id, ${seconds('created_at')} AS created_at FROM sessions`,
} as const;

type Cursor = keyof typeof CURSORS;
export type LegacyTable = Exclude<Cursor, 'unimportableMessages'>;

export class LegacySource {
  private cursorCount = 0;

  private constructor(
    private readonly connection: PostgresConnection,
    private readonly timezone: string,
  ) {}

  static async open(url: string, timezone: string): Promise<LegacySource> {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new ToolError(`${displayUrl(url)}: the source must be a postgres:// URL`, 2);
    }
    const connection = await connectPostgres(url);
    const source = new LegacySource(connection, timezone);
    try {
      await source.checkSchema(url);
      await source.checkTimezone();
      // One snapshot for the whole run: rows written meanwhile wait for the next run.
      await source.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return source;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  private get client(): PoolClient {
    return this.connection.client;
  }

  private async checkSchema(url: string): Promise<void> {
    const { rows } = await this.client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema()`,
    );
    const present = new Set(rows.map((row) => `${row.table_name}.${row.column_name}`));
    const missing = Object.entries(LEGACY_SCHEMA).flatMap(([table, columns]) =>
      columns.map((column) => `${table}.${column}`).filter((name) => !present.has(name)),
    );
    if (missing.length > 0) {
      throw new ToolError(
        `${displayUrl(url)} is not an e_chat_server database: no ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`,
      );
    }
  }

  private async checkTimezone(): Promise<void> {
    try {
      await this.client.query('SELECT now() AT TIME ZONE $1::text', [this.timezone]);
    } catch {
      throw new ToolError(`--timezone ${this.timezone}: not a time zone PostgreSQL knows`, 2);
    }
  }

  /** Rows with an id, and how many have none (those cannot be imported). */
  async count(table: LegacyTable): Promise<{ rows: number; withoutId: number }> {
    const { rows } = await this.client.query<{ rows: number; without_id: number }>(
      `SELECT count(id)::bigint AS rows, (count(*) - count(id))::bigint AS without_id FROM ${table}`,
    );
    const [row] = rows as [{ rows: number; without_id: number }];
    return { rows: row.rows, withoutId: row.without_id };
  }

  /** The table's rows in id order, `batchSize` at a time, through a server-side cursor. */
  async *pages<T>(table: Cursor, batchSize: number): AsyncGenerator<T[]> {
    this.cursorCount += 1;
    const cursor = `legacy_${table}_${this.cursorCount}`;
    await this.client.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT * FROM (${CURSORS[table]}) AS page WHERE id IS NOT NULL ORDER BY id`,
      // Only the cursors that read timestamps take the zone.
      CURSORS[table].includes('$1') ? [this.timezone] : [],
    );
    try {
      for (;;) {
        const { rows } = await this.client.query(`FETCH ${batchSize} FROM ${cursor}`);
        if (rows.length === 0) return;
        yield rows as T[];
      }
    } finally {
      await this.client.query(`CLOSE ${cursor}`);
    }
  }

  /** The distinct memberships of these rooms, by room then user. */
  async membersOf(roomIds: readonly number[]): Promise<LegacyMembership[]> {
    const { rows } = await this.client.query<LegacyMembership>(
      `SELECT DISTINCT room_id, user_id FROM users_rooms
        WHERE room_id = ANY($1::integer[]) AND user_id IS NOT NULL ORDER BY room_id, user_id`,
      [roomIds],
    );
    return rows;
  }

  /** How many membership rows repeat another one. */
  async duplicateMemberships(): Promise<number> {
    const { rows } = await this.client.query<{ duplicates: number }>(
      `SELECT (count(*) - count(DISTINCT (room_id, user_id)))::bigint AS duplicates FROM users_rooms`,
    );
    return (rows[0] as { duplicates: number }).duplicates;
  }

  /** Memberships naming a room that does not exist (never reached through a room), up to `limit`. */
  async membershipsWithoutRoom(limit: number): Promise<LegacyMembership[]> {
    const { rows } = await this.client.query<LegacyMembership>(
      `SELECT DISTINCT room_id, user_id FROM users_rooms m
        WHERE m.room_id IS NULL OR m.user_id IS NULL
           OR NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = m.room_id)
        ORDER BY room_id, user_id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
