// An e_chat_server (Erlang original) database, built in a throw-away schema of the test
// PostgreSQL with the original's schema and awkward data: Cyrillic, quotes, SQL-looking text,
// case-twin logins, duplicate memberships, rooms sharing a member set, rows that cannot be
// imported.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestDatabase } from './backends.js';

export const LEGACY_SCHEMA_SQL = `
CREATE TABLE users (id serial PRIMARY KEY, login varchar(255) UNIQUE, password varchar(255),
                    created_at timestamp DEFAULT now());
CREATE TABLE rooms (id serial PRIMARY KEY, owner_id integer, created_at timestamp DEFAULT now());
CREATE TABLE users_rooms (user_id integer, room_id integer, created_at timestamp DEFAULT now());
CREATE TABLE messages (id serial PRIMARY KEY, room_id integer, user_id integer, text text,
                       state varchar DEFAULT 'new', created_at timestamp DEFAULT now());
CREATE TABLE sessions (id serial PRIMARY KEY, uuid uuid, user_id integer,
                       created_at timestamp DEFAULT now());
`;

export interface LegacyUser {
  readonly id: number;
  readonly login: string;
  readonly password: string;
}

/** The users, their plain passwords (the database holds only UPPERCASE MD5s). */
export const LEGACY_USERS: readonly LegacyUser[] = [
  { id: 1, login: 'Василий', password: 'пароль Василия' },
  { id: 2, login: 'Петр', password: 'short' },
  { id: 3, login: 'ВАСИЛИЙ', password: 'twin password' },
  { id: 4, login: `O'Brien "the quote"`, password: `it's "quoted"` },
  { id: 5, login: `Robert'); DROP TABLE users;--`, password: 'bobby tables' },
  { id: 6, login: ' spaced out ', password: 'password six' },
  { id: 8, login: 'василий_3', password: 'underscore three' },
];

/** What each imported login becomes: the case twin and the login outside our rules renamed. */
export const IMPORTED_LOGINS: Record<number, string> = {
  1: 'Василий',
  2: 'Петр',
  3: 'ВАСИЛИЙ_3',
  4: `O'Brien "the quote"`,
  5: `Robert'); DROP TABLE users;--`,
  6: 'spaced out',
  8: 'василий_3_8',
};

/** Members of each room (duplicates, a missing user and a missing room added below). */
export const LEGACY_ROOMS: Record<number, readonly number[]> = {
  1: [1, 2],
  2: [2, 1],
  3: [4, 5, 1],
  4: [1],
  5: [3, 8],
  6: [6],
};

export const LEGACY_MESSAGE_COUNT = 10_000;
/** Message ids have a gap, as deletions leave. */
export const LEGACY_LAST_MESSAGE_ID = LEGACY_MESSAGE_COUNT + 100;
export const LEGACY_SESSION_UUID = '5f0d6f4e-8b1a-4c1e-9a55-3c5e9b1f0a42';
const TEXTS = [
  'Привет, как дела?',
  `'; DELETE FROM messages; --`,
  'SELECT * FROM users WHERE login = "admin" OR 1=1',
  'Ёжик в тумане 🦔',
  `It's "quoted" \\ and backslashed`,
];

const DATA_SQL = `
INSERT INTO users (id, login, password, created_at)
  SELECT id, login, upper(md5(password)), timestamp '2015-08-05 22:18:45' + id * interval '1 hour'
    FROM json_to_recordset($1::json) AS u (id integer, login text, password text);
INSERT INTO users (id, login, password, created_at)
  VALUES (9, 'plain', 'not-an-md5', '2015-09-01 10:00:00');
INSERT INTO rooms (id, owner_id, created_at)
  SELECT key::integer, (value->>0)::integer, timestamp '2016-01-01 12:00:00' + key::integer * interval '1 day'
    FROM json_each($2::json);
INSERT INTO users_rooms (room_id, user_id)
  SELECT key::integer, member::integer FROM json_each($2::json), json_array_elements_text(value) AS member;
-- Duplicate memberships, a member that does not exist, a room that does not exist.
INSERT INTO users_rooms (room_id, user_id) VALUES (1, 1), (1, 1), (3, 4), (4, 999), (77, 1);
-- 10,000 messages, ids 1..5000 and 5101..10100, from members of their rooms.
INSERT INTO messages (id, room_id, user_id, text, created_at)
  SELECT CASE WHEN n <= 5000 THEN n ELSE n + 100 END, room,
         (members->>(n % json_array_length(members)))::integer,
         ($3::json->>(n % 5)) || ' #' || n,
         timestamp '2016-02-01 00:00:00' + n * interval '1 minute'
    FROM generate_series(1, ${LEGACY_MESSAGE_COUNT}) AS n,
         LATERAL (SELECT 1 + n % 6 AS room) AS r,
         LATERAL (SELECT $2::json->(room::text) AS members) AS m;
UPDATE messages SET text = NULL WHERE id = 7;
-- Messages that cannot be imported: their user, their room do not exist.
INSERT INTO messages (id, room_id, user_id, text) VALUES (20001, 1, 999, 'ghost'), (20002, 555, 1, 'nowhere');
INSERT INTO sessions (id, uuid, user_id) VALUES (1, $4::uuid, 1), (2, gen_random_uuid(), 999);
SELECT setval('users_id_seq', 9), setval('rooms_id_seq', 6), setval('messages_id_seq', 20002);
`;

async function onConnection(url: string, work: (client: pg.Client) => Promise<void>) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Same as backends.ts: every connection from this URL uses `schema`. */
function urlInSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** A legacy database filled with the data above, in a schema of its own. */
export async function createLegacyDatabase(url: string): Promise<TestDatabase & { url: string }> {
  const schema = `legacy_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const legacyUrl = urlInSchema(url, schema);
  await onConnection(url, (client) => client.query(`CREATE SCHEMA ${schema}`).then(() => {}));
  await onConnection(legacyUrl, async (client) => {
    await client.query(LEGACY_SCHEMA_SQL);
    // Several statements run only as a simple query, which takes no parameters: the values
    // go in as escaped literals.
    const values = [LEGACY_USERS, LEGACY_ROOMS, TEXTS].map((value) => JSON.stringify(value));
    const literals = [...values, LEGACY_SESSION_UUID].map((value) => client.escapeLiteral(value));
    await client.query(
      DATA_SQL.replace(/\$(\d)/g, (_, n: string) => literals[Number(n) - 1] as string),
    );
  });
  return {
    url: legacyUrl,
    env: { DATABASE_URL: legacyUrl },
    drop: () =>
      onConnection(url, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`).then(() => {})),
  };
}

/** Runs a query on the legacy database. */
export async function queryLegacy<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  let rows: T[] = [];
  await onConnection(url, async (client) => {
    rows = (await client.query<T>(sql, values)).rows;
  });
  return rows;
}
