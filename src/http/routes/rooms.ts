// Rooms: list (one page at a time), create and show. History and sending live in messages.ts.
import type { FastifyInstance } from 'fastify';
import { ROOM_LIST_DEFAULT_LIMIT } from '../../domain/rooms.js';
import { AppError } from '../../errors.js';
import { sessionHook, sessionOf } from '../auth.js';
import { newRoomBody, room, roomInfo, roomListQuery } from '../schemas.js';
import type { HttpServices } from '../services.js';

export interface RoomParams {
  id: string;
}

interface RoomListQuery {
  limit?: number;
  cursor?: string;
}

export function roomRoutes(app: FastifyInstance, services: HttpServices): void {
  const { rooms } = services;
  const onRequest = sessionHook(services.accounts);

  app.get<{ Querystring: RoomListQuery }>(
    '/v1/rooms',
    {
      onRequest,
      schema: { querystring: roomListQuery, response: { 200: { type: 'array', items: room } } },
    },
    async (request, reply) => {
      const { limit = ROOM_LIST_DEFAULT_LIMIT, cursor } = request.query;
      const page = await rooms.list(sessionOf(request).user.id, limit, cursor);
      // RFC 8288; relative to this request's URL, so no Host header is trusted to build it.
      if (page.next)
        reply.header('link', `</v1/rooms?limit=${limit}&cursor=${page.next}>; rel="next"`);
      return page.rooms;
    },
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
    { onRequest, schema: { response: { 200: roomInfo } } },
    async (request) => rooms.get(sessionOf(request).user.id, request.params.id),
  );

  app.get('/v1/rooms/:id/chat', async () => {
    throw new AppError('upgrade_required', 'connect with a WebSocket client');
  });
}
