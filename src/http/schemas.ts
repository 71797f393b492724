// JSON Schemas of request and response shapes; responses are serialised from them too.

import { HISTORY_MAX_LIMIT } from '../domain/messages.js';
import { ROOM_MAX_MEMBERS } from '../domain/rooms.js';
import { USER_SEARCH_MAX_LIMIT } from '../domain/users.js';

/** Generous outer bounds; the domain applies the exact rules (after NFC) with clearer messages. */
export const credentialsBody = {
  type: 'object',
  required: ['login', 'password'],
  properties: {
    login: { type: 'string', maxLength: 1024 },
    password: { type: 'string', maxLength: 4096 },
  },
} as const;

export const sessionReply = {
  type: 'object',
  required: ['session_id'],
  properties: { session_id: { type: 'string' } },
} as const;

export const user = {
  type: 'object',
  required: ['id', 'login'],
  properties: { id: { type: 'integer' }, login: { type: 'string' } },
} as const;

export const room = {
  type: 'object',
  required: ['id', 'users'],
  properties: { id: { type: 'integer' }, users: { type: 'array', items: user } },
} as const;

export const message = {
  type: 'object',
  required: ['id', 'text', 'user_id', 'room_id', 'created_at'],
  properties: {
    id: { type: 'integer' },
    text: { type: 'string' },
    user_id: { type: 'integer' },
    room_id: { type: 'integer' },
    created_at: { type: 'string' },
  },
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
        properties: { id: { type: 'integer' }, login: {} },
      },
    },
  },
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
    q: { type: 'string' },
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
