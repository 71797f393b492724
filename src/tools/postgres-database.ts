// StoreDatabase on PostgreSQL: one connection; a batch goes in as one statement over arrays.
import { connectPostgres, type PostgresConnection } from './postgres-client.js';
import type { StoreDatabase } from './store-database.js';
import type { ColumnType, Row, Table } from './tables.js';

const ARRAY_TYPES: Record<ColumnType, string> = { integer: 'bigint[]', text: 'text[]' };

const columnList = (table: Table) => table.columns.map((column) => column.name).join(', ');

/** The rows as one array per column: what `unnest` takes. */
function columnsOf(table: Table, rows: readonly Row[]): unknown[][] {
  return table.columns.map((_, index) => rows.map((row) => row[index]));
}

export async function openPostgresDatabase(url: string): Promise<StoreDatabase> {
  return new PostgresDatabase(await connectPostgres(url));
}

class PostgresDatabase implements StoreDatabase {
  readonly engine = 'postgres';

  constructor(private readonly connection: PostgresConnection) {}

  private async query<T = Record<string, unknown>>(text: string, values: unknown[] = []) {
    return (await this.connection.client.query(text, values)).rows as T[];
  }

  private async single<T>(text: string, values: unknown[] = []): Promise<T> {
    const result = await this.connection.client.query({ text, values, rowMode: 'array' });
    return (result.rows[0] as unknown[])[0] as T;
  }

  async tableNames(): Promise<string[]> {
    const rows = await this.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() ORDER BY table_name`,
    );
    return rows.map((row) => row.table_name);
  }

  async schemaVersions(): Promise<number[]> {
    const rows = await this.query<{ version: number }>('SELECT version FROM schema_migrations');
    return rows.map((row) => row.version);
  }

  count(table: Table): Promise<number> {
    return this.single<number>(`SELECT count(*)::bigint FROM ${table.name}`);
  }

  lastId(table: Table): Promise<number> {
    return this.single<number>(`SELECT coalesce(max(id), 0)::bigint FROM ${table.name}`);
  }

  async readPage(table: Table, after: Row | undefined, limit: number): Promise<Row[]> {
    const keys = table.key.join(', ');
    const marks = table.key.map((_, index) => `$${index + 2}`).join(', ');
    const where = after ? `WHERE (${keys}) > (${marks})` : '';
    const result = await this.connection.client.query({
      text: `SELECT ${columnList(table)} FROM ${table.name} ${where} ORDER BY ${keys} LIMIT $1`,
      values: [limit, ...(after ?? [])],
      rowMode: 'array',
    });
    return result.rows as Row[];
  }

  async insertRows(table: Table, rows: readonly Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    const arrays = table.columns.map(
      (column, index) => `$${index + 1}::${ARRAY_TYPES[column.type]}`,
    );
    const overriding = table.generatedId ? 'OVERRIDING SYSTEM VALUE' : '';
    const result = await this.connection.client.query(
      `INSERT INTO ${table.name} (${columnList(table)}) ${overriding}
       SELECT * FROM unnest(${arrays.join(', ')}) ON CONFLICT DO NOTHING`,
      columnsOf(table, rows),
    );
    return result.rowCount ?? 0;
  }

  async existing(table: Table, column: string, values: readonly (number | string)[]) {
    const rows = await this.connection.client.query({
      text: `SELECT ${column} FROM ${table.name} WHERE ${column} = ANY($1)`,
      values: [values],
      rowMode: 'array',
    });
    return new Set(rows.rows.map((row) => (row as [number | string])[0]));
  }

  async refreshRoomActivity(): Promise<void> {
    await this.query(
      `UPDATE rooms r SET last_message_id = latest.id, last_activity_at = latest.created_at,
                          message_count = latest.room_seq
         FROM (SELECT DISTINCT ON (room_id) room_id, id, created_at, room_seq FROM messages
                ORDER BY room_id, id DESC) AS latest
        WHERE latest.room_id = r.id AND r.last_message_id < latest.id`,
    );
    // As migration 002 did: a member has read up to their own last message.
    await this.query(
      `UPDATE room_members rm SET last_read_id = own.id
         FROM (SELECT room_id, user_id, max(id) AS id FROM messages GROUP BY room_id, user_id) AS own
        WHERE own.room_id = rm.room_id AND own.user_id = rm.user_id AND rm.last_read_id < own.id`,
    );
  }

  async moveSequences(tables: readonly Table[]): Promise<void> {
    for (const table of tables.filter((each) => each.generatedId)) {
      // Past the largest id, and never back below an id the sequence already gave out.
      await this.query(
        `WITH sequence AS (SELECT pg_get_serial_sequence($1, 'id')::regclass AS name),
              last AS (SELECT greatest((SELECT coalesce(max(id), 0) FROM ${table.name}),
                                       coalesce(pg_sequence_last_value(name), 0)) AS id
                         FROM sequence)
         SELECT setval(sequence.name, greatest(last.id, 1), last.id > 0) FROM sequence, last`,
        [table.name],
      );
    }
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.query('BEGIN');
    try {
      const result = await work();
      await this.query('COMMIT');
      return result;
    } catch (error) {
      await this.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
