// The HTTP ceiling for a JSON answer: bare node:http sending bytes computed before the run, per
// path, read from the file BODIES_FILE names ({"/path": "<body>"}). No routing library, no session,
// no database: only what any server must do to send those bytes.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodies = new Map<string, Buffer>(
  Object.entries(JSON.parse(readFileSync(process.env.BODIES_FILE as string, 'utf8'))).map(
    ([path, body]) => [path, Buffer.from(body as string)],
  ),
);
const NOT_FOUND = Buffer.from('{"error":{"code":"not_found"}}');

const server = createServer((request, response) => {
  const body = bodies.get(request.url ?? '');
  response.writeHead(body ? 200 : 404, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': (body ?? NOT_FOUND).length,
  });
  response.end(body ?? NOT_FOUND);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
