// JSON Schemas of request and response shapes; responses are serialised from them too.

import { HISTORY_MAX_LIMIT } from '../domain/messages.js';
import { ROOM_LIST_MAX_LIMIT, ROOM_MAX_MEMBERS } from '../domain/rooms.js';
import { USER_SEARCH_MAX_LIMIT } from '../domain/users.js';

/**
 * A response schema and what the answer means: the document shows it as the response's
 * description (@fastify/swagger's key), not as the body's.
 */
export function answer<Schema extends object>(description: string, schema: Schema) {
  return { 'x-response-description': description, ...schema } as const;
}

/** Generous outer bounds; the domain applies the exact rules (after NFC) with clearer messages. */
export const credentialsBody = {
  type: 'object',
  required: ['login', 'password'],
  properties: {
    login: { type: 'string', maxLength: 1024, examples: ['Василий'] },
    password: { type: 'string', maxLength: 4096, examples: ['kettle-moss-42'] },
  },
} as const;

export const sessionReply = {
  type: 'object',
  required: ['session_id'],
  properties: {
    session_id: { type: 'string', examples: ['5f0e3c1a-8d2b-4e61-9a47-2c9d7b3e1f60'] },
  },
} as const;

export const user = {
  type: 'object',
  required: ['id', 'login'],
  properties: {
    id: { type: 'integer', examples: [1] },
    login: { type: 'string', examples: ['Василий'] },
  },
  examples: [{ id: 2, login: 'Пётр' }],
} as const;

export const message = {
  type: 'object',
  required: ['id', 'text', 'user_id', 'room_id', 'created_at'],
  properties: {
    id: { type: 'integer', examples: [7] },
    text: { type: 'string', examples: ['Привет'] },
    user_id: { type: 'integer', examples: [1] },
    room_id: { type: 'integer', examples: [10] },
    created_at: {
      type: 'string',
      description: 'UTC, to the second',
      examples: ['2015-08-05T22:18:45Z'],
    },
  },
} as const;

export const sentMessage = {
  ...message,
  properties: { ...message.properties, client_id: { type: 'string', examples: ['c-1'] } },
} as const;

export const room = {
  type: 'object',
  required: ['id', 'users', 'last_message', 'last_read_id', 'unread'],
  properties: {
    id: { type: 'integer', examples: [10] },
    users: { type: 'array', items: user, description: 'the members, by id' },
    last_message: { ...message, type: ['object', 'null'] },
    last_read_id: { type: 'integer', description: "the caller's read marker", examples: [7] },
    unread: {
      type: 'integer',
      description: "other members' messages past the caller's marker, up to 1000",
      examples: [3],
    },
  },
} as const;

export const roomInfo = {
  ...room,
  required: [...room.required, 'read'],
  properties: {
    ...room.properties,
    read: {
      type: 'array',
      description: "every member's read marker, by user id",
      items: {
        type: 'object',
        required: ['user_id', 'last_read_id'],
        properties: { user_id: { type: 'integer' }, last_read_id: { type: 'integer' } },
      },
    },
  },
} as const;

export const readMarker = {
  type: 'object',
  required: ['room_id', 'last_read_id'],
  properties: { room_id: { type: 'integer' }, last_read_id: { type: 'integer' } },
} as const;

export const newRoomBody = {
  type: 'object',
  required: ['users'],
  properties: {
    users: {
      type: 'array',
      maxItems: ROOM_MAX_MEMBERS,
      items: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'integer', examples: [2] },
          login: { description: 'ignored', examples: ['Пётр'] },
        },
      },
    },
  },
} as const;

/** A room's id as the URL gives it: anything but a positive integer is just not a room. */
export const roomParams = {
  type: 'object',
  properties: { id: { type: 'string', examples: ['10'] } },
} as const;

/** A whole number in a query string (`finite` is our keyword: see validation.ts). */
function queryInteger(minimum: number, maximum?: number) {
  return {
    type: 'integer',
    minimum,
    ...(maximum === undefined ? {} : { maximum }),
    finite: true,
  } as const;
}

export const userSearchQuery = {
  type: 'object',
  properties: {
    q: {
      type: 'string',
      description: 'a piece of the login; ё and е match alike',
      examples: ['Вас'],
    },
    limit: queryInteger(1, USER_SEARCH_MAX_LIMIT),
  },
} as const;

export const historyQuery = {
  type: 'object',
  properties: {
    before: queryInteger(1),
    after: queryInteger(0),
    limit: queryInteger(1, HISTORY_MAX_LIMIT),
  },
} as const;

export const roomListQuery = {
  type: 'object',
  properties: {
    limit: queryInteger(1, ROOM_LIST_MAX_LIMIT),
    cursor: { type: 'string', maxLength: 64 },
  },
} as const;

/** Bodies are not coerced: `"7"` is not an id. */
export const readBody = {
  type: 'object',
  required: ['message_id'],
  properties: {
    message_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

/** The exact client id rule is the domain's, shared with room sockets. */
export const sendBody = {
  type: 'object',
  required: ['text'],
  properties: {
    text: { type: 'string', examples: ['Привет'] },
    client_id: { type: ['string', 'null'], description: '1 to 64 characters', examples: ['c-1'] },
  },
} as const;
