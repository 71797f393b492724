// The ceiling of Node + `ws` here: a bare relay. Rooms by URL path; each frame goes to the room's other
// sockets. No authentication, no storage, no ordering work: what the chat server is measured against.
// RELAY=batched relays the frames read in one event-loop turn together at its end, each socket corked
// so that it gets one write: the batching the chat server does, still without storage or auth.
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

interface Frame {
  readonly from: WebSocket;
  readonly room: Set<WebSocket>;
  readonly data: Buffer;
}

const batched = process.env.RELAY === 'batched';
const rooms = new Map<string, Set<WebSocket>>();
const socketOf = new WeakMap<WebSocket, Duplex>();
const pending: Frame[] = [];

function send({ from, room, data }: Frame, corked?: Set<Duplex>): void {
  for (const other of room) {
    if (other === from) continue;
    const socket = socketOf.get(other);
    if (corked && socket && !corked.has(socket)) {
      socket.cork();
      corked.add(socket);
    }
    other.send(data, { binary: false });
  }
}

function flush(): void {
  const corked = new Set<Duplex>();
  for (const frame of pending.splice(0)) send(frame, corked);
  for (const socket of corked) socket.uncork();
}

function relay(frame: Frame): void {
  if (!batched) send(frame);
  else if (pending.push(frame) === 1) setImmediate(flush);
}

function join(ws: WebSocket, socket: Duplex, url: string | undefined): void {
  const path = new URL(url ?? '/', 'http://localhost').pathname;
  const room = rooms.get(path) ?? new Set<WebSocket>();
  rooms.set(path, room);
  room.add(ws);
  socketOf.set(ws, socket);
  ws.on('message', (data: Buffer) => relay({ from: ws, room, data }));
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(path);
  });
  ws.on('error', () => ws.terminate());
}

const server = createServer((_request, response) => {
  response.writeHead(404).end();
});
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
});
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => join(ws, socket, request.url));
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
