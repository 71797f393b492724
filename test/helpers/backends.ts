// The storage backends every integration suite runs against: SQLite always, PostgreSQL when
// the environment names one (CI does). Each test server gets a database of its own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { tempDir } from './temp-dir.js';

export interface TestDatabase {
  /** Environment that points a server at this database. */
  readonly env: Record<string, string>;
  drop(): Promise<void>;
}

export interface Backend {
  readonly name: string;
  createDatabase(): Promise<TestDatabase>;
}

export const sqlite: Backend = {
  name: 'sqlite',
  async createDatabase() {
    const dir = tempDir();
    return {
      env: { DATABASE_URL: `sqlite:${dir.path}/chat.db` },
      drop: async () => dir.cleanup(),
    };
  },
};

/** Runs one statement on a connection of its own, so no pool keeps a test process alive. */
export async function runOnce(url: string, sql: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL with `search_path` set to `schema` for every connection made from it. */
function urlInSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  const options = [parsed.searchParams.get('options'), `-c search_path=${schema}`];
  parsed.searchParams.set('options', options.filter(Boolean).join(' '));
  return parsed.toString();
}

let schemaCount = 0;

/** Each database is a fresh schema of the PostgreSQL named by DATABASE_URL, dropped afterwards. */
function postgres(url: string): Backend {
  return {
    name: 'postgres',
    async createDatabase() {
      schemaCount += 1;
      const schema = `chat_test_${process.pid}_${schemaCount}_${randomBytes(4).toString('hex')}`;
      await runOnce(url, `CREATE SCHEMA ${schema}`);
      return {
        env: { DATABASE_URL: urlInSchema(url, schema) },
        drop: () => runOnce(url, `DROP SCHEMA ${schema} CASCADE`),
      };
    },
  };
}

let skipReported = false;

/** Backends to run a suite against; a skipped one says why, once. */
export function backends(): Backend[] {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return [sqlite, postgres(url)];
  if (!skipReported) {
    skipReported = true;
    console.log('postgres suites skipped: DATABASE_URL is not a postgres:// URL');
  }
  return [sqlite];
}
