// /healthz, /readyz and /metrics, for whoever runs the server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { registerUser, request } from '../helpers/http.js';
import { METRICS_AUTHORIZATION, startServer, type TestServer } from '../helpers/server.js';

for (const backend of backends()) {
  describe(`operations (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test('/healthz answers 200 without a session', async () => {
      const reply = await request(server.url, 'GET', '/healthz');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(reply.body, { status: 'ok' });
    });

    test('/readyz answers 200 when storage and bus are reachable', async () => {
      const reply = await request(server.url, 'GET', '/readyz');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { status: 'ready' });
    });

    test('/metrics is Prometheus text with requests by route and status', async () => {
      const user = await registerUser(server.url);
      await request(server.url, 'GET', '/v1/rooms/12345', { session: user.session });
      await request(server.url, 'GET', '/v1/rooms/67890', { session: user.session });
      await request(server.url, 'GET', '/no/such/path/1');
      await request(server.url, 'GET', '/no/such/path/2');
      const response = await fetch(`${server.url}/metrics`, { headers: METRICS_AUTHORIZATION });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await response.text();
      const line = (pattern: RegExp) => text.split('\n').find((row) => pattern.test(row));
      const count = (row: string | undefined) => Number(row?.split(' ').at(-1));
      assert.equal(
        count(
          line(
            /^http_request_duration_seconds_count\{.*method="POST".*route="\/v1\/register".*status="200"/,
          ),
        ),
        1,
      );
      assert.equal(
        count(
          line(
            /^http_request_duration_seconds_count\{.*method="GET".*route="\/v1\/rooms\/:id".*status="422"/,
          ),
        ),
        2,
        'one series per route pattern, not per URL',
      );
      assert.doesNotMatch(
        text,
        /"[^"]*(12345|67890|\/no\/such)[^"]*"/,
        'raw URLs never become labels',
      );
      assert.match(text, /^http_request_duration_seconds_bucket\{.*route="\/v1\/info"/m);
      for (const name of [
        'websocket_connections_open',
        'chat_messages_stored_total',
        'chat_deliveries_total',
        'chat_delivery_latency_seconds',
        'process_cpu_user_seconds_total',
      ]) {
        assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
      }
    });
  });
}

describe('/metrics access', () => {
  test('needs the bearer token of METRICS_TOKEN: none, another or a malformed one is 401', async () => {
    const server = await startServer();
    try {
      for (const authorization of [undefined, 'Bearer wrong-token', 'Basic eDp5', 'Bearer']) {
        const headers = authorization === undefined ? undefined : { authorization };
        const reply = await request(server.url, 'GET', '/metrics', { headers });
        expectError(reply, 401, 'unauthorized');
        assert.equal(reply.headers.get('www-authenticate'), 'Bearer');
      }
    } finally {
      await server.close();
    }
  });

  test('is refused to everyone when no token is configured: a fresh install is not open', async () => {
    const server = await startServer({ env: { METRICS_TOKEN: '' } });
    try {
      for (const headers of [undefined, METRICS_AUTHORIZATION, { authorization: 'Bearer ' }]) {
        expectError(await request(server.url, 'GET', '/metrics', { headers }), 401, 'unauthorized');
      }
    } finally {
      await server.close();
    }
  });
});
