// Chooses the storage adapter from DATABASE_URL.
import type { Config } from '../config.js';
import type { Store } from './store.js';

export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'databaseTimeoutMs'>,
): Promise<Store> {
  if (config.databaseUrl.startsWith('sqlite:')) {
    const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
    return openSqliteStore(config.databaseUrl);
  }
  const { openPostgresStore } = await import('./postgres/postgres-store.js');
  return openPostgresStore(config.databaseUrl, config.databasePoolSize, config.databaseTimeoutMs);
}
