// Requests that arrive too slowly (slowloris) are answered 408 and closed after the configured
// time, not held for Node's default minute.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { metric } from '../helpers/observe.js';
import { parseRaw } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const HEADERS_SECONDS = 1;
const REQUEST_SECONDS = 2;
/** Far below Node's own 60 s headers timeout, far above the ones configured here. */
const DROPPED_WITHIN_MS = 15_000;
const DRIP_MS = 200;

/**
 * Writes `start`, then `drip()` every DRIP_MS until the server closes the connection; resolves
 * with what it answered.
 */
function dripUntilClosed(base: string, start: string, drip: (n: number) => string) {
  const { hostname, port } = new URL(base);
  return new Promise<string>((resolve, reject) => {
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(Number(port), hostname, () => {
      socket.write(start);
      let n = 0;
      timer = setInterval(() => socket.writable && socket.write(drip(n++)), DRIP_MS);
    });
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${DROPPED_WITHIN_MS} ms`));
    }, DROPPED_WITHIN_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve(text);
    });
  });
}

describe('requests that arrive too slowly', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      env: {
        HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_SECONDS),
        HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_SECONDS),
      },
    });
  });
  after(() => server.close());

  test('headers sent a line at a time are answered 408 request_timeout and closed', async () => {
    const answer = await dripUntilClosed(
      server.url,
      'GET /v1/info HTTP/1.1\r\nHost: localhost\r\n',
      (n) => `X-Drip-${n}: 1\r\n`,
    );
    const reply = parseRaw(answer);
    assert.equal(reply.status, 408);
    assert.deepEqual(reply.body, { error: { code: 'request_timeout' } });
  });

  test('a body sent a byte at a time is answered 408 request_timeout and closed', async () => {
    const answer = await dripUntilClosed(
      server.url,
      'POST /v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{',
      () => ' ',
    );
    const reply = parseRaw(answer);
    assert.equal(reply.status, 408);
    assert.deepEqual(reply.body, { error: { code: 'request_timeout' } });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  test('both are counted on /metrics, by code', async () => {
    assert.equal(
      await metric(server.url, 'http_requests_refused_total{code="request_timeout"}'),
      2,
    );
  });
});
