// Versioned migration files (migrations/<engine>/NNN_name.sql), read in version order.
import { readdirSync, readFileSync } from 'node:fs';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Both src/ and dist/ sit one level below the package root, beside migrations/. */
const MIGRATIONS_ROOT = new URL('../../migrations/', import.meta.url);

export function readMigrations(engine: 'sqlite' | 'postgres'): Migration[] {
  const folder = new URL(`${engine}/`, MIGRATIONS_ROOT);
  return readdirSync(folder)
    .flatMap((file) => {
      const match = /^(\d+)_(\w+)\.sql$/.exec(file);
      if (!match) return [];
      const [, version, name] = match as unknown as [string, string, string];
      return [{ version: Number(version), name, sql: readFileSync(new URL(file, folder), 'utf8') }];
    })
    .sort((a, b) => a.version - b.version);
}
