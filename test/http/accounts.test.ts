// Register, log in, log out and /v1/info, spoken over HTTP to a real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { createRoom, registerUser, request, uniqueLogin } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const PASSWORD = 'pass:word1';

for (const backend of backends()) {
  describe(`accounts (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    const post = (path: string, body: unknown, session?: string) =>
      request(server.url, 'POST', path, { body, session });
    const info = (session: string | undefined) =>
      request(server.url, 'GET', '/v1/info', { session });

    test('register answers 200 with a session id that logs the new user in', async () => {
      const login = uniqueLogin('Василий');
      const reply = await post('/v1/register', { login, password: PASSWORD });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(Object.keys(reply.body), ['session_id']);
      assert.equal(typeof reply.body.session_id, 'string');
      const me = await info(reply.body.session_id);
      assert.equal(me.status, 200);
      assert.equal(me.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(Object.keys(me.body).sort(), ['id', 'login']);
      assert.equal(me.body.login, login);
      assert.ok(Number.isSafeInteger(me.body.id) && me.body.id > 0);
    });

    test('login answers 200 (not 201) with a new session id', async () => {
      const user = await registerUser(server.url);
      const reply = await post('/v1/login', { login: user.login, password: PASSWORD });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), ['session_id']);
      assert.notEqual(reply.body.session_id, user.session);
      assert.deepEqual((await info(reply.body.session_id)).body, {
        id: user.id,
        login: user.login,
      });
    });

    test('session ids are unguessable: long, distinct, not derived from the login', async () => {
      const user = await registerUser(server.url);
      const ids = new Set<string>([user.session]);
      for (let i = 0; i < 5; i++) {
        const reply = await post('/v1/login', { login: user.login, password: PASSWORD });
        ids.add(reply.body.session_id);
      }
      assert.equal(ids.size, 6);
      for (const id of ids) {
        assert.ok(id.length >= 22, id);
        assert.ok(!id.includes(user.login));
      }
    });

    test('a user holds many sessions: logging in does not end the others', async () => {
      const user = await registerUser(server.url);
      const phone = await post('/v1/login', { login: user.login, password: PASSWORD });
      const laptop = await post('/v1/login', { login: user.login, password: PASSWORD });
      for (const session of [user.session, phone.body.session_id, laptop.body.session_id]) {
        assert.equal((await info(session)).status, 200);
      }
    });

    test('logout ends this session only and answers {}', async () => {
      const user = await registerUser(server.url);
      const other = await post('/v1/login', { login: user.login, password: PASSWORD });
      const reply = await post('/v1/logout', {}, user.session);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(reply.body, {});
      expectError(await info(user.session), 401, 'unauthorized');
      assert.equal((await info(other.body.session_id)).status, 200);
      expectError(await post('/v1/logout', {}, user.session), 401, 'unauthorized');
    });

    test('logout closes the WebSockets of this session with 4001, not those of others', async () => {
      const user = await registerUser(server.url);
      const friend = await registerUser(server.url);
      const roomId = await createRoom(server.url, user, [friend]);
      const laptop = await post('/v1/login', { login: user.login, password: PASSWORD });
      const [phoneSocket, laptopSocket, friendSocket] = await Promise.all([
        ChatClient.open(server.wsUrl, roomId, user.session),
        ChatClient.open(server.wsUrl, roomId, laptop.body.session_id),
        ChatClient.open(server.wsUrl, roomId, friend.session),
      ]);
      assert.equal((await post('/v1/logout', {}, user.session)).status, 200);
      assert.equal(await phoneSocket.closed, 4001);
      laptopSocket.send({ text: 'still here', client_id: 'after-logout' });
      assert.equal((await laptopSocket.next()).client_id, 'after-logout');
      assert.equal((await friendSocket.next()).text, 'still here');
      await Promise.all([laptopSocket.close(), friendSocket.close()]);
    });

    test('bad session ids are 401 unauthorized on every protected route', async () => {
      const user = await registerUser(server.url);
      await post('/v1/logout', {}, user.session);
      const wellFormedButUnknown = 'A'.repeat(43);
      const badSessions: Array<string | undefined> = [
        undefined,
        '',
        ' ',
        'not-a-session',
        wellFormedButUnknown,
        `${user.session}x`,
        user.session.slice(1),
        "' OR 1=1 --",
        'x'.repeat(10_000),
        user.session,
      ];
      const routes: Array<[string, string]> = [
        ['GET', '/v1/info'],
        ['POST', '/v1/logout'],
        ['GET', '/v1/users?q=a'],
        ['GET', '/v1/users/?q=a'],
        ['GET', '/v1/rooms'],
        ['POST', '/v1/rooms'],
        ['GET', '/v1/rooms/1'],
        ['GET', '/v1/rooms/1/messages'],
      ];
      for (const session of badSessions) {
        for (const [method, path] of routes) {
          const headers: Record<string, string> =
            session === undefined ? {} : { 'x-session-id': session };
          const body = method === 'POST' ? { users: [] } : undefined;
          const reply = await request(server.url, method, path, { headers, body });
          expectError(reply, 401, 'unauthorized');
        }
      }
    });

    test('a session id sent twice in the header is refused', async () => {
      const user = await registerUser(server.url);
      const headers = new Headers();
      headers.append('x-session-id', user.session);
      headers.append('x-session-id', user.session);
      const response = await fetch(`${server.url}/v1/info`, { headers });
      assert.equal(response.status, 401);
    });

    test('logins are unique case-insensitively and keep their registered case', async () => {
      const suffix = uniqueLogin('');
      const first = await post('/v1/register', { login: `Вася${suffix}`, password: PASSWORD });
      assert.equal(first.status, 200);
      const again = await post('/v1/register', { login: `вАСЯ${suffix}`, password: PASSWORD });
      expectError(again, 422, 'user_already_exists');
      const login = await post('/v1/login', { login: `ВАСЯ${suffix}`, password: PASSWORD });
      assert.equal(login.status, 200);
      assert.equal((await info(login.body.session_id)).body.login, `Вася${suffix}`);
    });

    test('logins are compared after NFC: a decomposed é is the composed é', async () => {
      const suffix = uniqueLogin('');
      const composed = `Jos\u00e9${suffix}`;
      const decomposed = `Jose\u0301${suffix}`;
      const registered = await post('/v1/register', { login: decomposed, password: PASSWORD });
      assert.equal(registered.status, 200);
      assert.equal((await info(registered.body.session_id)).body.login, composed);
      expectError(
        await post('/v1/register', { login: composed, password: PASSWORD }),
        422,
        'user_already_exists',
      );
      const login = await post('/v1/login', { login: composed, password: PASSWORD });
      assert.equal(login.status, 200);
    });

    test('ß and SS are one login (full case folding)', async () => {
      const suffix = uniqueLogin('');
      assert.equal(
        (await post('/v1/register', { login: `Straße${suffix}`, password: PASSWORD })).status,
        200,
      );
      const login = await post('/v1/login', { login: `STRASSE${suffix}`, password: PASSWORD });
      assert.equal(login.status, 200);
    });

    test('two racing registrations of Вася and вася give one user', async () => {
      const suffix = uniqueLogin('');
      const replies = await Promise.all([
        post('/v1/register', { login: `Вася${suffix}`, password: PASSWORD }),
        post('/v1/register', { login: `вася${suffix}`, password: PASSWORD }),
      ]);
      const statuses = replies.map((reply) => reply.status).sort();
      assert.deepEqual(statuses, [200, 422]);
      const loser = replies.find((reply) => reply.status === 422);
      expectError(loser as (typeof replies)[number], 422, 'user_already_exists');
    });

    test('ten racing registrations of one login in many cases give one user', async () => {
      const suffix = uniqueLogin('');
      const spellings = [
        'Петр',
        'петр',
        'ПЕТР',
        'пЕТР',
        'ПеТр',
        'пЕтР',
        'Петр',
        'петР',
        'пеТр',
        'ПЕтр',
      ];
      const replies = await Promise.all(
        spellings.map((name) => post('/v1/register', { login: name + suffix, password: PASSWORD })),
      );
      assert.equal(replies.filter((reply) => reply.status === 200).length, 1);
      for (const reply of replies.filter((r) => r.status !== 200)) {
        expectError(reply, 422, 'user_already_exists');
      }
    });

    test('login of an unknown user is user_not_found; a wrong password is wrong_credentials', async () => {
      expectError(
        await post('/v1/login', { login: uniqueLogin('nobody'), password: PASSWORD }),
        422,
        'user_not_found',
      );
      const user = await registerUser(server.url);
      expectError(
        await post('/v1/login', { login: user.login, password: 'pass:word2' }),
        422,
        'wrong_credentials',
      );
      expectError(
        await post('/v1/login', { login: user.login, password: 'PASS:WORD1' }),
        422,
        'wrong_credentials',
      );
    });

    test('passwords are compared exactly: no trimming, no NFC', async () => {
      const login = uniqueLogin();
      const password = ' Jose\u0301 secret ';
      assert.equal((await post('/v1/register', { login, password })).status, 200);
      assert.equal((await post('/v1/login', { login, password })).status, 200);
      for (const other of [password.trim(), password.normalize('NFC')]) {
        expectError(await post('/v1/login', { login, password: other }), 422, 'wrong_credentials');
      }
    });

    test('a common password is refused at registration, with a message; login still checks it', async () => {
      const login = uniqueLogin();
      for (const password of ['12345678', 'password', ' '.repeat(8)]) {
        const text = expectError(
          await post('/v1/register', { login, password }),
          422,
          'invalid_json',
        );
        assert.match(text ?? '', /common|guess/);
      }
      expectError(await post('/v1/login', { login, password: 'password' }), 422, 'user_not_found');
    });

    test('look-alike logins cannot register twice: fullwidth folds, invisible is refused', async () => {
      const login = uniqueLogin('vasya');
      assert.equal((await post('/v1/register', { login, password: PASSWORD })).status, 200);
      const fullwidth = [...login]
        .map((c) => (/[!-~]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
        .join('');
      const again = await post('/v1/register', { login: fullwidth, password: PASSWORD });
      expectError(again, 422, 'user_already_exists');
      const signedIn = await post('/v1/login', { login: fullwidth, password: PASSWORD });
      assert.equal(signedIn.status, 200, 'the fullwidth spelling logs in as the same user');
      const hidden = `${login.slice(0, 2)}\u200b${login.slice(2)}`;
      const text = expectError(
        await post('/v1/register', { login: hidden, password: PASSWORD }),
        422,
        'invalid_json',
      );
      assert.match(text ?? '', /invisible/);
    });

    test('extra fields in the body are ignored', async () => {
      const login = uniqueLogin();
      const reply = await post('/v1/register', { login, password: PASSWORD, admin: true, id: 1 });
      assert.equal(reply.status, 200);
    });

    describe('invalid_json, with a message saying which rule failed', () => {
      const cases: Array<[string, unknown, RegExp]> = [
        ['missing login', { password: PASSWORD }, /login/],
        ['missing password', { login: 'someone' }, /password/],
        ['empty object', {}, /login|password/],
        ['login not a string', { login: 42, password: PASSWORD }, /login/],
        ['login null', { login: null, password: PASSWORD }, /login/],
        ['login an array', { login: ['a'], password: PASSWORD }, /login/],
        ['password not a string', { login: 'someone', password: 12345678 }, /password/],
        ['password an object', { login: 'someone', password: {} }, /password/],
        ['body an array', [{ login: 'someone', password: PASSWORD }], /object/],
        ['body a string', 'someone', /object/],
        ['body a number', 42, /object/],
        ['body null', null, /object/],
        ['body true', true, /object/],
        ['login empty', { login: '', password: PASSWORD }, /login.*1 to 64/],
        ['login 65 characters', { login: 'л'.repeat(65), password: PASSWORD }, /login.*1 to 64/],
        ['login 60k characters', { login: 'a'.repeat(60_000), password: PASSWORD }, /login/],
        ['login with a newline', { login: 'a\nb', password: PASSWORD }, /control/],
        ['login with a tab', { login: 'a\tb', password: PASSWORD }, /control/],
        ['login with NUL', { login: 'a\u0000b', password: PASSWORD }, /control/],
        ['login with DEL', { login: 'a\u007fb', password: PASSWORD }, /control/],
        ['login with a C1 control', { login: 'a\u0085b', password: PASSWORD }, /control/],
        ['login with a leading space', { login: ' vasya', password: PASSWORD }, /spaces/],
        ['login with a trailing space', { login: 'vasya ', password: PASSWORD }, /spaces/],
        ['login only spaces', { login: '   ', password: PASSWORD }, /spaces/],
        [
          'login with a trailing no-break space',
          { login: 'vasya\u00a0', password: PASSWORD },
          /spaces/,
        ],
        ['login with a lone high surrogate', { login: 'a\ud800b', password: PASSWORD }, /Unicode/],
        ['login with a lone low surrogate', { login: '\udc00', password: PASSWORD }, /Unicode/],
        ['password 7 characters', { login: 'someone', password: 'x'.repeat(7) }, /password.*8/],
        ['password 1025 characters', { login: 'someone', password: 'x'.repeat(1025) }, /password/],
        ['password empty', { login: 'someone', password: '' }, /password/],
        [
          'password with a lone surrogate',
          { login: 'someone', password: 'abcdefgh\ud800' },
          /Unicode/,
        ],
      ];
      for (const [name, body, message] of cases) {
        test(`${name} → 422 invalid_json on register and login`, async () => {
          for (const path of ['/v1/register', '/v1/login']) {
            const text = expectError(await post(path, body), 422, 'invalid_json');
            assert.match(text ?? '', message, `${path}: ${text}`);
          }
        });
      }

      test('boundary lengths count characters: login 1 and 64, password 8 and 1024', async () => {
        const accepted = [
          { login: '𝔘', password: '😀😁😂🤣😃😄😅😆' },
          { login: '😀'.repeat(64), password: 'яж'.repeat(512) },
          { login: 'ж'.repeat(64), password: '😀😁'.repeat(512) },
        ];
        for (const body of accepted) {
          assert.equal((await post('/v1/register', body)).status, 200, body.login);
          assert.equal((await post('/v1/login', body)).status, 200, body.login);
        }
      });
    });
  });
}

describe('sessions expire after the idle time', () => {
  let now = 1_700_000_000;
  const idle = 3600;
  let server: TestServer;
  before(async () => {
    server = await startServer({ env: { SESSION_IDLE_SECONDS: String(idle) }, clock: () => now });
  });
  after(() => server.close());

  test('use keeps a session alive; idleness past the limit ends it with 401', async () => {
    const user = await registerUser(server.url);
    const info = () => request(server.url, 'GET', '/v1/info', { session: user.session });
    now += idle - 1;
    assert.equal((await info()).status, 200);
    now += idle - 1;
    assert.equal((await info()).status, 200, 'the previous use renewed the session');
    now += idle + 1;
    expectError(await info(), 401, 'unauthorized');
  });

  test('after expiry the user logs in again', async () => {
    const user = await registerUser(server.url);
    now += idle + 1;
    expectError(
      await request(server.url, 'GET', '/v1/info', { session: user.session }),
      401,
      'unauthorized',
    );
    const fresh = await request(server.url, 'POST', '/v1/login', {
      body: { login: user.login, password: PASSWORD },
    });
    assert.equal(fresh.status, 200);
  });
});
