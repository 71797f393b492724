// Odd requests, generated and sent as raw bytes: wrong methods on known paths, mangled paths,
// bytes no URL may hold, conditional and range headers on the web files. Never a 5xx, every
// refusal SPEC's JSON error, no row changed, the server answering and its log free of errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ANY_ANSWER, API_ROUTES } from '../helpers/api-routes.js';
import { backends } from '../helpers/backends.js';
import { JSON_TYPE } from '../helpers/expect-error.js';
import { anyCodeUnit, fuzzOptions, headerText, urlValue } from '../helpers/fuzz.js';
import { type FuzzTarget, startFuzzTarget } from '../helpers/fuzz-target.js';
import { parseHead, type RawHead, rawExchange } from '../helpers/raw-http.js';

const RUNS = 300;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const WEB_FILES = ['/', '/style.css', '/web/src/main.js', '/client/src/index.js'];

/** Every route's path with a room id in it, and the methods it answers. */
const KNOWN = [
  ...Object.values(API_ROUTES).map((known) => ({
    path: known.path.replace(':id', '1'),
    methods: known.method === 'GET' ? ['GET', 'HEAD'] : [known.method],
  })),
  ...WEB_FILES.map((path) => ({ path, methods: ['GET', 'HEAD'] })),
];
/** A path served under several methods has one Allow list: the union. */
const ALLOWED_METHODS = new Map<string, Set<string>>();
for (const { path, methods } of KNOWN) {
  const set = ALLOWED_METHODS.get(path) ?? new Set<string>();
  for (const method of methods) set.add(method);
  ALLOWED_METHODS.set(path, set);
}

/** The response of a whole raw exchange, past any 100 Continue. */
function parseAnswer(raw: string): RawHead {
  const text = raw.replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n\r\n)+/, '');
  const head = parseHead(text, true);
  if (head === undefined) throw new Error(`no complete response: ${JSON.stringify(raw)}`);
  return head;
}

function rawRequest(method: string, target: string, headers: string[], body = ''): string {
  const length = body === '' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`];
  const lines = [
    `${method} ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    ...headers,
    ...length,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A refusal is SPEC's JSON error with one of its codes; HEAD gets the headers of one. */
function assertRefusal(method: string, answer: RawHead, where: string): void {
  assert.equal(answer.headers.get('content-type'), JSON_TYPE, where);
  if (method === 'HEAD') return;
  const { error } = JSON.parse(answer.body) as { error: { code: string } };
  assert.ok(ANY_ANSWER.includes(`${answer.status} ${error.code}`), `not in SPEC: ${where}`);
}

/** Ways a known path is mangled: slashes, case, dot segments, escapes, junk, length. */
const mangled = fc
  .tuple(fc.constantFrom(...KNOWN.map((known) => known.path)), fc.nat(11), urlValue)
  .map(
    ([path, how, junk]) =>
      [
        `${path}/`,
        `/${path}`,
        path.replace('/v1/', '/v1//'),
        path.toUpperCase(),
        path.replace('/v1/', '/v1/../v1/'),
        path.replace('/v1/', '/v1/%2e%2e/v1/'),
        path.replace('/v1/', '/v1/./'),
        `${path}%00`,
        `${path};jsessionid=${junk}`,
        `${path}?${junk}=${junk}&${junk}`,
        `${path}/${junk}`,
        `${path}${'/x'.repeat(2000)}`,
      ][how] as string,
  );

/** Request targets no URL may be: raw spaces, controls, non-ASCII bytes, absolute forms. */
const broken = fc.oneof(
  fc
    .string({ unit: anyCodeUnit, maxLength: 40 })
    .map((text) => `/v1/${text.replace(/[\r\n]/g, '')}`),
  fc.constantFrom(
    '*',
    '//',
    '///',
    'http://127.0.0.1/v1/info',
    '//x:99999/v1/info',
    '/%',
    '/%zz',
    '/%c3%28',
    '',
  ),
);

const conditionalHeaders = fc.subarray([
  'Range: bytes=999999-',
  'Range: bytes=0-0,5-1',
  'Range: bytes=abc',
  'Range: items=0-1',
  'If-Match: "nope"',
  'If-None-Match: *',
  'If-Modified-Since: yesterday',
  'If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT',
  'If-Unmodified-Since: garbage',
  'If-Range: "x"',
  'Accept-Encoding: gzip;q=x',
  'Expect: 100-continue',
  'Transfer-Encoding: identity',
  'X-Session-Id: ',
]);

const junkHeaders = fc
  .array(
    fc.tuple(
      fc.constantFrom('X-Junk', 'Accept', 'Cookie', 'Content-Type', 'Authorization'),
      headerText,
    ),
    {
      maxLength: 3,
    },
  )
  .map((pairs) => pairs.map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, '')}`));

/** Junk headers, now and then past Node's 16 KiB of headers (431). */
const junkOrHugeHeaders = junkHeaders.chain((lines) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(lines) },
    { weight: 1, arbitrary: fc.constant([...lines, `X-Big: ${'a'.repeat(20_000)}`]) },
  ),
);

/** Chunked bodies, well and badly framed: sizes that lie, junk extensions and trailers. */
const chunkedBody = fc.oneof(
  fc.constantFrom(
    '2\r\n{}\r\n0\r\n\r\n',
    'zz\r\n{}\r\n0\r\n\r\n',
    '5\r\n{}\r\n0\r\n\r\n',
    '2;ext="x\r\n{}\r\n0\r\n\r\n',
    '2\r\n{}\r\n0\r\nX-Trailer: y\r\n\r\n',
    '0\r\n\r\n',
    '-1\r\n\r\n',
    'ffffffffffffffff\r\n{}\r\n0\r\n\r\n',
  ),
  fc
    .string({ unit: anyCodeUnit, maxLength: 40 })
    .map((text) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`),
);

for (const backend of backends()) {
  describe(`odd requests as raw bytes (${backend.name})`, () => {
    let target: FuzzTarget;
    before(async () => {
      target = await startFuzzTarget(backend);
    });
    let rowsBefore: Record<string, unknown[]>;
    before(async () => {
      rowsBefore = await target.rows();
    });
    after(async () => {
      // Nothing here may change a row: compared whole, not only by the per-case digest.
      assert.deepEqual(await target.rows(), rowsBefore);
      await target.close();
    });

    /** Sends one raw request; no row may change and the server must stay well. */
    async function exchange(bytes: string, where: string): Promise<RawHead> {
      const answer = await exchangeCut(bytes, where, false);
      if (answer === undefined) throw new Error(`no response: ${where}`);
      return answer;
    }

    /** The same, the client going away after its bytes: a request cut short may get no answer. */
    async function exchangeCut(bytes: string, where: string, cut = true) {
      const digest = await target.digest();
      const text = await rawExchange(target.url, bytes, cut);
      const finals = text.match(/^HTTP\/1\.1 [2-5]\d\d /gm) ?? [];
      assert.ok(finals.length === 1 || (cut && text === ''), `one response: ${where} -> ${text}`);
      const answer = text === '' ? undefined : parseAnswer(text);
      assert.ok(answer === undefined || answer.status < 500, `${answer?.status}: ${where}`);
      assert.deepEqual(await target.digest(), digest, `rows changed: ${where}`);
      await target.assertStillWell(where);
      return answer;
    }

    test('a method a known path does not serve is 405 with the Allow list', async () => {
      const wrong = fc
        .constantFrom(...ALLOWED_METHODS.keys())
        .chain((path) =>
          fc.tuple(
            fc.constant(path),
            fc.constantFrom(...METHODS.filter((method) => !ALLOWED_METHODS.get(path)?.has(method))),
            junkHeaders,
          ),
        );
      await fc.assert(
        fc.asyncProperty(wrong, async ([path, method, headers]) => {
          const where = `${method} ${path}`;
          const answer = await exchange(
            rawRequest(method, path, headers, method === 'GET' ? '' : '{}'),
            where,
          );
          assert.equal(answer.status, 405, where);
          assertRefusal(method, answer, where);
          const allow = (answer.headers.get('allow') ?? '').split(',').map((name) => name.trim());
          assert.deepEqual(allow.sort(), [...(ALLOWED_METHODS.get(path) ?? [])].sort(), where);
        }),
        fuzzOptions(RUNS / 3),
      );
    });

    test('mangled and broken targets, any method, odd headers: a 4xx is JSON from SPEC', async () => {
      const method = fc.constantFrom(...METHODS, 'TRACE', 'PROPFIND', 'FOO', 'get');
      await fc.assert(
        fc.asyncProperty(
          method,
          fc.oneof(mangled, broken),
          junkOrHugeHeaders,
          conditionalHeaders,
          fc.constantFrom('', '{}', 'x', '{"login":1}'),
          async (verb, path, junk, conditional, body) => {
            const headers = JSON.stringify([...junk, ...conditional]).slice(0, 300);
            const where = `${verb} ${JSON.stringify(path.slice(0, 200))} ${headers}`;
            const answer = await exchange(
              rawRequest(verb, path, [...junk, ...conditional], body),
              where,
            );
            if (answer.status >= 400) assertRefusal(verb, answer, where);
          },
        ),
        fuzzOptions(RUNS),
      );
    });

    test('chunked bodies, well and badly framed, cut short: at most one answer, from SPEC', async () => {
      const postPaths = KNOWN.filter((known) => !known.methods.includes('GET'));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...postPaths.map((known) => known.path)),
          chunkedBody,
          async (path, body) => {
            const where = `POST ${path} chunked ${JSON.stringify(body.slice(0, 100))}`;
            const head = rawRequest('POST', path, ['Transfer-Encoding: chunked']);
            const answer = await exchangeCut(`${head}${body}`, where);
            if (answer && answer.status >= 400) assertRefusal('POST', answer, where);
          },
        ),
        fuzzOptions(RUNS / 3),
      );
    });

    test('the web files with range and conditional headers: 2xx, 304 or a JSON 4xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...WEB_FILES),
          fc.constantFrom('GET', 'HEAD'),
          conditionalHeaders,
          async (path, verb, conditional) => {
            const where = `${verb} ${path} ${JSON.stringify(conditional)}`;
            const answer = await exchange(rawRequest(verb, path, conditional), where);
            if (answer.status >= 400) assertRefusal(verb, answer, where);
            else assert.ok([200, 206, 304].includes(answer.status), where);
          },
        ),
        fuzzOptions(RUNS / 3),
      );
    });
  });
}
