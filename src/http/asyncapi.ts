// The WebSocket protocols (room sockets and the stream) as an AsyncAPI 3 document, built from the
// frame definitions' own lists (error codes, close codes) and the HTTP schemas of messages and rooms.
import type { ErrorCode } from '../errors.js';
import { CLOSES } from '../realtime/close-codes.js';
import { ROOM_SOCKET_ERRORS } from '../realtime/frames.js';
import { STREAM_ERRORS } from '../realtime/stream-frames.js';
import { ERROR_MEANINGS, errorMember } from './error-responses.js';
import { message, room, sentMessage } from './schemas.js';

const positiveId = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const clientId = { type: 'string', minLength: 1, maxLength: 64, examples: ['c-1'] } as const;
const echoedClientId = {
  type: 'string',
  description: "the refused frame's own, when it had one",
} as const;

/** Where a refused frame's code means more than the HTTP answer of the same code. */
const FRAME_MEANINGS: Partial<Record<ErrorCode, string>> = {
  too_many_requests:
    'more than `WS_MESSAGES_PER_SECOND` frames a second on this socket, or the user past ' +
    '`USER_MESSAGES_PER_SECOND` over all their sockets and HTTP: this one was dropped',
  unavailable: 'storage unreachable or the server shutting down: not stored, send it again later',
};

function codeList(codes: readonly ErrorCode[]): string {
  const meaning = (code: ErrorCode) => FRAME_MEANINGS[code] ?? ERROR_MEANINGS[code];
  return codes.map((code) => `- \`${code}\`: ${meaning(code)}`).join('\n');
}

export const closeTable = [
  '| code | meaning | the client should |',
  '| --- | --- | --- |',
  ...Object.values(CLOSES).map(
    (close) => `| ${close.code} | ${close.meaning} | ${close.clientShould} |`,
  ),
].join('\n');

const refusals =
  'Refused before the upgrade with a plain HTTP answer and the JSON error body (see the OpenAPI ' +
  'document, `/v1/openapi.json`, for the path): `401 unauthorized`, `403 forbidden_origin`, ' +
  '`503 unavailable`; a plain GET without the upgrade gets `426 upgrade_required`.';

/** `type` fixed to one value, then the frame's own fields. */
function typed(type: string, required: readonly string[], properties: Record<string, unknown>) {
  return {
    type: 'object',
    required: ['type', ...required],
    properties: { type: { const: type }, ...properties },
  };
}

export const roomSocketSchemas = {
  send: {
    type: 'object',
    required: ['text'],
    description: 'Only `text` and `client_id` are read; any other field is ignored.',
    properties: {
      text: { type: 'string', examples: ['И тебе привет'] },
      client_id: clientId,
    },
  },
  message,
  ack: { ...sentMessage, required: [...sentMessage.required, 'client_id'] },
  error: {
    type: 'object',
    required: ['error'],
    properties: { error: errorMember(ROOM_SOCKET_ERRORS), client_id: echoedClientId },
  },
} as const;

export const streamSchemas = {
  typingRequest: typed('typing', ['room_id'], { room_id: positiveId }),
  ready: typed('ready', ['online'], {
    online: {
      type: 'array',
      items: { type: 'integer' },
      description: 'users sharing a room with the caller who are online now ([] with presence off)',
      examples: [[2, 5]],
    },
  }),
  message: typed('message', ['message'], { message: sentMessage }),
  room: typed('room', ['room'], { room }),
  read: typed('read', ['room_id', 'user_id', 'last_read_id'], {
    room_id: { type: 'integer', examples: [10] },
    user_id: { type: 'integer', examples: [2] },
    last_read_id: { type: 'integer', examples: [57] },
  }),
  typing: typed('typing', ['room_id', 'user_id'], {
    room_id: { type: 'integer', examples: [10] },
    user_id: { type: 'integer', examples: [2] },
  }),
  presence: typed('presence', ['user_id', 'online'], {
    user_id: { type: 'integer', examples: [2] },
    online: { type: 'boolean' },
  }),
  error: typed('error', ['error'], {
    error: errorMember(STREAM_ERRORS),
    client_id: echoedClientId,
  }),
} as const;

/** What each frame is for, as a message's summary. */
const SUMMARIES = {
  roomSocket: {
    send: 'Send a message to the room',
    message: "Another connection's message, once stored, in id order",
    ack: 'Your own message as stored, when the frame had a `client_id` (a retry gets the first one)',
    error: 'A frame was refused; the socket stays open',
  },
  stream: {
    typingRequest: 'The user is typing in that room (relayed at most once per 2 s, never stored)',
    ready: 'Always first: every later event of the user’s rooms reaches this stream',
    message:
      "A message stored in one of the user's rooms (their own included; `client_id` only on the author's streams)",
    room: 'A room with the user among its members was created',
    read: "A member's read marker moved through `POST /v1/rooms/:id/read`",
    typing: 'Another member is typing: show it for 6 s or until their message arrives',
    presence: 'A user sharing a room came online or went offline',
    error: 'A client frame was refused; the stream stays open',
  },
} as const;

type Channel = keyof typeof SUMMARIES;

/** The channel's messages; its error frame lists the codes it can carry. */
function messagesOf(
  channel: Channel,
  schemas: Record<string, unknown>,
  errorCodes: readonly ErrorCode[],
) {
  const summaries: Record<string, string> = SUMMARIES[channel];
  return Object.fromEntries(
    Object.entries(schemas).map(([name, payload]) => {
      const codes = name === 'error' ? { description: `Codes:\n${codeList(errorCodes)}` } : {};
      return [
        name,
        { name, summary: summaries[name], ...codes, contentType: 'application/json', payload },
      ];
    }),
  );
}

/** An operation of the server: it `receive`s client frames and `send`s its own. */
function operation(channel: Channel, action: 'send' | 'receive', names: readonly string[]) {
  return {
    action,
    channel: { $ref: `#/channels/${channel}` },
    messages: names.map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` })),
  };
}

const sessionQuery = {
  session_id: { type: 'string', description: 'the session, as `X-Session-Id` carries it on HTTP' },
};

export function asyncApiDocument(version: string) {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'e-chat-server WebSocket protocols',
      version,
      description:
        'Two WebSocket protocols, text frames of JSON both ways. **Room sockets** ' +
        '(`/v1/rooms/{roomId}/chat`) speak the original protocol: one socket per room. ' +
        "**The stream** (`/v1/stream`) carries everything of all the user's rooms on one socket " +
        'per device. The HTTP API is in `/v1/openapi.json` (rendered at `/docs`).\n\n' +
        `### Close codes (both protocols)\n\n${closeTable}\n\n` +
        'The server pings idle connections and drops those that missed the previous pong.',
    },
    defaultContentType: 'application/json',
    channels: {
      roomSocket: {
        address: '/v1/rooms/{roomId}/chat',
        title: 'Room socket',
        description:
          `${refusals} A room the caller may not see is \`422 room_not_found\`; a bad \`after\` ` +
          'is `422 invalid_json`. With `after=<id>` the stored messages above that id are ' +
          'replayed first, in order, then the socket goes live with no gap and no duplicate.',
        parameters: { roomId: { description: 'the room id', examples: ['10'] } },
        messages: messagesOf('roomSocket', roomSocketSchemas, ROOM_SOCKET_ERRORS),
        bindings: {
          ws: {
            query: {
              type: 'object',
              required: ['session_id'],
              properties: {
                ...sessionQuery,
                after: {
                  type: 'integer',
                  minimum: 0,
                  description: 'replay messages above this id',
                },
              },
            },
          },
        },
      },
      stream: {
        address: '/v1/stream',
        title: 'The stream',
        description:
          `${refusals} Nothing is replayed: to catch up, wait for \`ready\`, then read ` +
          '`GET /v1/rooms` and, for each room whose `last_message` is past what you have, ' +
          '`GET /v1/rooms/{id}/messages?after=<last seen id>`; drop repeats by message id.',
        messages: messagesOf('stream', streamSchemas, STREAM_ERRORS),
        bindings: {
          ws: { query: { type: 'object', required: ['session_id'], properties: sessionQuery } },
        },
      },
    },
    operations: {
      sendToRoom: operation('roomSocket', 'receive', ['send']),
      deliverToRoomSocket: operation('roomSocket', 'send', ['message', 'ack', 'error']),
      signalTyping: operation('stream', 'receive', ['typingRequest']),
      deliverToStream: operation('stream', 'send', [
        'ready',
        'message',
        'room',
        'read',
        'typing',
        'presence',
        'error',
      ]),
    },
  };
}
