// Applies the versioned migrations (migrations/postgres/NNN_name.sql) that a database lacks.
import type pg from 'pg';
import { readMigrations } from '../migrations.js';

/**
 * One transaction under an advisory lock private to this schema: nodes starting together wait
 * for the first one, then find its migrations recorded and apply nothing. DDL is transactional
 * in PostgreSQL, so a failed migration leaves no half-built schema behind.
 */
/** Waiting for another node's migrations, or migrating a large table, may take longer than a request may. */
const MIGRATION_TIMEOUT_MS = 10 * 60 * 1000;

type Run = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  // A lost connection fails the query under way; the client also emits 'error', which must
  // not end the process.
  const ignoreError = () => {};
  client.on('error', ignoreError);
  let failed = true;
  try {
    // pg reads a per-query query_timeout that its type definitions do not list.
    const timeout = { query_timeout: MIGRATION_TIMEOUT_MS } as Partial<pg.QueryConfig>;
    const run: Run = (text, values) => client.query({ ...timeout, text, values });
    await run('BEGIN');
    await run(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
    await applyPending(run);
    await run('COMMIT');
    failed = false;
  } finally {
    client.off('error', ignoreError);
    // A failed connection is dropped rather than reused, which also rolls its transaction back.
    client.release(failed);
  }
}

async function applyPending(run: Run): Promise<void> {
  await run(
    `SELECT pg_advisory_xact_lock(hashtext('e-chat-server migrations'), hashtext(current_schema()))`,
  );
  await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = await run('SELECT version FROM schema_migrations');
  const done = new Set(applied.rows.map((row) => row.version as number));
  for (const migration of readMigrations('postgres')) {
    if (done.has(migration.version)) continue;
    await run(migration.sql);
    await run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
  }
}
