// The OpenAPI document: valid 3.1, every route the server answers and nothing else, the error codes
// of src/errors.ts at their statuses, and the server's real answers matching what it says; /docs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ERRORS } from '../../src/errors.js';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const WEB_ROOT = new URL('../../web/', import.meta.url);
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

interface Operation {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema: Record<string, any> }> }
  >;
}
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, string>> };
};

/** The files of the web client and the viewer at /docs are pages, not operations of the API. */
function isPage(url: string): boolean {
  if (url === '/docs' || url.startsWith('/docs/')) return true;
  const file = url.endsWith('/') ? `${url}index.html` : url;
  return existsSync(new URL(`.${file}`, WEB_ROOT));
}

function operations(document: Document): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => [method.toUpperCase(), path, operation]),
  ) as Array<[string, string, Operation]>;
}

/** `METHOD /path/:param`, as Fastify names a route. */
const routeName = (method: string, path: string) =>
  `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`;

for (const backend of backends()) {
  describe(`OpenAPI document (${backend.name})`, () => {
    let server: TestServer;
    let document: Document;
    let me: TestUser;
    let other: TestUser;
    const ajv = new Ajv2020({ strict: false });

    before(async () => {
      server = await startServer({ backend });
      document = (await request(server.url, 'GET', '/v1/openapi.json')).body;
      me = await registerUser(server.url, 'Василий');
      other = await registerUser(server.url, 'Пётр');
    });
    after(() => server.close());

    /** Asserts that the answer is one the document lists for the operation, body and all. */
    function assertDocumented(
      method: string,
      path: string,
      reply: { status: number; body: unknown },
    ): void {
      const operation = document.paths[path]?.[method.toLowerCase()];
      assert.ok(operation, `${method} ${path} is documented`);
      const response = operation.responses[String(reply.status)];
      assert.ok(response, `${method} ${path} documents ${reply.status}`);
      const schema = response.content?.['application/json']?.schema;
      assert.ok(schema, `${method} ${path} ${reply.status} has a JSON schema`);
      const validate = ajv.compile(schema);
      assert.ok(
        validate(reply.body),
        `${method} ${path} ${reply.status}: ${ajv.errorsText(validate.errors)}`,
      );
    }

    test('is a valid OpenAPI 3.1 document, served with the API headers', async () => {
      const reply = await fetch(`${server.url}/v1/openapi.json`);
      assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(reply.headers.get('content-security-policy'), API_CSP);
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(document.openapi, '3.1.0');
      const validator = new Validator();
      const result = await validator.validate(structuredClone(document));
      assert.equal(validator.version, '3.1');
      assert.deepEqual(result, { valid: true });
    });

    test('lists every route the server answers, and nothing else', () => {
      const answered = [...server.server.http.declaredRoutes]
        .filter(([url]) => !isPage(url))
        .flatMap(([url, methods]) =>
          [...methods].filter((method) => method !== 'HEAD').map((method) => `${method} ${url}`),
        );
      const documented = operations(document).map(([method, path]) => routeName(method, path));
      assert.deepEqual(documented.toSorted(), answered.toSorted());
      assert.ok(answered.includes('POST /v1/register') && answered.includes('GET /v1/stream'));
    });

    test('every operation has a summary, a tag, a success and its errors under their statuses', () => {
      for (const [method, path, operation] of operations(document)) {
        const name = `${method} ${path}`;
        assert.ok(operation.summary, `${name} has a summary`);
        assert.equal(operation.tags?.length, 1, `${name} has a tag`);
        const statuses = Object.keys(operation.responses);
        assert.ok(
          statuses.some((status) => /^[12]\d\d$/.test(status)),
          `${name} has a success`,
        );
        for (const [status, response] of Object.entries(operation.responses)) {
          const schema = response.content?.['application/json']?.schema;
          const codes: string[] | undefined = schema?.properties?.error?.properties?.code?.enum;
          if (Number(status) < 400) continue;
          assert.ok(codes && codes.length > 0, `${name} ${status} names its codes`);
          for (const code of codes) {
            assert.ok(code in ERRORS, `${name}: ${code} is in src/errors.ts`);
            assert.equal(ERRORS[code as keyof typeof ERRORS], Number(status), `${name}: ${code}`);
            assert.match(response.description, new RegExp(`\`${code}\``));
          }
        }
      }
    });

    test('protected routes name their scheme: X-Session-Id, session_id on WebSockets', () => {
      const schemes = document.components.securitySchemes;
      assert.deepEqual(schemes.sessionHeader, {
        ...schemes.sessionHeader,
        type: 'apiKey',
        in: 'header',
        name: 'X-Session-Id',
      });
      assert.deepEqual(schemes.sessionQuery, {
        ...schemes.sessionQuery,
        type: 'apiKey',
        in: 'query',
        name: 'session_id',
      });
      for (const [method, path, operation] of operations(document)) {
        const unauthorized = operation.responses['401'] !== undefined;
        const scheme = Object.keys(operation.security?.[0] ?? {})[0];
        const expected = !unauthorized
          ? undefined
          : path === '/metrics'
            ? 'metricsToken'
            : path.endsWith('/chat') || path === '/v1/stream'
              ? 'sessionQuery'
              : 'sessionHeader';
        assert.equal(scheme, expected, `${method} ${path}`);
      }
    });

    test('examples are Cyrillic, as in the original', () => {
      const text = JSON.stringify(document);
      for (const example of ['"Василий"', '"Пётр"', '"Привет"', '"2015-08-05T22:18:45Z"']) {
        assert.ok(text.includes(example), example);
      }
    });

    test("the server's answers are what the document says, errors included", async () => {
      const session = { session: me.session };
      const roomId = await createRoom(server.url, me, [other]);
      const answers: Array<[string, string, string, Parameters<typeof request>[3]]> = [
        ['GET', '/v1/info', '/v1/info', session],
        ['GET', '/v1/info', '/v1/info', {}],
        ['GET', '/v1/users', `/v1/users?q=${encodeURIComponent('петр')}`, session],
        ['GET', '/v1/users', '/v1/users?q=a&limit=0', session],
        ['POST', '/v1/rooms', '/v1/rooms', { ...session, body: { users: [{ id: other.id }] } }],
        ['POST', '/v1/rooms', '/v1/rooms', { ...session, body: { users: [{ id: 1e9 }] } }],
        ['GET', '/v1/rooms', '/v1/rooms', session],
        ['GET', '/v1/rooms/{id}', `/v1/rooms/${roomId}`, session],
        ['GET', '/v1/rooms/{id}', '/v1/rooms/nope', session],
        [
          'POST',
          '/v1/rooms/{id}/messages',
          `/v1/rooms/${roomId}/messages`,
          { ...session, body: { text: 'Привет', client_id: 'c-1' } },
        ],
        [
          'POST',
          '/v1/rooms/{id}/messages',
          `/v1/rooms/${roomId}/messages`,
          { ...session, body: { text: ' ' } },
        ],
        ['GET', '/v1/rooms/{id}/messages', `/v1/rooms/${roomId}/messages`, session],
        [
          'POST',
          '/v1/rooms/{id}/read',
          `/v1/rooms/${roomId}/read`,
          { ...session, body: { message_id: 1 } },
        ],
        ['POST', '/v1/login', '/v1/login', { body: { login: 'Пётр', password: 'wrong-password' } }],
        ['POST', '/v1/register', '/v1/register', { body: { login: 'ПЁТР', password: 'x' } }],
        ['GET', '/v1/rooms/{id}/chat', `/v1/rooms/${roomId}/chat`, {}],
        ['GET', '/v1/stream', '/v1/stream', {}],
        ['GET', '/healthz', '/healthz', {}],
        ['GET', '/readyz', '/readyz', {}],
        ['GET', '/metrics', '/metrics', {}],
        ['POST', '/v1/logout', '/v1/logout', session],
      ];
      for (const [method, documentedPath, path, options] of answers) {
        assertDocumented(method, documentedPath, await request(server.url, method, path, options));
      }
    });

    test('/docs renders the document from local files under its own policy', async () => {
      const page = await fetch(`${server.url}/docs/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const html = await page.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from elsewhere');
      const policy = page.headers.get('content-security-policy') ?? '';
      assert.match(policy, /^default-src 'none'; script-src 'self'; style-src 'self'; /);
      assert.doesNotMatch(policy, /unsafe|https:|\*/);
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
        const asset = await fetch(`${server.url}/docs/static/${file}`);
        assert.equal(asset.status, 200, file);
        assert.equal(asset.headers.get('content-security-policy'), policy, file);
        await asset.arrayBuffer();
      }
      const shown = await request(server.url, 'GET', '/docs/json');
      assert.deepEqual(shown.body, document);
    });
  });
}
