// The stream is a WebSocket (realtime/): a plain HTTP request to its path is told to upgrade.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';

export function streamRoutes(app: FastifyInstance): void {
  app.get('/v1/stream', async () => {
    throw new AppError('upgrade_required', 'connect with a WebSocket client');
  });
}
