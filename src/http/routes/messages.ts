// A room's messages over HTTP: read history, send (like a room socket does), mark as read.
import type { FastifyInstance } from 'fastify';
import { HISTORY_DEFAULT_LIMIT, toMessageJson } from '../../domain/messages.js';
import { AppError } from '../../errors.js';
import { sessionHook, sessionOf } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { SESSION_HEADER } from '../openapi.js';
import {
  answer,
  historyQuery,
  message,
  readBody,
  readMarker,
  roomParams,
  sendBody,
  sentMessage,
} from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { RoomParams } from './rooms.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

interface SendBody {
  text: string;
  client_id?: string | null;
}

export function messageRoutes(app: FastifyInstance, services: HttpServices): void {
  const { rooms, messages, readMarkers, sendLimiter } = services;
  const onRequest = sessionHook(services.accounts);

  app.get<{ Params: RoomParams; Querystring: HistoryQuery }>(
    '/v1/rooms/:id/messages',
    {
      onRequest,
      schema: {
        summary: "A page of the room's messages, oldest first",
        description:
          'By default the latest 50. `before=<id>`: the latest messages below that id (scrolling ' +
          'back); `after=<id>`: the oldest above it (catching up); `limit` 1 to 200.',
        tags: ['messages'],
        security: SESSION_HEADER,
        params: roomParams,
        querystring: historyQuery,
        // Documents the JSON the database builds; the handler sends that text as it is.
        response: {
          200: answer('messages by id', { type: 'array', items: message }),
          ...errorResponses('unauthorized', 'room_not_found', 'invalid_json'),
        },
      },
    },
    async (request, reply) => {
      const room = await rooms.requireMemberAt(sessionOf(request).user.id, request.params.id);
      const { before, after, limit = HISTORY_DEFAULT_LIMIT } = request.query;
      // Already JSON, built by the database: sent as it is.
      const json = await messages.historyJson(
        room.roomId,
        { before, after, limit },
        room.lastMessageId,
      );
      return reply.type(JSON_CONTENT_TYPE).send(json);
    },
  );

  app.post<{ Params: RoomParams; Body: SendBody }>(
    '/v1/rooms/:id/messages',
    {
      onRequest,
      schema: {
        summary: 'Send a message, as a room socket frame would',
        description:
          'Stored before it is answered, then delivered to every connection of the room. The ' +
          'same user, room and `client_id` (over HTTP or a WebSocket) stores nothing new and ' +
          'answers with the first message. Limited per session and per user, over all their sockets ' +
          'and nodes (`429` with `Retry-After`).',
        tags: ['messages'],
        security: SESSION_HEADER,
        params: roomParams,
        body: sendBody,
        response: {
          200: answer('the stored message', sentMessage),
          ...errorResponses(
            'unauthorized',
            'invalid_json',
            'invalid_message',
            'message_too_long',
            'room_not_found',
            'too_many_requests',
            'payload_too_large',
          ),
        },
      },
    },
    async (request) => {
      const { user, key } = sessionOf(request);
      const roomId = await rooms.requireMember(user.id, request.params.id);
      sendLimiter.take(key);
      const clientId = request.body.client_id ?? null;
      const admitted = messages.admit({
        roomId,
        userId: user.id,
        text: request.body.text,
        clientId,
      });
      if (admitted instanceof AppError) throw admitted;
      const stored = await messages.post(admitted);
      const json = toMessageJson(stored);
      return clientId === null ? json : { ...json, client_id: clientId };
    },
  );

  app.post<{ Params: RoomParams; Body: { message_id: number } }>(
    '/v1/rooms/:id/read',
    {
      onRequest,
      schema: {
        summary: "Move the caller's read marker forward",
        description:
          "The marker becomes the smaller of `message_id` and the room's last message id, if " +
          'that is ahead of it; the answer says where it is. Every stream of every member hears ' +
          'of it.',
        tags: ['messages'],
        security: SESSION_HEADER,
        params: roomParams,
        body: readBody,
        response: {
          200: answer('where the marker is now', readMarker),
          ...errorResponses('unauthorized', 'invalid_json', 'room_not_found', 'payload_too_large'),
        },
      },
    },
    async (request) =>
      readMarkers.markRead(sessionOf(request).user.id, request.params.id, request.body.message_id),
  );
}
