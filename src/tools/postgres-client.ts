// One PostgreSQL connection for a tool, opened with the server's pool settings (ids as numbers).
import type pg from 'pg';
import { createPool } from '../store/postgres/pool.js';
import { displayUrl, ToolError } from './tool-error.js';

export interface PostgresConnection {
  readonly client: pg.PoolClient;
  close(): Promise<void>;
}

/** An unreachable database is reported after this long. */
const CONNECT_TIMEOUT_MS = 10_000;
/** One statement of a bulk run (a batch, a pass over a whole table) may take this long. */
const STATEMENT_TIMEOUT_MS = 30 * 60_000;

export async function connectPostgres(url: string): Promise<PostgresConnection> {
  const pool = createPool(url, 1, CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end();
    throw new ToolError(`cannot reach ${displayUrl(url)}: ${(error as Error).message}`);
  }
  // A connection lost mid-run fails the query under way; the event must not end the process.
  client.on('error', () => {});
  return {
    client,
    async close() {
      client.release();
      await pool.end();
    },
  };
}
