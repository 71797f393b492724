// One PostgreSQL connection for a tool, opened with the server's pool settings (ids as numbers).
import type pg from 'pg';
import { createPool } from '../store/postgres/pool.js';
import { displayUrl, ToolError } from './tool-error.js';

export interface PostgresConnection {
  readonly client: pg.PoolClient;
  close(): Promise<void>;
}

export async function connectPostgres(url: string): Promise<PostgresConnection> {
  const pool = createPool(url, 1);
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
