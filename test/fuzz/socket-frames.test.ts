// Bad frames, generated, on a room socket and on the stream, one by one and in floods: each frame
// gets exactly one outcome SPEC names, the connection stays open, nothing is stored but accepted
// messages (as the sender's, in the URL's room, with the text sent), and the server stays well.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { backends } from '../helpers/backends.js';
import { anyValue, edgeNumber, fuzzOptions, nastyText } from '../helpers/fuzz.js';
import { type FuzzTarget, startFuzzTarget } from '../helpers/fuzz-target.js';
import { createRoom, registerUsers, type TestUser } from '../helpers/http.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const RUNS = 250;
const MAX_FRAME_BYTES = 64 * 1024;
const ROOM_SOCKET_CODES = [
  'invalid_json',
  'invalid_message',
  'message_too_long',
  'too_many_requests',
];

/** One frame as sent: text (any string, maybe not JSON), binary bytes, or a ping (no answer but a pong). */
type OutFrame = { readonly text: string } | { readonly binary: Buffer } | { readonly ping: Buffer };

function sendFrame(client: ChatClient, frame: OutFrame): void {
  if ('text' in frame) client.socket.send(frame.text);
  else if ('binary' in frame) client.socket.send(frame.binary, { binary: true });
  else client.socket.ping(frame.ping);
}

function frameBytes(frame: OutFrame): number {
  if ('text' in frame) return Buffer.byteLength(frame.text);
  return 'binary' in frame ? frame.binary.length : frame.ping.length;
}

/** Frames that ask for an answer: every data frame, not pings. */
const dataFrames = (frames: readonly OutFrame[]) => frames.filter((frame) => !('ping' in frame));

function describeFrames(frames: readonly OutFrame[]): string {
  const shown = frames.map((frame) =>
    'text' in frame ? frame.text.slice(0, 100) : `<${frameBytes(frame)} bytes>`,
  );
  return JSON.stringify(shown).slice(0, 600);
}

/** Frames any socket may receive: JSON of a shaped object or any value, text, bytes, big ones. */
function framesOf(shaped: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<OutFrame[]> {
  const frame: fc.Arbitrary<OutFrame> = fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => ({ text: JSON.stringify(value) })) },
    {
      weight: 1,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ text: JSON.stringify(value) })),
    },
    {
      weight: 1,
      arbitrary: nastyText.map((text) => ({ text: text.slice(0, MAX_FRAME_BYTES / 4) })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ binary: Buffer.from(bytes) })),
    },
    {
      weight: 1,
      // Control frames carry at most 125 bytes.
      arbitrary: fc.uint8Array({ maxLength: 125 }).map((bytes) => ({ ping: Buffer.from(bytes) })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<OutFrame>(
        { text: '' },
        { text: '{"text":"a","text":{}}' },
        { text: `${'['.repeat(5000)}${']'.repeat(5000)}` },
        { text: JSON.stringify({ text: 'x'.repeat(MAX_FRAME_BYTES - 100) }) },
        { binary: Buffer.from('{"text":"binary JSON","type":"typing","room_id":1}') },
      ),
    },
  );
  const underCap = frame.filter((sent) => frameBytes(sent) <= MAX_FRAME_BYTES);
  // Mostly one frame; sometimes a flood, sent without waiting.
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(underCap, { minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.array(underCap, { minLength: 2, maxLength: 40 }) },
  );
}

const clientId = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'x'.repeat(64), 'x'.repeat(65), '', '\u0000', '\ud800'),
  anyValue,
);

let probes = 0;

for (const backend of backends()) {
  describe(`bad frames on sockets (${backend.name})`, () => {
    let target: FuzzTarget;
    let caller: TestUser;
    let bob: TestUser;
    let ownRoom: number;
    let strangersRoom: number;
    before(async () => {
      target = await startFuzzTarget(backend, {
        PRESENCE: 'false',
        WS_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
      });
      const [first, second, carol] = await registerUsers(target.url, 3);
      caller = first;
      bob = second;
      ownRoom = await createRoom(target.url, caller, [bob]);
      strangersRoom = await createRoom(target.url, bob, [carol]);
    });
    after(() => target.close());

    test('room socket: one outcome per frame, only accepted texts stored, as the sender', async () => {
      const sender = await ChatClient.open(target.wsUrl, ownRoom, caller.session);
      const observer = await ChatClient.open(target.wsUrl, ownRoom, bob.session);
      let storedInAll = 0;
      const shaped = fc.record(
        {
          text: fc.oneof({ weight: 3, arbitrary: nastyText }, { weight: 1, arbitrary: anyValue }),
          client_id: clientId,
          user_id: fc.oneof(fc.constant(bob.id), edgeNumber),
          room_id: fc.oneof(fc.constant(strangersRoom), edgeNumber),
          created_at: anyValue,
          type: anyValue,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(framesOf(shaped), async (frames) => {
          const where = describeFrames(frames);
          const before = await target.digest();
          const [sentFrom, seenFrom] = [sender.received.length, observer.received.length];
          for (const frame of frames) sendFrame(sender, frame);
          probes += 1;
          const probe = `probe-${probes}`;
          // Stored after every frame before it: once the observer has it, all outcomes are in.
          sender.send({ text: probe, client_id: probe });
          await sender.find((frame) => frame.client_id === probe);
          await observer.find((frame) => frame.text === probe);
          assert.equal(sender.closeCode, undefined, `the sender was closed: ${where}`);

          const replies = sender.received
            .slice(sentFrom)
            .filter((frame) => frame.client_id !== probe);
          const stored = observer.received.slice(seenFrom).filter((frame) => frame.text !== probe);
          const storedIds = new Set(stored.map((message) => message.id));
          const errors = replies.filter((frame) => frame.error !== undefined);
          // An ack is the first for a message stored now, or a retry's (same client_id again).
          const acked = new Set<number>();
          const retries = replies.filter((frame) => {
            if (frame.error !== undefined) return false;
            const first = storedIds.has(frame.id) && !acked.has(frame.id);
            acked.add(frame.id);
            return !first;
          });
          for (const error of errors)
            assert.ok(ROOM_SOCKET_CODES.includes(error.error.code), where);
          assert.equal(
            errors.length + stored.length + retries.length,
            dataFrames(frames).length,
            `outcomes: ${where}`,
          );

          const sentTexts = frames.map(textOf);
          for (const message of stored) {
            assert.equal(message.user_id, caller.id, where);
            assert.equal(message.room_id, ownRoom, where);
            assert.ok(sentTexts.includes(message.text), `a text nobody sent: ${where}`);
          }
          storedInAll += stored.length;
          const after = await target.digest();
          assert.equal(after.messages - before.messages, stored.length + 1, `rows: ${where}`);
          await target.assertStillWell(where);
        }),
        fuzzOptions(RUNS),
      );
      assert.ok(
        storedInAll > 0,
        'no generated frame was stored: the property tested refusals only',
      );
      await Promise.all([sender.close(), observer.close()]);
    });

    test('stream: every refused frame its SPEC error, in order; typing relayed, never stored', async () => {
      const stream = await openReadyStream(target, caller);
      const listener = await openReadyStream(target, bob);
      const shaped = fc.record(
        {
          type: fc.oneof(
            { weight: 4, arbitrary: fc.constant('typing') },
            { weight: 1, arbitrary: anyValue },
          ),
          room_id: fc.oneof(
            fc.constantFrom(ownRoom, strangersRoom, String(ownRoom)),
            edgeNumber,
            anyValue,
          ),
          client_id: clientId,
          text: nastyText,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(framesOf(shaped), async (frames) => {
          const where = describeFrames(frames);
          const before = await target.digest();
          const from = stream.received.length;
          for (const frame of frames) sendFrame(stream, frame);
          probes += 1;
          const probe = `probe-${probes}`;
          stream.send({ type: 'probe', client_id: probe });
          await stream.find((frame) => frame.client_id === probe);
          assert.equal(stream.closeCode, undefined, `the stream was closed: ${where}`);

          const errors = stream.received
            .slice(from)
            .filter((frame) => frame.type === 'error' && frame.client_id !== probe);
          const expected = dataFrames(frames)
            .map((frame) => expectedStreamError(frame, ownRoom))
            .filter(Boolean);
          assert.deepEqual(errors, expected, where);
          for (const relayed of listener.received.filter((frame) => frame.type === 'typing')) {
            assert.deepEqual(
              relayed,
              { type: 'typing', room_id: ownRoom, user_id: caller.id },
              where,
            );
          }
          assert.deepEqual(await target.digest(), before, `rows changed: ${where}`);
          await target.assertStillWell(where);
        }),
        fuzzOptions(RUNS),
      );
      assert.ok(
        listener.received.some((frame) => frame.type === 'typing'),
        'no generated typing frame was relayed',
      );
      await Promise.all([stream.close(), listener.close()]);
    });

    test('frames around the hard cap: up to it answered, past it closed with 1009, alone', async () => {
      const observer = await openReadyStream(target, bob);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: MAX_FRAME_BYTES - 64, max: MAX_FRAME_BYTES + 64 }),
          fc.boolean(),
          async (size, onStream) => {
            const where = `${size} bytes on ${onStream ? 'the stream' : 'a room socket'}`;
            const client = onStream
              ? await openReadyStream(target, caller)
              : await ChatClient.open(target.wsUrl, ownRoom, caller.session);
            const padding = 'x'.repeat(size - '{"text":""}'.length);
            client.send(`{"text":"${padding}"}`);
            if (size > MAX_FRAME_BYTES) {
              assert.equal(await client.closed, 1009, where);
            } else {
              const answer = await client.find((frame) => frame.error !== undefined);
              assert.equal(
                answer.error.code,
                onStream ? 'invalid_json' : 'message_too_long',
                where,
              );
              await client.close();
            }
            assert.equal(observer.closeCode, undefined, `another socket was closed: ${where}`);
            await target.assertStillWell(where);
          },
        ),
        fuzzOptions(20),
      );
      await observer.close();
    });

    // RFC 6455 §8.1 makes a text frame that is not UTF-8 fail the connection: the one bad frame
    // SPEC's "never closes" cannot cover. Only that socket goes; the server keeps answering.
    test('a text frame that is not UTF-8 closes that socket alone with 1007', async () => {
      const observer = await openReadyStream(target, bob);
      for (const onStream of [false, true]) {
        const client = onStream
          ? await openReadyStream(target, caller)
          : await ChatClient.open(target.wsUrl, ownRoom, caller.session);
        client.socket.send(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), { binary: false });
        assert.equal(await client.closed, 1007);
      }
      assert.equal(observer.closeCode, undefined);
      await target.assertStillWell('text frames that are not UTF-8');
      await observer.close();
    });
  });
}

/** The text field a frame carries, if it is a JSON object with one. */
function textOf(frame: OutFrame): unknown {
  if (!('text' in frame)) return undefined;
  try {
    return (JSON.parse(frame.text) as { text?: unknown })?.text;
  } catch {
    return undefined;
  }
}

/** What SPEC says the stream answers a frame: an error frame, or nothing for a typing signal. */
function expectedStreamError(frame: OutFrame, ownRoom: number): Frame | undefined {
  const value = 'text' in frame ? parseOrUndefined(frame.text) : undefined;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const fields = (isObject ? value : {}) as Record<string, unknown>;
  const echo = typeof fields.client_id === 'string' ? { client_id: fields.client_id } : {};
  const roomId = fields.room_id;
  const positive = typeof roomId === 'number' && Number.isSafeInteger(roomId) && roomId > 0;
  if (!isObject || fields.type !== 'typing' || !positive) {
    return { type: 'error', error: { code: 'invalid_json' }, ...echo };
  }
  return roomId === ownRoom
    ? undefined
    : { type: 'error', error: { code: 'room_not_found' }, ...echo };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function openReadyStream(target: FuzzTarget, user: TestUser): Promise<ChatClient> {
  const stream = await ChatClient.stream(target.wsUrl, user.session);
  await stream.find((frame) => frame.type === 'ready');
  return stream;
}
