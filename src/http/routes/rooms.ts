// Rooms: list (one page at a time), create and show. History and sending live in messages.ts,
// the room socket's path in sockets.ts.
import type { FastifyInstance } from 'fastify';
import { ROOM_LIST_DEFAULT_LIMIT } from '../../domain/rooms.js';
import { sessionHook, sessionOf } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { SESSION_HEADER } from '../openapi.js';
import { answer, newRoomBody, room, roomInfo, roomListQuery, roomParams } from '../schemas.js';
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
      schema: {
        summary: "The caller's rooms, most recently active first, one page",
        description:
          'At most `limit` rooms; when more remain, a `Link: <…>; rel="next"` header gives the ' +
          "next page's URL. Pages never repeat or skip a room that did not change meanwhile.",
        tags: ['rooms'],
        security: SESSION_HEADER,
        querystring: roomListQuery,
        response: {
          200: answer('one page of rooms', {
            type: 'array',
            items: room,
            headers: {
              Link: { type: 'string', description: 'RFC 8288 `rel="next"`, when more remain' },
            },
          }),
          ...errorResponses('unauthorized', 'invalid_json'),
        },
      },
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
    {
      onRequest,
      schema: {
        summary: 'Start a room with these users, or get the one they already share',
        description:
          'The members are the caller plus the listed ids (a `login` is ignored, duplicates ' +
          'too). The same member set always gives the same room, also when requests race. ' +
          'Creating is limited per user: a rate (`429`) and a total (`422 too_many_rooms`).',
        tags: ['rooms'],
        security: SESSION_HEADER,
        body: newRoomBody,
        response: {
          200: answer('the room', room),
          ...errorResponses(
            'unauthorized',
            'invalid_json',
            'user_not_found',
            'too_many_rooms',
            'too_many_requests',
            'payload_too_large',
          ),
        },
      },
    },
    async (request) => {
      const ids = request.body.users.map((member) => member.id);
      return rooms.create(sessionOf(request).user.id, ids);
    },
  );

  app.get<{ Params: RoomParams }>(
    '/v1/rooms/:id',
    {
      onRequest,
      schema: {
        summary: 'A room, with every member’s read marker',
        tags: ['rooms'],
        security: SESSION_HEADER,
        params: roomParams,
        response: {
          200: answer('the room', roomInfo),
          ...errorResponses('unauthorized', 'room_not_found'),
        },
      },
    },
    async (request) => rooms.get(sessionOf(request).user.id, request.params.id),
  );
}
