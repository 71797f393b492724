// A room's messages over HTTP: read history, send (like a room socket does), mark as read.
import type { FastifyInstance } from 'fastify';
import { HISTORY_DEFAULT_LIMIT, toMessageJson } from '../../domain/messages.js';
import { sessionHook, sessionOf } from '../auth.js';
import { historyQuery, readBody, readMarker, sendBody, sentMessage } from '../schemas.js';
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
  const { rooms, messages, readMarkers, sendLimiter, userRate } = services;
  const onRequest = sessionHook(services.accounts);

  app.get<{ Params: RoomParams; Querystring: HistoryQuery }>(
    '/v1/rooms/:id/messages',
    { onRequest, schema: { querystring: historyQuery } },
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
    { onRequest, schema: { body: sendBody, response: { 200: sentMessage } } },
    async (request) => {
      const { user, key } = sessionOf(request);
      const roomId = await rooms.requireMember(user.id, request.params.id);
      sendLimiter.take(key);
      userRate.take(user.id);
      const clientId = request.body.client_id ?? null;
      const stored = await messages.post({
        roomId,
        userId: user.id,
        text: request.body.text,
        clientId,
      });
      const json = toMessageJson(stored);
      return clientId === null ? json : { ...json, client_id: clientId };
    },
  );

  app.post<{ Params: RoomParams; Body: { message_id: number } }>(
    '/v1/rooms/:id/read',
    { onRequest, schema: { body: readBody, response: { 200: readMarker } } },
    async (request) =>
      readMarkers.markRead(sessionOf(request).user.id, request.params.id, request.body.message_id),
  );
}
