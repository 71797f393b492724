// The WebSocket paths (realtime/ serves the upgrades): a plain HTTP request to one is told to upgrade.
import type { FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from '../../errors.js';
import { closeTable } from '../asyncapi.js';
import { errorResponses } from '../error-responses.js';
import { SESSION_QUERY } from '../openapi.js';
import { answer, roomParams } from '../schemas.js';

const AFTER_QUERY = {
  type: 'object',
  properties: {
    after: { type: 'integer', minimum: 0, description: 'replay the stored messages above this id' },
  },
} as const;

/** The upgrade's answers: 101, or a refusal with the JSON error before any frame. */
function upgradeSchema(summary: string, channel: string, ...refusals: ErrorCode[]) {
  return {
    summary,
    description:
      `Open with a WebSocket client; the frames are the \`${channel}\` channel of ` +
      '[the AsyncAPI document](/v1/asyncapi.json). A refused upgrade is a plain HTTP answer ' +
      `with the JSON error; a plain GET is \`426\`.\n\n${closeTable}`,
    tags: ['realtime'],
    security: SESSION_QUERY,
    response: {
      101: answer('switched to the WebSocket protocol', { type: 'null' }),
      ...errorResponses(
        'unauthorized',
        'forbidden_origin',
        'bad_request',
        'upgrade_required',
        // The session or its user already holds as many sockets as allowed.
        'too_many_requests',
        ...refusals,
      ),
    },
  };
}

export function socketRoutes(app: FastifyInstance): void {
  const upgradeRequired = async () => {
    throw new AppError('upgrade_required', 'connect with a WebSocket client');
  };
  app.get(
    '/v1/rooms/:id/chat',
    {
      schema: {
        ...upgradeSchema(
          "A room socket: one room's messages, the original protocol",
          'roomSocket',
          'room_not_found',
          'invalid_json',
        ),
        params: roomParams,
        querystring: AFTER_QUERY,
      },
    },
    upgradeRequired,
  );
  app.get(
    '/v1/stream',
    { schema: upgradeSchema("The stream: all of the user's rooms on one socket", 'stream') },
    upgradeRequired,
  );
}
