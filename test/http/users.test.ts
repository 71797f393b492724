// User search: /v1/users and /v1/users/, case-insensitive Unicode substring, ordering and limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** Registers these logins, a few at a time, and returns them by login. */
async function registerAll(base: string, logins: string[]): Promise<Map<string, TestUser>> {
  const users = new Map<string, TestUser>();
  for (let i = 0; i < logins.length; i += 20) {
    const batch = await Promise.all(logins.slice(i, i + 20).map((l) => registerUser(base, l)));
    for (const user of batch) users.set(user.login, user);
  }
  return users;
}

for (const backend of backends()) {
  describe(`user search (${backend.name})`, () => {
    let server: TestServer;
    let me: TestUser;
    before(async () => {
      server = await startServer({ backend });
      me = await registerUser(server.url, 'searcher');
    });
    after(() => server.close());

    const search = (query: string, path = '/v1/users') =>
      request(server.url, 'GET', `${path}${query}`, { session: me.session });
    const logins = async (query: string, path?: string) => {
      const reply = await search(query, path);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      return (reply.body as Array<{ login: string }>).map((user) => user.login);
    };

    test('both spellings answer [{id, login}] for a substring, case-insensitively', async () => {
      const users = await registerAll(server.url, ['Вася', 'Василий', 'Пётр']);
      for (const path of ['/v1/users', '/v1/users/']) {
        const reply = await search('?q=%D0%B2%D0%B0%D1%81', path);
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, [
          { id: users.get('Василий')?.id, login: 'Василий' },
          { id: users.get('Вася')?.id, login: 'Вася' },
        ]);
      }
      assert.deepEqual(await logins(`?q=${encodeURIComponent('ВАСЯ')}`), ['Вася']);
      assert.deepEqual(await logins(`?q=${encodeURIComponent('асИ')}`), ['Василий']);
      assert.deepEqual(await logins(`?q=${encodeURIComponent('ЁТ')}`), ['Пётр']);
    });

    test('е and ё (Е and Ё) find each other, for everyone; both logins can exist', async () => {
      const users = await registerAll(server.url, ['Фёдор', 'Федор', 'ЕЛЕНА', 'Алёна']);
      const query = (text: string) => logins(`?q=${encodeURIComponent(text)}`);
      for (const text of ['фёдор', 'ФЕДОР', 'Фе\u0308дор']) {
        assert.deepEqual(await query(text), ['Федор', 'Фёдор'], text);
      }
      assert.notEqual(users.get('Федор')?.id, users.get('Фёдор')?.id);
      assert.deepEqual(await query('ЁЛЕ'), ['ЕЛЕНА']);
      assert.deepEqual(await query('лен'), ['Алёна', 'ЕЛЕНА']);
    });

    test('exact match first, then prefixes, then the rest, each group by login', async () => {
      await registerAll(server.url, [
        'zorder',
        'zorderb',
        'zordera',
        'azorder',
        'bzorder',
        'ZORDERc',
      ]);
      assert.deepEqual(await logins('?q=ZOrder'), [
        'zorder',
        'ZORDERc',
        'zordera',
        'zorderb',
        'azorder',
        'bzorder',
      ]);
    });

    test('the exact match wins even when its case differs from the query', async () => {
      await registerAll(server.url, ['Kexact', 'kexactly', 'akexact']);
      assert.deepEqual(await logins('?q=KEXACT'), ['Kexact', 'kexactly', 'akexact']);
    });

    test('folding is Unicode-aware: ß matches ss, NFD queries match NFC logins', async () => {
      await registerAll(server.url, ['Straße', 'Josée']);
      assert.deepEqual(await logins('?q=STRASS'), ['Straße']);
      assert.deepEqual(await logins('?q=strasse'), ['Straße']);
      assert.deepEqual(await logins(`?q=${encodeURIComponent('JOSE\u0301E')}`), ['Josée']);
    });

    test('% and _ are literal characters, not patterns', async () => {
      await registerAll(server.url, ['pct%sign', 'under_score', 'pctXsign', 'underXscore']);
      assert.deepEqual(await logins('?q=%25'), ['pct%sign']);
      assert.deepEqual(await logins('?q=t%25s'), ['pct%sign']);
      assert.deepEqual(await logins('?q=r_s'), ['under_score']);
      assert.deepEqual(await logins('?q=_'), ['under_score']);
    });

    test('SQL-looking, backslash and quote queries are only text', async () => {
      await registerAll(server.url, ["o'brien", 'back\\slash']);
      assert.deepEqual(await logins(`?q=${encodeURIComponent("o'b")}`), ["o'brien"]);
      assert.deepEqual(await logins(`?q=${encodeURIComponent('\\')}`), ['back\\slash']);
      assert.deepEqual(await logins(`?q=${encodeURIComponent("' OR 1=1 --")}`), []);
      assert.deepEqual(await logins(`?q=${encodeURIComponent('*')}`), []);
    });

    test('missing or empty q finds nobody, never everybody', async () => {
      for (const query of ['', '?', '?q=', '?q', '?limit=10', '?other=1']) {
        assert.deepEqual(await logins(query), [], query);
        assert.deepEqual(await logins(query, '/v1/users/'), [], query);
      }
    });

    test('odd queries answer 200: spaces, control characters, lone surrogates, long text', async () => {
      for (const query of ['%20', '%00', '%0A', '%ED%A0%80', '%FF', 'a'.repeat(5000)]) {
        const reply = await search(`?q=${query}`);
        assert.equal(reply.status, 200, query);
        assert.ok(Array.isArray(reply.body));
      }
    });

    test('at most 50 by default; limit chooses 1 to 200', async () => {
      const many = Array.from({ length: 205 }, (_, i) => `many${String(i).padStart(3, '0')}`);
      await registerAll(server.url, many);
      assert.deepEqual(await logins('?q=many'), many.slice(0, 50));
      assert.deepEqual(await logins('?q=many&limit=1'), ['many000']);
      assert.deepEqual(await logins('?q=many&limit=120'), many.slice(0, 120));
      assert.deepEqual(await logins('?q=many&limit=200'), many.slice(0, 200));
      assert.deepEqual(await logins('?q=many&limit=200', '/v1/users/'), many.slice(0, 200));
    });

    test('a limit outside 1..200 or not a whole number is 422 invalid_json', async () => {
      for (const limit of [
        '0',
        '201',
        '-1',
        'abc',
        '1.5',
        '',
        '99999999999999999999',
        'Infinity',
        '-Infinity',
      ]) {
        const message = expectError(await search(`?q=a&limit=${limit}`), 422, 'invalid_json');
        assert.match(message ?? '', /limit/, limit);
      }
    });

    test('q given twice is 422 invalid_json', async () => {
      expectError(await search('?q=a&q=b'), 422, 'invalid_json');
    });

    test('401 without a valid session', async () => {
      for (const path of ['/v1/users?q=a', '/v1/users/?q=a']) {
        expectError(await request(server.url, 'GET', path), 401, 'unauthorized');
      }
    });
  });
}
