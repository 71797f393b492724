// Bad input, generated: whatever a client sends gets 200 or a 4xx JSON error, never a 500, and a
// rejected request changes no row.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { holdUntilExit, openConnection } from '../../src/store/sqlite/connection.js';
import { type Backend, backends, type TestDatabase } from '../helpers/backends.js';
import { JSON_TYPE } from '../helpers/expect-error.js';
import { type Reply, registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const RUNS = 150;
const COUNTS = `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM sessions) AS sessions,
  (SELECT count(*) FROM rooms) AS rooms, (SELECT count(*) FROM room_members) AS members`;

interface RowCounts {
  users: number;
  sessions: number;
  rooms: number;
  members: number;
}

/** Reads the row counts straight from the server's database, beside the server. */
async function rowCounter(databaseUrl: string) {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = openConnection(databaseUrl.slice('sqlite:'.length), { readonly: true });
    const counts = holdUntilExit(db.prepare<[], RowCounts>(COUNTS));
    return {
      counts: async () => counts.get() as RowCounts,
      close: async () => db.close(),
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    counts: async () => {
      const row = (await client.query(COUNTS)).rows[0];
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as any;
    },
    close: () => client.end(),
  };
}

/** Any UTF-16 code unit: lone surrogates, NUL, controls, the lot. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const nastyText = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '_',
    '%_%',
    '\\',
    "' OR '1'='1",
    '"; DROP TABLE users; --',
    '\u0000',
    '\ud800',
    '\udfff',
    'Вася',
    'ВАСЯ ',
    'a'.repeat(65),
    'p'.repeat(1025),
    'x'.repeat(100_000),
  ),
);
const anyValue = fc.oneof(nastyText, fc.jsonValue({ maxDepth: 3 }));
const credentials = fc.record(
  { login: anyValue, password: fc.oneof(nastyText, anyValue) },
  { requiredKeys: [] },
);
/** A body to send: a value to encode as JSON, or raw text. */
type GeneratedBody = { json: unknown } | { raw: string };

const registerBody: fc.Arbitrary<GeneratedBody> = fc.oneof(
  credentials.map((body) => ({ json: body })),
  fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
  fc.string({ unit: anyCodeUnit, maxLength: 200 }).map((raw) => ({ raw })),
);
const memberId = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double(),
  fc.constantFrom(2 ** 53, -0, 1e300, '2', null, true, [], {}),
  anyValue,
);
const roomBody: fc.Arbitrary<GeneratedBody> = fc.oneof(
  fc
    .record({ users: fc.array(fc.record({ id: memberId, login: anyValue }, { requiredKeys: [] })) })
    .map((json) => ({ json })),
  fc.record({ users: anyValue }, { requiredKeys: [] }).map((json) => ({ json })),
  fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
  fc.string({ unit: anyCodeUnit, maxLength: 200 }).map((raw) => ({ raw })),
);

/** Percent-encodes UTF-16 as UTF-8 bytes, lone surrogates included (as WTF-8). */
function percentEncode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char)];
    encoded += bytes.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
  return encoded;
}

function assertClientAnswer(reply: Reply<any>, context: unknown): void {
  const where = JSON.stringify(context)?.slice(0, 300);
  assert.ok(reply.status === 200 || (reply.status >= 400 && reply.status < 500), where);
  assert.equal(reply.headers.get('content-type'), JSON_TYPE, where);
  if (reply.status !== 200) {
    assert.equal(typeof reply.body.error.code, 'string', where);
    assert.deepEqual(Object.keys(reply.body), ['error'], where);
  }
}

/** A backend whose one database the test can also read. */
function sharedBackend(backend: Backend, database: TestDatabase): Backend {
  return { name: backend.name, createDatabase: async () => database };
}

for (const backend of backends()) {
  describe(`bad input, generated (${backend.name})`, () => {
    let server: TestServer;
    let rows: Awaited<ReturnType<typeof rowCounter>>;
    let caller: TestUser;
    before(async () => {
      const database = await backend.createDatabase();
      server = await startServer({ backend: sharedBackend(backend, database) });
      rows = await rowCounter(database.env.DATABASE_URL as string);
      caller = await registerUser(server.url, 'fuzzer');
      for (let i = 0; i < 5; i++) await registerUser(server.url);
    });
    after(async () => {
      await rows.close();
      await server.close();
    });

    /** Sends a generated body; checks the answer's shape and returns it with the row counts. */
    async function sendCounted(path: string, body: GeneratedBody, session?: string) {
      const before = await rows.counts();
      const reply = await request(server.url, 'POST', path, {
        session,
        ...('raw' in body ? { raw: body.raw } : { body: body.json }),
      });
      assertClientAnswer(reply, body);
      return { reply, before, after: await rows.counts() };
    }

    test('register: 200 adds one user and one session; a refusal adds nothing', async () => {
      await fc.assert(
        fc.asyncProperty(registerBody, async (body) => {
          const { reply, before, after } = await sendCounted('/v1/register', body);
          const added = reply.status === 200 ? 1 : 0;
          const { users, sessions } = before;
          assert.deepEqual(after, { ...before, users: users + added, sessions: sessions + added });
        }),
        { numRuns: RUNS },
      );
    });

    test('login: 200 adds one session; a refusal adds nothing', async () => {
      await fc.assert(
        fc.asyncProperty(registerBody, async (body) => {
          const { reply, before, after } = await sendCounted('/v1/login', body);
          const added = reply.status === 200 ? 1 : 0;
          assert.deepEqual(after, { ...before, sessions: before.sessions + added });
        }),
        { numRuns: RUNS },
      );
    });

    test('create room: 200 answers a room of the caller; a refusal adds nothing', async () => {
      await fc.assert(
        fc.asyncProperty(roomBody, async (body) => {
          const { reply, before, after } = await sendCounted('/v1/rooms', body, caller.session);
          if (reply.status !== 200) {
            assert.deepEqual(after, before, JSON.stringify(body));
            return;
          }
          assert.ok(reply.body.users.some((user: { id: number }) => user.id === caller.id));
          assert.ok(after.rooms - before.rooms <= 1);
        }),
        { numRuns: RUNS },
      );
    });

    test('GET routes with generated ids and query values never fail with 5xx', async () => {
      const templates = [
        '/v1/users?q=$',
        '/v1/users/?q=a&limit=$',
        '/v1/rooms/$',
        '/v1/rooms/$/messages',
        '/v1/rooms/1/messages?before=$',
        '/v1/rooms/1/messages?after=$&limit=$',
      ];
      const value = fc.oneof(nastyText, fc.integer().map(String), fc.double().map(String));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...templates), value, async (template, text) => {
          const url = template.replaceAll('$', percentEncode(text).slice(0, 3000));
          const reply = await request(server.url, 'GET', url, { session: caller.session });
          assertClientAnswer(reply, url.slice(0, 300));
        }),
        { numRuns: RUNS },
      );
    });
  });
}
