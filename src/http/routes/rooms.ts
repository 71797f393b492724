// Rooms: list, create, show, and read history. The WebSocket of a room lives in realtime/.
import type { FastifyInstance } from 'fastify';
import { HISTORY_DEFAULT_LIMIT } from '../../domain/messages.js';
import { AppError } from '../../errors.js';
import { sessionHook, sessionOf } from '../auth.js';
import { historyQuery, message, newRoomBody, room } from '../schemas.js';
import type { HttpServices } from '../services.js';

interface RoomParams {
  id: string;
}

interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

export function roomRoutes(app: FastifyInstance, services: HttpServices): void {
  const { rooms, messages } = services;
  const onRequest = sessionHook(services.accounts);

  app.get(
    '/v1/rooms',
    { onRequest, schema: { response: { 200: { type: 'array', items: room } } } },
    async (request) => rooms.list(sessionOf(request).user.id),
  );

  app.post<{ Body: { users: { id: number }[] } }>(
    '/v1/rooms',
    { onRequest, schema: { body: newRoomBody, response: { 200: room } } },
    async (request) => {
      const ids = request.body.users.map((member) => member.id);
      return rooms.create(sessionOf(request).user.id, ids);
    },
  );

  app.get<{ Params: RoomParams }>(
    '/v1/rooms/:id',
    { onRequest, schema: { response: { 200: room } } },
    async (request) => rooms.get(sessionOf(request).user.id, request.params.id),
  );

  app.get<{ Params: RoomParams; Querystring: HistoryQuery }>(
    '/v1/rooms/:id/messages',
    {
      onRequest,
      schema: { querystring: historyQuery, response: { 200: { type: 'array', items: message } } },
    },
    async (request) => {
      const roomId = await rooms.requireMember(sessionOf(request).user.id, request.params.id);
      const { before, after, limit = HISTORY_DEFAULT_LIMIT } = request.query;
      return messages.history(roomId, { before, after, limit });
    },
  );

  app.get('/v1/rooms/:id/chat', async () => {
    throw new AppError('upgrade_required', 'connect with a WebSocket client');
  });
}
