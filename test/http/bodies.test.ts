// Request bodies are JSON whatever the Content-Type says; malformed and oversized ones get JSON errors.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { type Reply, registerUser, request, uniqueLogin } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** A request with exactly these headers and body bytes: fetch would add a Content-Type. */
function rawPost(
  base: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Reply<any> & { contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${base}${path}`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: new Headers(response.headers as Record<string, string>),
          body: text === '' ? undefined : JSON.parse(text),
          contentType: response.headers['content-type'],
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const credentials = () => JSON.stringify({ login: uniqueLogin(), password: 'pass:word1' });

for (const backend of backends()) {
  describe(`request bodies (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    const contentTypes = [
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'image/png',
      'nonsense',
      '',
    ];
    for (const contentType of contentTypes) {
      test(`a JSON body with Content-Type "${contentType}" is read as JSON`, async () => {
        const body = credentials();
        const headers = {
          'content-type': contentType,
          'content-length': String(Buffer.byteLength(body)),
        };
        const reply = await rawPost(server.url, '/v1/register', headers, body);
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        assert.equal(typeof reply.body.session_id, 'string');
      });
    }

    test('a JSON body without any Content-Type is read as JSON (curl -d, raw clients)', async () => {
      const body = credentials();
      const reply = await rawPost(
        server.url,
        '/v1/register',
        { 'content-length': String(Buffer.byteLength(body)) },
        body,
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    });

    test('fetch with a string body (it sends text/plain) and with bytes (no type) both work', async () => {
      const asText = await fetch(`${server.url}/v1/register`, {
        method: 'POST',
        body: credentials(),
      });
      assert.equal(asText.status, 200);
      const asBytes = await fetch(`${server.url}/v1/register`, {
        method: 'POST',
        body: new TextEncoder().encode(credentials()),
      });
      assert.equal(asBytes.status, 200);
    });

    test('a chunked body without Content-Length is read', async () => {
      const reply = await rawPost(
        server.url,
        '/v1/register',
        { 'transfer-encoding': 'chunked' },
        credentials(),
      );
      assert.equal(reply.status, 200);
    });

    test('a UTF-8 byte order mark before the JSON is skipped', async () => {
      const reply = await rawPost(server.url, '/v1/register', {}, `\ufeff${credentials()}`);
      assert.equal(reply.status, 200);
    });

    test('bytes that are not UTF-8 inside a JSON string are refused, not replaced', async () => {
      const badBytes = [
        Buffer.from([0xff, 0xfe]),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from([0xc3]),
      ];
      for (const bad of badBytes) {
        const login = uniqueLogin();
        const body = Buffer.concat([
          Buffer.from(`{"login":"${login}`),
          bad,
          Buffer.from('","password":"pass:word1"}'),
        ]);
        const message = expectError(
          await rawPost(server.url, '/v1/register', {}, body),
          422,
          'invalid_json',
        );
        assert.match(message ?? '', /UTF-8/);
        const replaced = { login: `${login}\ufffd`, password: 'pass:word1' };
        const lookup = await request(server.url, 'POST', '/v1/login', { body: replaced });
        expectError(lookup, 422, 'user_not_found');
      }
    });

    test('logout takes an empty body, with or without Content-Type: application/json', async () => {
      const variants: Array<[Record<string, string>, string | undefined]> = [
        [{}, undefined],
        [{ 'content-length': '0' }, ''],
        [{ 'content-type': 'application/json' }, undefined],
        [{ 'content-type': 'application/json', 'content-length': '0' }, ''],
        [{ 'content-type': 'application/json' }, '{}'],
        [{ 'content-type': 'text/plain' }, '{}'],
        [{}, '{}'],
      ];
      for (const [headers, body] of variants) {
        const user = await registerUser(server.url);
        const reply = await rawPost(
          server.url,
          '/v1/logout',
          { ...headers, 'x-session-id': user.session },
          body,
        );
        assert.equal(reply.status, 200, `${JSON.stringify(headers)} ${body}`);
        assert.equal(reply.contentType, JSON_TYPE);
        assert.deepEqual(reply.body, {});
        const info = await request(server.url, 'GET', '/v1/info', { session: user.session });
        expectError(info, 401, 'unauthorized');
      }
    });

    test('logout with a body that is not JSON is invalid_json and keeps the session', async () => {
      const user = await registerUser(server.url);
      const reply = await rawPost(server.url, '/v1/logout', { 'x-session-id': user.session }, '{');
      expectError(reply, 422, 'invalid_json');
      const info = await request(server.url, 'GET', '/v1/info', { session: user.session });
      assert.equal(info.status, 200);
    });

    const malformed: Array<[string, string]> = [
      ['truncated JSON', '{"login":"a","password":'],
      ['a bare word', 'login=a&password=b'],
      ['single quotes', "{'login':'a','password':'pass:word1'}"],
      ['a trailing comma', '{"login":"a","password":"pass:word1",}'],
      ['two JSON values', '{} {}'],
      ['a NUL byte', '\u0000'],
      ['only spaces', '   '],
      ['invalid UTF-8', '\xff\xfe'],
      ['a __proto__ key', '{"__proto__":{"admin":true},"login":"a","password":"pass:word1"}'],
      ['SQL', "'; DROP TABLE users; --"],
    ];
    for (const [name, body] of malformed) {
      for (const path of ['/v1/register', '/v1/login', '/v1/rooms']) {
        test(`${name} on ${path} → 422 invalid_json`, async () => {
          const user = await registerUser(server.url);
          const bytes = name === 'invalid UTF-8' ? Buffer.from(body, 'latin1') : body;
          const reply = await rawPost(
            server.url,
            path,
            { 'content-type': 'application/json', 'x-session-id': user.session },
            bytes,
          );
          expectError(reply, 422, 'invalid_json');
        });
      }
    }

    test('an empty body where one is required → 422 invalid_json', async () => {
      const user = await registerUser(server.url);
      for (const path of ['/v1/register', '/v1/login', '/v1/rooms']) {
        for (const headers of [{}, { 'content-type': 'application/json' }] as Array<
          Record<string, string>
        >) {
          const reply = await rawPost(server.url, path, {
            ...headers,
            'x-session-id': user.session,
          });
          expectError(reply, 422, 'invalid_json');
        }
      }
    });
  });
}
