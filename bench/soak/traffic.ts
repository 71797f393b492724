// The soak's traffic, steady and mixed as a day of real use: every user keeps a stream open and a
// room socket per room, sends a few messages a second, reads over HTTP (rooms, history, markers,
// search, info), sends over HTTP now and then; room sockets reconnect with `after=` and devices
// log in and out all along, so what a connection leaves behind shows up as growth.
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { ChatClient } from '../../client/src/index.js';
import { type BenchUser, type ChatServerTarget, PASSWORD } from '../targets/chat-server.js';
import { inParallel } from '../targets/in-parallel.js';

const USERS = 12;
const ROOM_SIZE = 3;
const SEND_EVERY_MS = 250;
const READ_EVERY_MS = 500;
const RECONNECT_EVERY_MS = 2000;
const NEW_DEVICE_EVERY_MS = 5000;

export interface TrafficCounts {
  sent: number;
  acknowledged: number;
  streamFrames: number;
  httpRequests: number;
  reconnects: number;
  devices: number;
  /** Requests refused, acknowledgements that never came, sockets closed by the server. */
  failures: string[];
}

interface Seat {
  readonly user: BenchUser;
  readonly roomId: number;
  socket: WebSocket;
  lastId: number;
}

function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return once(socket, 'open').then(() => socket);
}

function chatUrl(server: ChatServerTarget, seat: Seat): string {
  const session = encodeURIComponent(seat.user.sessionId);
  return `${server.wsBase}/v1/rooms/${seat.roomId}/chat?session_id=${session}&after=${seat.lastId}`;
}

function streamUrl(server: ChatServerTarget, sessionId: string): string {
  return `${server.wsBase}/v1/stream?session_id=${encodeURIComponent(sessionId)}`;
}

/** Rooms of ROOM_SIZE consecutive users, around the circle: each user is in ROOM_SIZE rooms. */
async function seatUsers(users: BenchUser[]): Promise<Seat[]> {
  const rooms = await inParallel(users, 4, async (owner, index) => {
    const others = Array.from(
      { length: ROOM_SIZE - 1 },
      (_, k) => users[(index + k + 1) % USERS] as BenchUser,
    );
    const room = await owner.client.createRoom(others.map((other) => other.userId));
    return { id: room.id, members: [owner, ...others] };
  });
  return rooms.flatMap((room) =>
    room.members.map((user) => ({
      user,
      roomId: room.id,
      socket: undefined as unknown as WebSocket,
      lastId: 0,
    })),
  );
}

export function startTraffic(server: ChatServerTarget) {
  const counts: TrafficCounts = {
    sent: 0,
    acknowledged: 0,
    streamFrames: 0,
    httpRequests: 0,
    reconnects: 0,
    devices: 0,
    failures: [],
  };
  let running = true;
  const loops: Promise<void>[] = [];
  const every = (ms: number, step: () => Promise<void>) =>
    loops.push(
      (async () => {
        while (running) {
          await step().catch((error: unknown) => {
            if (running) counts.failures.push(String(error));
          });
          await sleep(ms);
        }
      })(),
    );

  const http = async (method: string, path: string, sessionId: string, body?: unknown) => {
    const response = await fetch(server.httpBase + path, {
      method,
      headers: { 'x-session-id': sessionId },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await response.arrayBuffer();
    counts.httpRequests += 1;
    if (response.status !== 200) counts.failures.push(`${method} ${path}: ${response.status}`);
  };

  const connect = async (seat: Seat) => {
    const socket = await open(chatUrl(server, seat));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as {
        id?: number;
        client_id?: string;
        error?: unknown;
      };
      if (frame.error !== undefined) counts.failures.push(`refused: ${String(data)}`);
      if (frame.id !== undefined) seat.lastId = Math.max(seat.lastId, frame.id);
      if (frame.client_id !== undefined && frame.error === undefined) counts.acknowledged += 1;
    });
    socket.on('close', (code) => {
      if (running && seat.socket === socket)
        counts.failures.push(`room socket closed with ${code}`);
    });
    seat.socket = socket;
  };

  const streams: WebSocket[] = [];
  const ready = (async () => {
    const users = await inParallel(
      Array.from({ length: USERS }, (_, index) => `soak_${index}`),
      4,
      (name) => server.register(name),
    );
    const seats = await seatUsers(users);
    await Promise.all(seats.map(connect));
    for (const user of users) {
      const stream = await open(streamUrl(server, user.sessionId));
      stream.on('message', () => {
        counts.streamFrames += 1;
      });
      streams.push(stream);
    }
    const pick = <T>(list: readonly T[]) => list[randomInt(list.length)] as T;
    for (const seat of seats) {
      every(SEND_EVERY_MS * ROOM_SIZE, async () => {
        counts.sent += 1;
        seat.socket.send(
          JSON.stringify({ text: `soak ${counts.sent}`, client_id: `c${counts.sent}` }),
        );
      });
    }
    for (const user of users) {
      const mine = seats.filter((seat) => seat.user === user);
      every(READ_EVERY_MS, async () => {
        const seat = pick(mine);
        const reads: Array<[string, string, unknown?]> = [
          ['GET', '/v1/rooms?limit=50'],
          ['GET', `/v1/rooms/${seat.roomId}/messages?after=${Math.max(0, seat.lastId - 20)}`],
          ['POST', `/v1/rooms/${seat.roomId}/read`, { message_id: Math.max(1, seat.lastId) }],
          ['GET', `/v1/users?q=soak_${randomInt(USERS)}`],
          ['GET', '/v1/info'],
          ['POST', `/v1/rooms/${seat.roomId}/messages`, { text: 'over HTTP' }],
        ];
        const [method, path, body] = pick(reads);
        await http(method, path, user.sessionId, body);
      });
    }
    every(RECONNECT_EVERY_MS, async () => {
      const seat = pick(seats);
      const closing = seat.socket;
      closing.removeAllListeners('close');
      closing.close();
      await once(closing, 'close');
      await connect(seat);
      counts.reconnects += 1;
    });
    every(NEW_DEVICE_EVERY_MS, async () => {
      const { login } = pick(users);
      const sessionId = await new ChatClient({ baseUrl: server.httpBase }).login(login, PASSWORD);
      const stream = await open(streamUrl(server, sessionId));
      const closed = once(stream, 'close');
      await http('POST', '/v1/logout', sessionId, {});
      const [code] = (await closed) as [number];
      if (code !== 4001) counts.failures.push(`a logged-out stream closed with ${code}`);
      counts.devices += 1;
    });
    return seats;
  })();

  return {
    counts,
    ready: ready.then(() => undefined),
    async stop(): Promise<TrafficCounts> {
      running = false;
      await Promise.all(loops);
      for (const seat of await ready) {
        seat.socket.removeAllListeners('close');
        seat.socket.close();
      }
      for (const stream of streams) stream.close();
      return counts;
    },
  };
}
