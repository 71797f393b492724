// The connection pool to PostgreSQL, and the rule that turns a lost connection into `unavailable`.
import pg from 'pg';
import { UnavailableError } from '../../errors.js';

/**
 * SQLSTATE classes that mean "the database cannot serve now", not "this query is wrong":
 * 08 connection exception, 53 insufficient resources (e.g. too many connections),
 * 57 operator intervention (shutdown, pg_terminate_backend), 58 system error.
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);

/** int8 (ids, unix seconds, counts) as a JS number, for this pool only: ids stay far below 2^53. */
function int8AsNumber(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  return types;
}

/**
 * `timeoutMs` bounds each wait: for a connection, for a statement on the server, and for its
 * answer on the client (what fails a query when the network silently drops everything; the
 * timed-out connection is then discarded by the pool).
 */
export function createPool(url: string, size: number, timeoutMs: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    types: int8AsNumber(),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    keepAlive: true,
    // How the connections show in pg_stat_activity, unless the URL names another application.
    fallback_application_name: 'e-chat-server',
  });
  // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the pool,
  // which opens a new one when needed; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  return pool;
}

/**
 * The error a store call rejects with: `UnavailableError` when the database could not be
 * reached or the connection was lost; any other error (a bug, a broken constraint) unchanged.
 */
export function storeError(error: unknown): unknown {
  const unavailable =
    error instanceof pg.DatabaseError
      ? UNAVAILABLE_CLASSES.has(error.code?.slice(0, 2) ?? '')
      : // Network errors, connect timeouts, "Connection terminated", a pool already ended; a
        // TypeError is a bug in how a query was called, not an outage.
        error instanceof Error && !(error instanceof TypeError);
  if (!unavailable) return error;
  const translated = new UnavailableError();
  translated.cause = error;
  return translated;
}
