// A cheap fingerprint of every table, read straight from a server's database on one held
// connection: enough to tell, request by request, whether anything was added, removed or moved.
import pg from 'pg';
import { holdUntilExit, openConnection } from '../../src/store/sqlite/connection.js';

/**
 * Row counts and the sums of every column a request may move. Sessions' `last_seen_at` is left
 * out: using a session, even in a refused request, legitimately keeps it alive.
 */
const DIGEST = `SELECT
  (SELECT count(*) FROM users) AS users,
  (SELECT count(*) FROM sessions) AS sessions,
  (SELECT count(*) FROM rooms) AS rooms,
  (SELECT coalesce(sum(last_message_id + message_count + last_activity_at), 0) FROM rooms)
    AS room_activity,
  (SELECT count(*) FROM room_members) AS members,
  (SELECT coalesce(sum(last_read_id), 0) FROM room_members) AS read_markers,
  (SELECT count(*) FROM messages) AS messages`;

export interface TableDigest {
  readonly users: number;
  readonly sessions: number;
  readonly rooms: number;
  readonly room_activity: number;
  readonly members: number;
  readonly read_markers: number;
  readonly messages: number;
}

export interface TableDigester {
  digest(): Promise<TableDigest>;
  close(): Promise<void>;
}

/** PostgreSQL's counts arrive as text (bigint), SQLite's as numbers. */
function numbers(row: Record<string, unknown>): TableDigest {
  const entries = Object.entries(row).map(([name, value]) => [name, Number(value)]);
  return Object.fromEntries(entries) as unknown as TableDigest;
}

export async function tableDigester(databaseUrl: string): Promise<TableDigester> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = openConnection(databaseUrl.slice('sqlite:'.length), { readonly: true });
    const statement = holdUntilExit(db.prepare<[], Record<string, unknown>>(DIGEST));
    return {
      digest: async () => numbers(statement.get() as Record<string, unknown>),
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    digest: async () => numbers((await client.query(DIGEST)).rows[0]),
    close: () => client.end(),
  };
}
