// Bad input, generated, on every HTTP route: bodies, query strings, path ids and headers of every
// kind. Every answer is one SPEC gives that route, never a 5xx; the server keeps answering and logs
// nothing at error level; a refused request changes no row, an accepted one only what it should.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { API_ROUTES, type ApiRoute, type RouteName } from '../helpers/api-routes.js';
import { backends } from '../helpers/backends.js';
import {
  anyValue,
  bodyOf,
  duplicatedKey,
  edgeNumber,
  edgeNumberText,
  extraHeaders,
  fuzzCasesRun,
  fuzzOptions,
  headerText,
  nastyText,
  percentEncode,
  urlValue,
} from '../helpers/fuzz.js';
import {
  assertAnswer,
  describeRequest,
  type FuzzTarget,
  type RawRequest,
  send,
  startFuzzTarget,
} from '../helpers/fuzz-target.js';
import {
  createRoom,
  registerUsers,
  request,
  sendMessage,
  TEST_PASSWORD,
  type TestUser,
} from '../helpers/http.js';
import { METRICS_AUTHORIZATION } from '../helpers/server.js';
import type { TableDigest } from '../helpers/table-digest.js';

const RUNS_PER_ROUTE = 100;

interface Fixtures {
  readonly target: FuzzTarget;
  readonly caller: TestUser;
  readonly others: readonly TestUser[];
  /** The caller's room, with messages. */
  readonly ownRoom: number;
  /** A room the caller is not in. */
  readonly strangersRoom: number;
}

/** Who the request says it is: the caller, a session made for this case, or no one real. */
type SessionChoice =
  | { kind: 'caller' }
  | { kind: 'fresh' }
  | { kind: 'header'; value: string | string[] }
  | { kind: 'none' };

const strangeSession: fc.Arbitrary<SessionChoice> = fc.oneof(
  fc.constant({ kind: 'none' } as const),
  headerText.map((value) => ({ kind: 'header', value }) as const),
  fc
    .constantFrom('', ' ', '00000000-0000-4000-8000-000000000000', 'a'.repeat(10_000))
    .map((value) => ({ kind: 'header', value }) as const),
);

function sessionChoice(usual: SessionChoice): fc.Arbitrary<SessionChoice> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(usual) },
    { weight: 2, arbitrary: strangeSession },
  );
}

/** Query strings with the route's own names, strangers, repeats and every kind of value. */
function queryOf(names: readonly string[]): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.constantFrom(...names, 'session_id', 'x', '', '__proto__'), urlValue);
  return fc
    .array(pair, { maxLength: 4 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
}

/** A generated request before its session is resolved. */
interface Draft {
  readonly path: string;
  readonly session: SessionChoice;
  readonly headers: Record<string, string | string[]>;
  readonly body: string | Buffer | undefined;
}

function roomIdText(f: Fixtures): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(String(f.ownRoom)) },
    { weight: 2, arbitrary: fc.constant(String(f.strangersRoom)) },
    { weight: 2, arbitrary: edgeNumberText.map(percentEncode) },
    { weight: 1, arbitrary: urlValue.filter((value) => value.length > 0) },
    { weight: 1, arbitrary: fc.constantFrom(`0${f.ownRoom}`, `${f.ownRoom}.0`, `${f.ownRoom}%20`) },
  );
}

function draft(
  f: Fixtures,
  routeDef: ApiRoute,
  parts: { body?: fc.Arbitrary<unknown>; query?: readonly string[]; session?: SessionChoice },
): fc.Arbitrary<Draft> {
  return fc.record({
    path: fc
      .tuple(
        routeDef.path.includes(':id') ? roomIdText(f) : fc.constant(''),
        queryOf(parts.query ?? []),
      )
      .map(([id, query]) => routeDef.path.replace(':id', id) + query),
    session: sessionChoice(parts.session ?? { kind: 'caller' }),
    headers: extraHeaders,
    body: parts.body ? bodyOf(parts.body) : fc.option(bodyOf(anyValue), { nil: undefined }),
  });
}

function knownIds(f: Fixtures): fc.Arbitrary<unknown> {
  return fc.constantFrom(f.caller.id, ...f.others.map((other) => other.id));
}

/** Credentials of every shape, and often enough ones that register or log in. */
const credentials = (f: Fixtures) => {
  const login = fc.oneof(
    fc.constantFrom(f.caller.login, f.caller.login.toUpperCase()),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((text) => `new ${text}`),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ login, password: fc.constant(TEST_PASSWORD) }) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          login: fc.oneof(anyValue, login),
          password: fc.oneof(anyValue, fc.constant(TEST_PASSWORD)),
        },
        { requiredKeys: [] },
      ),
    },
  );
};

const clientId = fc.oneof(anyValue, fc.constantFrom('c-1', 'c-2', 'x'.repeat(64), 'x'.repeat(65)));

/** The generated requests of each route. */
const DRAFTS: Record<RouteName, (f: Fixtures) => fc.Arbitrary<Draft>> = {
  register: (f) => draft(f, API_ROUTES.register, { body: credentials(f) }),
  login: (f) => draft(f, API_ROUTES.login, { body: credentials(f) }),
  logout: (f) => draft(f, API_ROUTES.logout, { session: { kind: 'fresh' } }),
  info: (f) => draft(f, API_ROUTES.info, {}),
  users: (f) => draft(f, API_ROUTES.users, { query: ['q', 'limit'] }),
  usersSlash: (f) => draft(f, API_ROUTES.usersSlash, { query: ['q', 'limit'] }),
  roomList: (f) => draft(f, API_ROUTES.roomList, { query: ['limit', 'cursor'] }),
  createRoom: (f) =>
    draft(f, API_ROUTES.createRoom, {
      body: fc.oneof(
        {
          weight: 2,
          arbitrary: fc.record({
            users: fc.array(
              fc.record({ id: knownIds(f), login: anyValue }, { requiredKeys: ['id'] }),
              {
                maxLength: 3,
              },
            ),
          }),
        },
        fc.record({
          users: fc.array(
            fc.record(
              { id: fc.oneof(knownIds(f), edgeNumber, anyValue), login: anyValue },
              { requiredKeys: [] },
            ),
            { maxLength: 5 },
          ),
        }),
        fc.record({ users: anyValue }, { requiredKeys: [] }),
        knownIds(f).map((id) => duplicatedKey('users', [{ id }], 'x')),
      ),
    }),
  room: (f) => draft(f, API_ROUTES.room, { query: ['after'] }),
  history: (f) => draft(f, API_ROUTES.history, { query: ['before', 'after', 'limit'] }),
  send: (f) =>
    draft(f, API_ROUTES.send, {
      body: fc.record(
        {
          text: fc.oneof(nastyText, anyValue),
          client_id: clientId,
          user_id: knownIds(f),
          room_id: fc.constant(f.strangersRoom),
          created_at: anyValue,
        },
        { requiredKeys: [] },
      ),
    }),
  read: (f) =>
    draft(f, API_ROUTES.read, {
      body: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            message_id: fc.oneof(
              { weight: 4, arbitrary: fc.integer({ min: 1, max: 9 }) },
              { weight: 1, arbitrary: edgeNumber },
            ),
          }),
        },
        fc.record({ message_id: anyValue }, { requiredKeys: [] }),
        fc.constant(duplicatedKey('message_id', 1, 'x')),
        fc.constantFrom(
          '{"message_id":9007199254740993}',
          '{"message_id":1e400}',
          '{"message_id":1.0}',
        ),
      ),
    }),
  chatOverHttp: (f) => draft(f, API_ROUTES.chatOverHttp, { query: ['session_id', 'after'] }),
  streamOverHttp: (f) => draft(f, API_ROUTES.streamOverHttp, { query: ['session_id'] }),
  healthz: (f) => draft(f, API_ROUTES.healthz, {}),
  readyz: (f) => draft(f, API_ROUTES.readyz, {}),
  openApi: (f) => draft(f, API_ROUTES.openApi, {}),
  asyncApi: (f) => draft(f, API_ROUTES.asyncApi, {}),
  docs: (f) => draft(f, API_ROUTES.docs, {}),
  metrics: (f) =>
    draft(f, API_ROUTES.metrics, {}).chain((drafted) =>
      fc
        .constantFrom(METRICS_AUTHORIZATION.authorization, 'Bearer wrong', 'Basic x', '')
        .map((authorization) => ({ ...drafted, headers: { ...drafted.headers, authorization } })),
    ),
};

const same = (before: TableDigest, after: TableDigest, where: string) =>
  assert.deepEqual(after, before, where);

/** Equal but for `moved`, which may change in any way the caller then checks. */
function sameExcept(
  before: TableDigest,
  after: TableDigest,
  moved: (keyof TableDigest)[],
  where: string,
) {
  const without = (digest: TableDigest) =>
    Object.fromEntries(
      Object.entries(digest).filter(([name]) => !moved.includes(name as keyof TableDigest)),
    );
  assert.deepEqual(without(after), without(before), where);
}

/** What a `200` of each route may change; the others change nothing. */
const ACCEPTED_CHANGES: Partial<Record<RouteName, typeof same>> = {
  register: (before, after, where) =>
    assert.deepEqual(
      after,
      { ...before, users: before.users + 1, sessions: before.sessions + 1 },
      where,
    ),
  login: (before, after, where) =>
    assert.deepEqual(after, { ...before, sessions: before.sessions + 1 }, where),
  logout: (before, after, where) =>
    assert.deepEqual(after, { ...before, sessions: before.sessions - 1 }, where),
  createRoom: (before, after, where) => {
    sameExcept(before, after, ['rooms', 'members', 'room_activity'], where);
    assert.ok(after.rooms - before.rooms <= 1 && after.members >= before.members, where);
  },
  send: (before, after, where) => {
    sameExcept(before, after, ['messages', 'room_activity', 'read_markers'], where);
    assert.ok(after.messages - before.messages <= 1, where);
  },
  read: (before, after, where) => {
    sameExcept(before, after, ['read_markers'], where);
    assert.ok(after.read_markers >= before.read_markers, where);
  },
};

/** The session a draft names, logging in first when it wants one of its own. */
async function sessionHeader(
  f: Fixtures,
  choice: SessionChoice,
): Promise<Record<string, string | string[]>> {
  if (choice.kind === 'none') return {};
  if (choice.kind === 'header') return { 'x-session-id': choice.value };
  if (choice.kind === 'caller') return { 'x-session-id': f.caller.session };
  const login = await request(f.target.url, 'POST', '/v1/login', {
    body: { login: f.caller.login, password: TEST_PASSWORD },
  });
  return { 'x-session-id': login.body.session_id };
}

/** Routes that answer a plain HTTP request with 426 whatever it carries. */
const NEVER_OK: readonly RouteName[] = ['chatOverHttp', 'streamOverHttp'];

async function runDraft(f: Fixtures, name: RouteName, drafted: Draft): Promise<number> {
  const routeDef = API_ROUTES[name];
  const headers = { ...drafted.headers, ...(await sessionHeader(f, drafted.session)) };
  const raw: RawRequest = {
    method: routeDef.method,
    path: drafted.path,
    headers,
    body: drafted.body,
  };
  const where = describeRequest(raw);
  const before = await f.target.digest();
  const reply = await send(f.target.url, raw);
  assertAnswer(reply, routeDef.answers, where);
  const after = await f.target.digest();
  const accepted = reply.status === 200 ? ACCEPTED_CHANGES[name] : undefined;
  (accepted ?? same)(before, after, `rows changed: ${where}`);
  await f.target.assertStillWell(where);
  return reply.status;
}

for (const backend of backends()) {
  describe(`bad input on every HTTP route (${backend.name})`, () => {
    let f: Fixtures;
    before(async () => {
      const target = await startFuzzTarget(backend);
      const [caller, bob, carol] = await registerUsers(target.url, 3);
      const ownRoom = await createRoom(target.url, caller, [bob]);
      const strangersRoom = await createRoom(target.url, bob, [carol]);
      for (const text of ['один', 'два', 'три']) await sendMessage(target.url, bob, ownRoom, text);
      f = { target, caller, others: [bob, carol], ownRoom, strangersRoom };
    });
    after(async () => {
      console.log(
        `http fuzz (${backend.name}): ${fuzzCasesRun()} generated cases so far in this file`,
      );
      await f.target.close();
    });

    test('the routes fuzzed here are every route the OpenAPI document lists', async () => {
      const doc = await request(f.target.url, 'GET', '/v1/openapi.json');
      const listed = Object.entries(doc.body.paths as Record<string, object>).flatMap(
        ([path, operations]) =>
          Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const fuzzed = Object.values(API_ROUTES).map(
        (known) => `${known.method} ${known.path.replace(':id', '{id}')}`,
      );
      assert.deepEqual(
        listed.filter((route) => !fuzzed.includes(route)),
        [],
      );
    });

    for (const name of Object.keys(DRAFTS) as RouteName[]) {
      const { method, path } = API_ROUTES[name];
      test(`${method} ${path}: only SPEC's answers, rows changed only by a 200`, async () => {
        let accepted = 0;
        await fc.assert(
          fc.asyncProperty(DRAFTS[name](f), async (drafted) => {
            if ((await runDraft(f, name, drafted)) === 200) accepted += 1;
          }),
          fuzzOptions(RUNS_PER_ROUTE),
        );
        if (!NEVER_OK.includes(name)) assert.ok(accepted > 0, 'no generated request was accepted');
      });
    }
  });
}
