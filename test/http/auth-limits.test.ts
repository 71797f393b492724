// Register and login limits: one allowance per address for both, a back-off per account that a
// known device passes, cross-site posts refused before they count, and all of it across nodes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError } from '../helpers/expect-error.js';
import { request, uniqueLogin } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'pass:word1';
const from = (address: string) => ({ 'x-forwarded-for': address });

function post(
  server: TestServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return request(server.url, 'POST', path, { body, headers });
}

async function register(server: TestServer, address: string) {
  const login = uniqueLogin('victim');
  const reply = await post(server, '/v1/register', { login, password: PASSWORD }, from(address));
  assert.equal(reply.status, 200);
  return { login, session: reply.body.session_id as string };
}

function retryAfter(reply: { headers: Headers }): number {
  const seconds = Number(reply.headers.get('retry-after'));
  assert.ok(Number.isInteger(seconds) && seconds >= 1, `Retry-After: ${seconds}`);
  return seconds;
}

for (const backend of backends()) {
  describe(`register and login share one allowance per address (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
    });
    after(() => server.close());

    test('two registrations and a login use it up, for either route', async () => {
      const { login } = await register(server, '127.0.0.1');
      await register(server, '127.0.0.1');
      const loggedIn = await post(server, '/v1/login', { login, password: PASSWORD });
      assert.equal(loggedIn.status, 200);
      for (const path of ['/v1/login', '/v1/register']) {
        const limited = await post(server, path, { login, password: PASSWORD });
        expectError(limited, 429, 'too_many_requests');
        assert.ok(retryAfter(limited) <= 60);
      }
    });
  });

  describe(`cross-site posts (${backend.name})`, () => {
    const listed = 'https://chat.example';
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: { AUTH_RATE_LIMIT_PER_MINUTE: '4', ALLOWED_ORIGINS: listed },
      });
    });
    after(() => server.close());

    test('are refused with 403 before they count: the address keeps its allowance', async () => {
      const body = JSON.stringify({ login: 'anyone', password: 'whatever-123' });
      const forged: Record<string, string>[] = [
        { origin: 'https://evil.example', 'content-type': 'text/plain' },
        { origin: 'null', 'content-type': 'text/plain' },
        { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
        { 'sec-fetch-site': 'same-site', 'content-type': 'application/x-www-form-urlencoded' },
      ];
      for (let round = 0; round < 10; round++) {
        for (const headers of forged) {
          for (const path of ['/v1/login', '/v1/register']) {
            const reply = await request(server.url, 'POST', path, { raw: body, headers });
            expectError(reply, 403, 'forbidden_origin');
          }
        }
      }
      // curl -d, the server's own pages, a listed origin: all still served.
      const own = new URL(server.url).origin;
      const { login } = await register(server, '127.0.0.1');
      const allowed: Record<string, string>[] = [
        {},
        { origin: own, 'sec-fetch-site': 'same-origin' },
        { origin: listed },
      ];
      for (const headers of allowed) {
        const reply = await post(server, '/v1/login', { login, password: PASSWORD }, headers);
        assert.equal(reply.status, 200, JSON.stringify(headers));
      }
    });
  });

  describe(`a per-account back-off (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: {
          TRUST_PROXY: 'true',
          LOGIN_FAILURES_PER_ACCOUNT: '3',
          LOGIN_LOCK_MAX_SECONDS: '600',
        },
      });
    });
    after(() => server.close());

    test('guesses from many addresses lock the account; its known devices still log in', async () => {
      const victim = await register(server, '192.0.2.10');
      const guess = (address: string, password = 'not-the-password') =>
        post(server, '/v1/login', { login: victim.login, password }, from(address));
      for (let attempt = 1; attempt <= 4; attempt++) {
        expectError(await guess(`198.51.100.${attempt}`), 422, 'wrong_credentials');
      }
      // Locked now: a new address is refused whatever the password, without it being checked.
      for (const password of ['not-the-password', PASSWORD]) {
        const locked = await guess('198.51.100.50', password);
        expectError(locked, 429, 'too_many_requests');
        retryAfter(locked);
      }
      const spelled = await post(
        server,
        '/v1/login',
        { login: victim.login.toUpperCase(), password: PASSWORD },
        from('203.0.113.7'),
      );
      expectError(spelled, 429, 'too_many_requests');
      // The address it registered from, and a device holding one of its sessions, get through.
      assert.equal((await guess('192.0.2.10', PASSWORD)).status, 200);
      const withSession = await post(
        server,
        '/v1/login',
        { login: victim.login, password: PASSWORD },
        { ...from('203.0.113.8'), 'x-session-id': victim.session },
      );
      assert.equal(withSession.status, 200);
      // Another user's session is no pass.
      const other = await register(server, '203.0.113.9');
      const borrowed = await post(
        server,
        '/v1/login',
        { login: victim.login, password: PASSWORD },
        { ...from('203.0.113.9'), 'x-session-id': other.session },
      );
      expectError(borrowed, 429, 'too_many_requests');
    });

    test('each failure past the free ones doubles the lock', async () => {
      const victim = await register(server, '192.0.2.20');
      const locks: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const reply = await post(
          server,
          '/v1/login',
          { login: victim.login, password: 'wrong-wrong' },
          from('192.0.2.20'), // a known address: refused guesses still count, lock or not
        );
        expectError(reply, 422, 'wrong_credentials');
      }
      for (let attempt = 4; attempt <= 6; attempt++) {
        await post(
          server,
          '/v1/login',
          { login: victim.login, password: 'wrong-wrong' },
          from('192.0.2.20'),
        );
        const locked = await post(
          server,
          '/v1/login',
          { login: victim.login, password: 'wrong-wrong' },
          from('198.51.100.99'),
        );
        expectError(locked, 429, 'too_many_requests');
        locks.push(retryAfter(locked));
      }
      assert.deepEqual(locks, [15, 30, 60]);
    });
  });
}

const redisUrl = process.env.REDIS_URL;

describe('limits shared by the nodes of one Redis', {
  skip: !redisUrl && 'REDIS_URL is not set',
}, () => {
  const nodes: TestServer[] = [];
  before(async () => {
    const prefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const env = {
      REDIS_URL: redisUrl as string,
      REDIS_CHANNEL_PREFIX: prefix,
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
    };
    // Two nodes on one SQLite file is not the point here: each has its own store.
    nodes.push(await startServer({ env }), await startServer({ env }));
  });
  after(async () => {
    for (const node of nodes) await node.close();
  });

  test('the address allowance counts requests to every node', async () => {
    const [first, second] = nodes as [TestServer, TestServer];
    await register(first, '127.0.0.1');
    await register(second, '127.0.0.1');
    await register(first, '127.0.0.1');
    const body = { login: uniqueLogin(), password: PASSWORD };
    expectError(await post(second, '/v1/register', body), 429, 'too_many_requests');
    expectError(await post(first, '/v1/login', body), 429, 'too_many_requests');
  });
});
