// WebSocket upgrades, generated as raw bytes: paths, session and after= parameters in every
// spelling, handshake headers right and wrong, origins. An upgrade is accepted only for the
// caller's own room or stream with the caller's session; every refusal is SPEC's JSON error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { backends } from '../helpers/backends.js';
import { JSON_TYPE } from '../helpers/expect-error.js';
import {
  edgeNumberText,
  fuzzOptions,
  headerText,
  percentEncode,
  urlValue,
} from '../helpers/fuzz.js';
import { type FuzzTarget, startFuzzTarget } from '../helpers/fuzz-target.js';
import { createRoom, registerUsers, type TestUser } from '../helpers/http.js';
import { rawResponse } from '../helpers/raw-http.js';

const RUNS = 300;
const ORIGIN = 'https://chat.example';
const VALID_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

const UPGRADE_ANSWERS = [
  '400 bad_request',
  '401 unauthorized',
  '403 forbidden_origin',
  '404 not_found',
  '405 method_not_allowed',
  '422 room_not_found',
  '422 invalid_json',
  '426 upgrade_required',
  // Sockets per session and per user are capped; the fuzz closes its own at once, but not always
  // before the next upgrade is counted.
  '429 too_many_requests',
];

/** A header line, or none when the generated value is undefined. */
const header = (name: string, value: fc.Arbitrary<string>) =>
  fc.option(
    value.map((text) => `${name}: ${text.replace(/[\r\n]/g, '')}`),
    { nil: undefined, freq: 5 },
  );

const GOOD_HANDSHAKE = [
  'Connection: Upgrade',
  'Upgrade: websocket',
  `Sec-WebSocket-Key: ${VALID_KEY}`,
  'Sec-WebSocket-Version: 13',
];

const anyHandshake = fc
  .tuple(
    header('Connection', fc.constantFrom('Upgrade', 'keep-alive, Upgrade', 'close')),
    header('Upgrade', fc.constantFrom('websocket', 'WebSocket', 'h2c', '')),
    header(
      'Sec-WebSocket-Key',
      fc.oneof(fc.constant(VALID_KEY), fc.constant(VALID_KEY), headerText),
    ),
    header('Sec-WebSocket-Version', fc.constantFrom('13', '13', '8', '12', 'x', '')),
    header('Origin', fc.constantFrom(ORIGIN, 'https://evil.example', 'null')),
    header('Sec-WebSocket-Protocol', fc.constantFrom('chat', 'a,,b', 'a b', '')),
    header('Sec-WebSocket-Extensions', fc.constantFrom('permessage-deflate', 'x;;', '')),
  )
  .map((lines) => lines.filter((line): line is string => line !== undefined));

/** A good handshake often enough that acceptance is tested too, any other just as often. */
const handshakeHeaders = fc.oneof(fc.constant(GOOD_HANDSHAKE), anyHandshake);

/** Whether these headers may make a handshake the server accepts (protocols and extensions aside). */
function isHandshake(lines: readonly string[]): boolean {
  const has = (line: string) => lines.includes(line);
  const named = (name: string) => lines.some((line) => line.startsWith(`${name}:`));
  return (
    lines.some((line) => /^Connection: .*Upgrade/.test(line)) &&
    (has('Upgrade: websocket') || has('Upgrade: WebSocket')) &&
    has(`Sec-WebSocket-Key: ${VALID_KEY}`) &&
    (has('Sec-WebSocket-Version: 13') || has('Sec-WebSocket-Version: 8')) &&
    (!named('Origin') || has(`Origin: ${ORIGIN}`))
  );
}

for (const backend of backends()) {
  describe(`generated WebSocket upgrades (${backend.name})`, () => {
    let target: FuzzTarget;
    let caller: TestUser;
    let ownRoom: number;
    let strangersRoom: number;
    let rowsBefore: Record<string, unknown[]>;
    before(async () => {
      target = await startFuzzTarget(backend, { ALLOWED_ORIGINS: ORIGIN, PRESENCE: 'false' });
      const [first, bob, carol] = await registerUsers(target.url, 3);
      caller = first;
      ownRoom = await createRoom(target.url, caller, [bob]);
      strangersRoom = await createRoom(target.url, bob, [carol]);
      rowsBefore = await target.rows();
    });
    after(async () => {
      // No upgrade, accepted or not, changes a row: compared whole, not only by the digest.
      assert.deepEqual(await target.rows(), rowsBefore);
      await target.close();
    });

    test('accepted only for the caller with a good handshake; every refusal from SPEC', async () => {
      const roomPath = fc
        .oneof(
          fc.constantFrom(String(ownRoom), String(ownRoom), String(strangersRoom)),
          edgeNumberText.map(percentEncode),
        )
        .map((id) => `/v1/rooms/${id}/chat`);
      const path = fc.oneof(
        { weight: 3, arbitrary: roomPath },
        { weight: 2, arbitrary: fc.constantFrom('/v1/stream', '/v1/stream/') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '//',
            '//x:99999/v1/stream',
            '/v1/rooms//chat',
            '/v1/nope',
            '/v1/stream/x',
          ),
        },
      );
      const session = fc.oneof(
        { weight: 5, arbitrary: fc.constant(`session_id=${caller.session}`) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '',
            'session_id=',
            `session%5Fid=${caller.session}`,
            `session_id=junk&session_id=${caller.session}`,
            `session_id=${caller.session}&session_id=junk`,
          ),
        },
        { weight: 1, arbitrary: urlValue.map((value) => `session_id=${value}`) },
      );
      const extra = fc.oneof(
        fc.constant([]),
        fc.array(
          fc.oneof(
            edgeNumberText.map((value) => `after=${percentEncode(value)}`),
            urlValue.map((value) => `${value}=${value}`),
          ),
          { maxLength: 2 },
        ),
      );
      const method = fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT');
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          method,
          path,
          session,
          extra,
          handshakeHeaders,
          async (verb, target_, auth, more, lines) => {
            const query = [auth, ...more].filter(Boolean).join('&');
            const url = `${target_}?${query}`;
            const where = `${verb} ${url.slice(0, 200)} ${JSON.stringify(lines)}`;
            const before = await target.digest();
            const request = [`${verb} ${url} HTTP/1.1`, 'Host: 127.0.0.1', ...lines].join('\r\n');
            const answer = await rawResponse(target.url, `${request}\r\n\r\n`);
            if (answer.status === 101) {
              accepted += 1;
              const params = new URLSearchParams(query);
              const allowed =
                target_.startsWith('/v1/stream') || target_ === `/v1/rooms/${ownRoom}/chat`;
              assert.ok(
                allowed && params.get('session_id') === caller.session,
                `accepted: ${where}`,
              );
              assert.ok(verb === 'GET' && isHandshake(lines), `a bad handshake accepted: ${where}`);
            } else {
              assert.equal(answer.headers.get('content-type'), JSON_TYPE, where);
              const body =
                verb === 'HEAD' && answer.body === '' ? undefined : JSON.parse(answer.body);
              if (body !== undefined) {
                assert.ok(
                  UPGRADE_ANSWERS.includes(`${answer.status} ${body.error.code}`),
                  `not in SPEC: ${where}`,
                );
              }
            }
            assert.deepEqual(await target.digest(), before, `rows changed: ${where}`);
            await target.assertStillWell(where);
          },
        ),
        fuzzOptions(RUNS),
      );
      assert.ok(
        accepted > 0,
        'no generated upgrade was accepted: the property tested refusals only',
      );
    });
  });
}
