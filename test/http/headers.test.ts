// Headers every API response carries, and the web client's pages keeping their own policy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { registerUser, request } from '../helpers/http.js';
import { parseRaw, rawExchange } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function assertApiHeaders(headers: Headers, what: string): void {
  for (const [name, value] of Object.entries(API_HEADERS)) {
    assert.equal(headers.get(name), value, `${name} of ${what}`);
  }
}

for (const backend of backends()) {
  describe(`response headers (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test('API answers, errors included, are not sniffed, cached, framed or referred', async () => {
      const user = await registerUser(server.url);
      const answers = [
        ['POST', '/v1/login', { body: { login: user.login, password: 'pass:word1' } }],
        ['GET', '/v1/info', { session: user.session }],
        ['GET', '/v1/rooms', { session: user.session }],
        ['GET', '/v1/info', {}],
        ['GET', '/no/such/path', {}],
        ['DELETE', '/v1/info', {}],
        ['GET', '/healthz', {}],
      ] as const;
      for (const [method, path, options] of answers) {
        const reply = await request(server.url, method, path, options);
        assertApiHeaders(reply.headers, `${method} ${path} (${reply.status})`);
      }
    });

    test('a refused upgrade carries them too', async () => {
      const bytes =
        'GET /v1/rooms/1/chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
      assertApiHeaders(parseRaw(await rawExchange(server.url, bytes)).headers, 'a refused upgrade');
    });

    test("the web client's files keep their own policy and may be cached", async () => {
      for (const path of ['/', '/web/src/main.js']) {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        assert.match(response.headers.get('content-security-policy') ?? '', /^default-src 'self'/);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
        assert.notEqual(response.headers.get('cache-control'), 'no-store');
      }
    });
  });
}
