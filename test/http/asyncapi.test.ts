// The AsyncAPI document of the WebSocket protocols: valid AsyncAPI 3, its close codes those of the
// code, and every frame the code builds, or a live socket receives, one of its channel's messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import asyncApiSpecs from '@asyncapi/specs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ERRORS } from '../../src/errors.js';
import { roomSocketSchemas, streamSchemas } from '../../src/http/asyncapi.js';
import { CLOSE_CODES, CLOSES } from '../../src/realtime/close-codes.js';
import { ackFrame, errorFrame, parseFrame, ROOM_SOCKET_ERRORS } from '../../src/realtime/frames.js';
import {
  messageFrame,
  parseStreamFrame,
  presenceFrame,
  readFrame,
  readyFrame,
  roomFrame,
  STREAM_ERRORS,
  streamErrorFrame,
  typingFrame,
} from '../../src/realtime/stream-frames.js';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUsers, request, sendMessage } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const ajv = new Ajv({ strict: false, allErrors: true });

const MESSAGE = {
  id: 7,
  text: 'Привет',
  user_id: 1,
  room_id: 10,
  created_at: '2015-08-05T22:18:45Z',
};
const ROOM = {
  id: 10,
  users: [
    { id: 1, login: 'Василий' },
    { id: 2, login: 'Пётр' },
  ],
  last_message: MESSAGE,
  last_read_id: 7,
  unread: 0,
};

interface Channel {
  messages: Record<string, { payload: object }>;
}

function validatorsOf(schemas: Record<string, object>): Record<string, ValidateFunction> {
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, ajv.compile(schema)]),
  );
}

const roomSocket = validatorsOf(roomSocketSchemas);
const stream = validatorsOf(streamSchemas);

function assertFrame(validators: Record<string, ValidateFunction>, name: string, frame: string) {
  const validate = validators[name];
  assert.ok(validate, name);
  assert.ok(validate(JSON.parse(frame)), `${name} ${frame}: ${ajv.errorsText(validate.errors)}`);
}

/** The names of the channel's server frames this one matches. */
function matching(
  validators: Record<string, ValidateFunction>,
  frame: unknown,
  clientFrames: string[],
) {
  return Object.entries(validators)
    .filter(([name, validate]) => !clientFrames.includes(name) && validate(frame))
    .map(([name]) => name);
}

test('frames the code builds are the messages the document describes', () => {
  const wire = JSON.stringify(MESSAGE);
  assertFrame(roomSocket, 'message', wire);
  assertFrame(roomSocket, 'ack', ackFrame(wire, 'c-1'));
  for (const code of ROOM_SOCKET_ERRORS) {
    assertFrame(roomSocket, 'error', errorFrame(code, null));
    assertFrame(roomSocket, 'error', errorFrame(code, 'c-1'));
  }
  assertFrame(stream, 'ready', readyFrame([2, 5]));
  assertFrame(stream, 'message', messageFrame(wire));
  assertFrame(stream, 'message', messageFrame(ackFrame(wire, 'c-1')));
  assertFrame(stream, 'room', roomFrame(JSON.stringify(ROOM)));
  assertFrame(stream, 'room', roomFrame(JSON.stringify({ ...ROOM, last_message: null })));
  assertFrame(stream, 'read', readFrame({ roomId: 10, userId: 2, lastReadId: 57 }));
  assertFrame(stream, 'typing', typingFrame({ roomId: 10, userId: 2 }));
  assertFrame(stream, 'presence', presenceFrame({ userId: 2, online: false }));
  for (const code of STREAM_ERRORS) {
    assertFrame(stream, 'error', streamErrorFrame(code, null));
    assertFrame(stream, 'error', streamErrorFrame(code, 'c-1'));
  }
  for (const code of [...ROOM_SOCKET_ERRORS, ...STREAM_ERRORS]) assert.ok(code in ERRORS, code);
});

test('client frames the document allows are read; those it refuses are refused', () => {
  const accepted = (frame: unknown) => parseFrame(Buffer.from(JSON.stringify(frame)), false).ok;
  const send = roomSocket.send as ValidateFunction;
  for (const frame of [
    { text: 'И тебе привет' },
    { text: 'Привет', client_id: 'c-1', user_id: 99, created_at: 'x' },
    { text: 5 },
    { text: 'Привет', client_id: 7 },
    { text: 'Привет', client_id: 'x'.repeat(65) },
    {},
  ]) {
    assert.equal(accepted(frame), send(frame), JSON.stringify(frame));
  }
  const streamAccepted = (frame: unknown) =>
    parseStreamFrame(Buffer.from(JSON.stringify(frame)), false).ok;
  const typing = stream.typingRequest as ValidateFunction;
  for (const frame of [
    { type: 'typing', room_id: 10 },
    { type: 'typing', room_id: '10' },
    { type: 'typing', room_id: 0 },
    { type: 'typing', room_id: 1.5 },
    { type: 'typing', room_id: 2 ** 53 },
    { type: 'typing' },
    { type: 'other', room_id: 10 },
  ]) {
    assert.equal(streamAccepted(frame), typing(frame), JSON.stringify(frame));
  }
});

test("the close codes are the table of close-codes.ts, and so is the README's", () => {
  assert.deepEqual(
    Object.values(CLOSE_CODES),
    Object.values(CLOSES).map((close) => close.code),
  );
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = readme
    .split('\n')
    .filter((line) => /^\| \d{4} /.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  assert.deepEqual(
    rows,
    Object.values(CLOSES).map((close) => [String(close.code), close.meaning, close.clientShould]),
  );
});

for (const backend of backends()) {
  describe(`AsyncAPI document (${backend.name})`, () => {
    let server: TestServer;
    let document: {
      asyncapi: string;
      info: { description: string };
      channels: Record<string, Channel>;
    };
    before(async () => {
      server = await startServer({ backend });
      document = (await request(server.url, 'GET', '/v1/asyncapi.json')).body;
    });
    after(() => server.close());

    test('is a valid AsyncAPI 3 document, served with the API headers', async () => {
      const reply = await fetch(`${server.url}/v1/asyncapi.json`);
      assert.equal(
        reply.headers.get('content-security-policy'),
        "default-src 'none'; frame-ancestors 'none'",
      );
      await reply.arrayBuffer();
      // The bundled schema carries its own draft-07 meta-schema.
      const specAjv = addFormats.default(
        new Ajv({ strict: false, meta: false, validateSchema: false, allErrors: true }),
      );
      const validate = specAjv.compile(asyncApiSpecs.schemas['3.0.0']);
      assert.ok(validate(document), specAjv.errorsText(validate.errors));
      assert.equal(document.asyncapi, '3.0.0');
      for (const close of Object.values(CLOSES)) {
        assert.ok(document.info.description.includes(`| ${close.code} | ${close.meaning} |`));
      }
      const { channels } = document;
      assert.deepEqual(
        Object.keys(channels.roomSocket?.messages ?? {}),
        Object.keys(roomSocketSchemas),
      );
      assert.deepEqual(Object.keys(channels.stream?.messages ?? {}), Object.keys(streamSchemas));
      assert.deepEqual(channels.stream?.messages.ready?.payload, streamSchemas.ready);
    });

    test('what live sockets receive is each time exactly one documented message', async () => {
      const [me, other] = await registerUsers(server.url, 2);
      const roomId = await createRoom(server.url, me, [other]);
      const streamClient = await ChatClient.stream(server.wsUrl, other.session);
      const roomClient = await ChatClient.open(server.wsUrl, roomId, other.session);
      const sender = await ChatClient.open(server.wsUrl, roomId, me.session);
      try {
        await streamClient.waitFor(1);
        await sender.post('Привет', 'c-1');
        sender.send('not json');
        sender.send({ text: ' ', client_id: 'c-2' });
        streamClient.send({ type: 'typing', room_id: roomId + 1000 });
        streamClient.send({ type: 'nothing' });
        await request(server.url, 'POST', `/v1/rooms/${roomId}/read`, {
          session: other.session,
          body: { message_id: 1 },
        });
        await createRoom(server.url, other, [me, (await registerUsers(server.url, 1))[0]]);
        await sendMessage(server.url, me, roomId, 'Как дела?');
        const text = (wanted: string) => (frame: any) =>
          frame.text === wanted || frame.message?.text === wanted;
        await Promise.all([
          sender.find(text('Как дела?')),
          sender.find((frame) => frame.error?.code === 'invalid_message'),
          roomClient.find(text('Как дела?')),
          streamClient.find(text('Как дела?')),
          streamClient.find((frame) => frame.type === 'read'),
          streamClient.find((frame) => frame.type === 'room'),
          streamClient.find((frame) => frame.error?.code === 'invalid_json'),
        ]);
        const roomSocketKind = (frame: any) =>
          'error' in frame ? 'error' : 'client_id' in frame ? 'ack' : 'message';
        for (const frame of [...sender.received, ...roomClient.received]) {
          const validate = roomSocket[roomSocketKind(frame)] as ValidateFunction;
          assert.ok(
            validate(frame),
            `${JSON.stringify(frame)}: ${ajv.errorsText(validate.errors)}`,
          );
        }
        assert.deepEqual(sender.received.map(roomSocketKind), ['ack', 'error', 'error', 'message']);
        assert.deepEqual(roomClient.received.map(roomSocketKind), ['message', 'message']);
        const kinds = streamClient.received.map((frame) => {
          const names = matching(stream, frame, ['typingRequest']);
          assert.equal(names.length, 1, JSON.stringify(frame));
          return names[0];
        });
        // Presence frames come and go with the sockets' timing: counted out, checked all the same.
        assert.deepEqual(kinds.filter((kind) => kind !== 'presence').toSorted(), [
          'error',
          'error',
          'message',
          'message',
          'read',
          'ready',
          'room',
        ]);
      } finally {
        for (const client of [streamClient, roomClient, sender]) client.socket.close();
      }
    });
  });
}
