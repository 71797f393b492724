// The ceiling of Node + `ws` here: a bare relay. Rooms by URL path; each frame goes to the room's other sockets.
// No authentication, no storage, no ordering work: what the chat server is measured against.
import { createServer } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();

const server = createServer((_request, response) => {
  response.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws, request) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const room = rooms.get(path) ?? new Set<WebSocket>();
  rooms.set(path, room);
  room.add(ws);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    for (const other of room) if (other !== ws) other.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(path);
  });
  ws.on('error', () => ws.terminate());
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
