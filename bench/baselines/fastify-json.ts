// The HTTP ceiling: bare Fastify routes answering the same JSON as /v1/info and /v1/rooms/:id/messages,
// with no session lookup, no database and no hooks.
import Fastify from 'fastify';

const INFO = { id: 1, login: 'Василий' };

/** The same shape and size as the server's default history page: the latest 50 messages. */
const HISTORY = Array.from({ length: 50 }, (_, index) => ({
  id: index + 1,
  text: `message ${index + 1} of the history page`,
  user_id: (index % 10) + 1,
  room_id: 1,
  created_at: '2015-08-05T22:18:45Z',
}));

const app = Fastify({ logger: false });
app.get('/v1/info', async () => INFO);
app.get('/v1/rooms/:id/messages', async () => HISTORY);

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => process.exit(0));
