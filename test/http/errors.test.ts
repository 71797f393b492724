// Generic errors: 404, 405, 413, 429 and what Node's HTTP parser refuses — always JSON, never HTML.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { registerUser, request, uniqueLogin } from '../helpers/http.js';
import { parseRaw, rawExchange } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const credentials = () => ({ login: uniqueLogin(), password: 'pass:word1' });

for (const backend of backends()) {
  describe(`generic errors (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test('unknown paths are 404 not_found, whatever the method', async () => {
      const paths = [
        '/v1',
        '/v1/',
        '/v1/nope',
        '/v2/info',
        '/v1/info/extra',
        '/v1/rooms/1/other',
        '/V1/INFO',
        '/favicon.ico',
        '/web/index.html',
        '/screenshot.png',
        `/${'x'.repeat(2000)}`,
      ];
      for (const path of paths) {
        for (const method of ['GET', 'POST', 'DELETE']) {
          expectError(await request(server.url, method, path), 404, 'not_found');
        }
      }
    });

    test('a known path with another method is 405 method_not_allowed with Allow', async () => {
      const cases: Array<[string, string, string[]]> = [
        ['GET', '/v1/register', ['POST']],
        ['PUT', '/v1/login', ['POST']],
        ['GET', '/v1/logout', ['POST']],
        ['POST', '/v1/info', ['GET', 'HEAD']],
        ['DELETE', '/v1/rooms', ['GET', 'HEAD', 'POST']],
        ['PATCH', '/v1/rooms/1', ['GET', 'HEAD']],
        ['DELETE', '/v1/rooms/1/messages', ['GET', 'HEAD', 'POST']],
        ['GET', '/v1/rooms/1/read', ['POST']],
        ['POST', '/v1/users', ['GET', 'HEAD']],
        ['DELETE', '/v1/users/', ['GET', 'HEAD']],
        ['POST', '/healthz', ['GET', 'HEAD']],
        ['OPTIONS', '/v1/info', ['GET', 'HEAD']],
      ];
      for (const [method, path, allowed] of cases) {
        const reply = await request(server.url, method, path);
        expectError(reply, 405, 'method_not_allowed');
        const allow = (reply.headers.get('allow') ?? '').split(',').map((m) => m.trim());
        assert.deepEqual(allow.sort(), allowed, `${method} ${path}`);
      }
    });

    test('405 comes before authentication', async () => {
      expectError(await request(server.url, 'DELETE', '/v1/info'), 405, 'method_not_allowed');
    });

    test('a 10 MB body is 413 payload_too_large and the server carries on', async () => {
      const huge = JSON.stringify({ login: 'a', password: 'b'.repeat(10 * 1024 * 1024) });
      for (const path of ['/v1/register', '/v1/login']) {
        expectError(
          await request(server.url, 'POST', path, { raw: huge }),
          413,
          'payload_too_large',
        );
      }
      const user = await registerUser(server.url);
      const rooms = await request(server.url, 'POST', '/v1/rooms', {
        session: user.session,
        raw: JSON.stringify({ users: Array.from({ length: 2_000_000 }, () => ({ id: 1 })) }),
      });
      expectError(rooms, 413, 'payload_too_large');
      const ok = await request(server.url, 'POST', '/v1/register', { body: credentials() });
      assert.equal(ok.status, 200);
    });

    test('a body over the limit sent in chunks, without Content-Length, is 413 too', async () => {
      const chunk = 'x'.repeat(16 * 1024);
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      });
      const response = await fetch(`${server.url}/v1/register`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit);
      assert.equal(response.status, 413);
      assert.equal(response.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(await response.json(), { error: { code: 'payload_too_large' } });
    });

    test('strings of 100k characters in a query are refused with JSON, not HTML', async () => {
      const user = await registerUser(server.url);
      const reply = await request(server.url, 'GET', `/v1/users?q=${'a'.repeat(100_000)}`, {
        session: user.session,
      });
      expectError(reply, 431, 'headers_too_large');
      const header = await request(server.url, 'GET', '/v1/info', {
        session: user.session,
        headers: { 'x-padding': 'p'.repeat(100_000) },
      });
      expectError(header, 431, 'headers_too_large');
      assert.equal((await request(server.url, 'GET', '/healthz')).status, 200);
    });

    test('a URL that is not validly percent-encoded is 400 bad_request', async () => {
      const user = await registerUser(server.url);
      for (const path of ['/v1/rooms/%zz', '/v1/rooms/%E0%A4%A', '/v1/%']) {
        const reply = await request(server.url, 'GET', path, { session: user.session });
        expectError(reply, 400, 'bad_request');
      }
    });

    test('a request that is not HTTP gets a JSON 400', async () => {
      const reply = parseRaw(await rawExchange(server.url, 'HELLO THERE\r\n\r\n'));
      assert.equal(reply.status, 400);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.equal(reply.body.error.code, 'bad_request');
    });

    test('a bad URL whose request then breaks HTTP gets one response, not two', async () => {
      const bytes = 'GET /%zz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n';
      const text = await rawExchange(server.url, bytes);
      assert.equal(text.match(/HTTP\/1\.1 /g)?.length, 1, text);
      assert.equal(parseRaw(text).body.error.code, 'bad_request');
    });

    test('a web file whose ETag an If-Match does not name is a JSON 412; a Range gets it whole', async () => {
      const refused = await request(server.url, 'GET', '/', {
        headers: { 'if-match': '"nonsense"' },
      });
      expectError(refused, 412, 'precondition_failed');
      const etag = (await fetch(`${server.url}/`)).headers.get('etag') ?? '';
      const matched = await fetch(`${server.url}/`, { headers: { 'if-match': etag } });
      assert.equal(matched.status, 200);
      await matched.arrayBuffer();
      const ranged = await fetch(`${server.url}/`, { headers: { range: 'bytes=0-1' } });
      assert.equal(ranged.status, 200);
      assert.ok((await ranged.text()).length > 2);
    });

    test("the docs page's files answer JSON 412, 416 and 404 for what they cannot meet", async () => {
      const file = '/docs/static/swagger-ui.css';
      assert.equal(await fetch(`${server.url}${file}`).then((reply) => reply.status), 200);
      const refusals: [string, Record<string, string>, number, string][] = [
        [file, { 'if-match': '"nonsense"' }, 412, 'precondition_failed'],
        [file, { range: 'bytes=999999999-' }, 416, 'range_not_satisfiable'],
        ['/docs/static/%2e%2e/%2e%2e/package.json', {}, 404, 'not_found'],
      ];
      for (const [path, headers, status, code] of refusals) {
        expectError(await request(server.url, 'GET', path, { headers }), status, code);
      }
    });

    test('GET on a chat URL without upgrading is 426 upgrade_required', async () => {
      const user = await registerUser(server.url);
      const reply = await request(server.url, 'GET', '/v1/rooms/1/chat', { session: user.session });
      expectError(reply, 426, 'upgrade_required');
    });
  });
}

describe('a configured body limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ env: { BODY_LIMIT_BYTES: '1024' } });
  });
  after(() => server.close());

  test('a body of exactly BODY_LIMIT_BYTES passes; one byte more is 413', async () => {
    const body = (size: number) => {
      const login = uniqueLogin();
      const base = JSON.stringify({ login, password: '' });
      return JSON.stringify({ login, password: `${'p'.repeat(size - base.length - 1)}q` });
    };
    const exact = body(1024);
    assert.equal(Buffer.byteLength(exact), 1024);
    assert.equal((await request(server.url, 'POST', '/v1/register', { raw: exact })).status, 200);
    expectError(
      await request(server.url, 'POST', '/v1/register', { raw: body(1025) }),
      413,
      'payload_too_large',
    );
  });
});

describe('rate limits on register and login', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  after(() => server.close());

  test('past the limit: 429 too_many_requests with Retry-After; other routes unaffected', async () => {
    const first = credentials();
    for (let i = 0; i < 3; i++) {
      const body = i === 0 ? first : credentials();
      assert.equal((await request(server.url, 'POST', '/v1/register', { body })).status, 200);
    }
    const limited = await request(server.url, 'POST', '/v1/register', { body: credentials() });
    expectError(limited, 429, 'too_many_requests');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
    // Bad requests count too: hammering with garbage is limited like anything else.
    const garbage = await request(server.url, 'POST', '/v1/register', { raw: '{' });
    expectError(garbage, 429, 'too_many_requests');
    // One allowance for register and login together.
    expectError(
      await request(server.url, 'POST', '/v1/login', { body: first }),
      429,
      'too_many_requests',
    );
    assert.equal((await request(server.url, 'GET', '/healthz')).status, 200);
  });
});

describe('rate limits key on the client address', () => {
  const spoofed = (address: string) => ({
    body: credentials(),
    headers: { 'x-forwarded-for': address },
  });

  test('X-Forwarded-For is ignored unless TRUST_PROXY is set', async () => {
    const server = await startServer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '1' } });
    try {
      assert.equal(
        (await request(server.url, 'POST', '/v1/register', spoofed('10.0.0.1'))).status,
        200,
      );
      const other = await request(server.url, 'POST', '/v1/register', spoofed('10.0.0.2'));
      expectError(other, 429, 'too_many_requests');
    } finally {
      await server.close();
    }
  });

  test('behind a trusted proxy, each forwarded address has its own allowance', async () => {
    const server = await startServer({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'true' },
    });
    try {
      assert.equal(
        (await request(server.url, 'POST', '/v1/register', spoofed('10.0.0.1'))).status,
        200,
      );
      const again = await request(server.url, 'POST', '/v1/register', spoofed('10.0.0.1'));
      expectError(again, 429, 'too_many_requests');
      assert.equal(
        (await request(server.url, 'POST', '/v1/register', spoofed('10.0.0.2'))).status,
        200,
      );
    } finally {
      await server.close();
    }
  });
});
