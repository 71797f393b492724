// Bad frames get an error frame and leave the connection open; a frame over the hard cap closes it.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const MAX_CHARS = 10;
const MAX_FRAME_BYTES = 1024;
const PER_SECOND = 3;

for (const backend of backends()) {
  describe(`websocket error frames (${backend.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let roomId: number;
    let client: ChatClient;
    let sent = 0;

    /** Sends a bad frame, checks the error that comes back, then that a valid message still works. */
    async function expectError(
      frame: string | Buffer,
      code: string,
      clientId?: string,
    ): Promise<void> {
      client.socket.send(frame, { binary: Buffer.isBuffer(frame) });
      const reply = await client.next();
      assert.deepEqual(
        reply,
        clientId === undefined ? { error: { code } } : { error: { code }, client_id: clientId },
        `reply to ${String(frame)}`,
      );
      sent += 1;
      const ack = await client.post(`ok ${sent}`, `ok-${sent}`);
      assert.equal(ack.text, `ok ${sent}`);
      assert.deepEqual(await client.next(), ack);
    }

    before(async () => {
      server = await startServer({
        backend,
        env: { MESSAGE_MAX_CHARS: String(MAX_CHARS), WS_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) },
      });
      alice = await registerUser(server.url);
      roomId = await createRoom(server.url, alice, []);
    });
    before(async () => {
      client = await ChatClient.open(server.wsUrl, roomId, alice.session);
    });
    after(async () => {
      await client.close();
      await server.close();
    });

    test('a frame that is not a JSON object with a string text gets invalid_json', async () => {
      for (const frame of [
        'not json',
        '{"text":',
        '[{"text":"in an array"}]',
        'null',
        '"text"',
        '42',
        '{}',
        '{"text":null}',
        '{"text":42}',
        '{"text":["a"]}',
        '{"message":"wrong field"}',
      ]) {
        await expectError(frame, 'invalid_json');
      }
    });

    test('a binary frame gets invalid_json', async () => {
      await expectError(Buffer.from('{"text":"binary"}'), 'invalid_json');
    });

    test('an empty or blank text gets invalid_message', async () => {
      const invisible = [
        '\u200b',
        '\u200b\u200c\u200d\u2060\ufeff',
        ' \u00ad ',
        '\u2800',
        '\u3164',
      ];
      for (const text of ['', '   ', '\n\t ', '\u3000', ...invisible]) {
        await expectError(JSON.stringify({ text }), 'invalid_message');
      }
    });

    test('a text over MESSAGE_MAX_CHARS characters gets message_too_long', async () => {
      await expectError(JSON.stringify({ text: 'x'.repeat(MAX_CHARS + 1) }), 'message_too_long');
      await expectError(JSON.stringify({ text: '😀'.repeat(MAX_CHARS + 1) }), 'message_too_long');
    });

    test('the limit counts characters, not UTF-16 units or bytes', async () => {
      for (const text of ['😀'.repeat(MAX_CHARS), 'ж'.repeat(MAX_CHARS), 'x'.repeat(MAX_CHARS)]) {
        const ack = await client.post(text, `chars-${text}`);
        assert.equal(ack.text, text);
        assert.deepEqual(await client.next(), ack);
      }
    });

    test('an error frame echoes the client_id', async () => {
      await expectError('{"text":42,"client_id":"e-1"}', 'invalid_json', 'e-1');
      await expectError('{"text":"","client_id":"e-2"}', 'invalid_message', 'e-2');
      await expectError(
        JSON.stringify({ text: 'y'.repeat(MAX_CHARS + 1), client_id: 'e-3' }),
        'message_too_long',
        'e-3',
      );
    });

    test('a client_id that is not a string of 1 to 64 characters gets invalid_json', async () => {
      await expectError('{"text":"a","client_id":7}', 'invalid_json');
      await expectError('{"text":"a","client_id":""}', 'invalid_json', '');
      const long = 'c'.repeat(65);
      await expectError(JSON.stringify({ text: 'a', client_id: long }), 'invalid_json', long);
    });

    test('a frame above WS_MAX_FRAME_BYTES closes the connection with 1009', async () => {
      const big = await ChatClient.open(server.wsUrl, roomId, alice.session);
      big.send({ text: 'z'.repeat(MAX_FRAME_BYTES) });
      assert.equal(await big.closed, 1009);
    });
  });

  describe(`websocket rate limit (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { WS_MESSAGES_PER_SECOND: String(PER_SECOND) } });
    });
    const open: ChatClient[] = [];
    afterEach(() => Promise.all(open.splice(0).map((client) => client.close())));
    after(() => server.close());

    test('too many messages per second get too_many_requests, with their client_id', async () => {
      const alice = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, []);
      const client = await ChatClient.open(server.wsUrl, roomId, alice.session);
      open.push(client);
      // However the frames fall into one-second windows, at most 2 × PER_SECOND are accepted.
      const count = 2 * PER_SECOND + 1;
      for (let n = 0; n < count; n++) client.send({ text: `n${n}`, client_id: `r-${n}` });
      const replies = await client.waitFor(count);
      const refused = replies.filter((reply) => reply.error?.code === 'too_many_requests');
      assert.ok(refused.length >= 1);
      for (const reply of replies) {
        assert.ok(reply.id !== undefined || reply.error?.code === 'too_many_requests');
      }
      assert.deepEqual(
        replies.map((reply) => reply.client_id).sort(),
        Array.from({ length: count }, (_, n) => `r-${n}`).sort(),
      );
      // The connection stays open: after a second, messages are accepted again.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const ack = await client.post('later', 'later');
      assert.equal(ack.text, 'later');
    });

    test('a flood of bad frames is read a second at a time, and each is still answered', async () => {
      const alice = await registerUser(server.url);
      const roomId = await createRoom(server.url, alice, []);
      const client = await ChatClient.open(server.wsUrl, roomId, alice.session);
      open.push(client);
      // Big enough that the flood spans many reads of the socket.
      const frame = `not json ${'x'.repeat(4000)}`;
      const flood = 60;
      for (let n = 0; n < flood; n++) client.send(frame);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const early = client.received.length;
      assert.ok(early < flood / 2, `${early} of ${flood} frames read in the first half second`);
      const replies = await client.waitFor(flood, 20_000);
      assert.ok(replies.every((reply) => reply.error?.code === 'invalid_json'));
    });
  });
}
