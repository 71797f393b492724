// Conversation state over HTTP: the rooms list of a user in 200 rooms (50 unread each) and a
// 50-message history page, each next to bare node:http sending the same bytes precomputed (with
// GET /v1/info beside them: what any authenticated route costs); and
// sending over HTTP next to sending on a room socket (both closed loops of 10 senders).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPrecomputedBaseline } from '../targets/baselines.js';
import { type BenchUser, type ChatServerTarget, startChatServer } from '../targets/chat-server.js';
import { inParallel } from '../targets/in-parallel.js';
import type { Started } from '../targets/processes.js';
import type { Figure, Scenario, ScenarioOutcome } from './context.js';
import { describeHttp, type HttpResult, httpLoad } from './http-load.js';

const ROOMS = 200;
const UNREAD_PER_ROOM = 50;
/** Enough others for 200 distinct member sets: the reader with one or two of them. */
const OTHERS = 20;
const CONNECTIONS = 10;
const SEED_CONCURRENCY = 16;

interface Seeded {
  readonly reader: BenchUser;
  readonly sender: BenchUser;
  readonly historyRoom: number;
  /** Rooms of the sender with nobody else connected: one per socket sender, the first for HTTP. */
  readonly sendRooms: number[];
}

/** The reader's 200 rooms, each with 50 messages of another member. */
async function seed(server: ChatServerTarget): Promise<Seeded> {
  const reader = await server.register('conv_reader');
  const others = await inParallel(
    Array.from({ length: OTHERS }, (_, index) => `conv_other_${index}`),
    SEED_CONCURRENCY,
    (name) => server.register(name),
  );
  const memberSets = others.flatMap((first, index) => [
    [first],
    ...others.slice(index + 1).map((second) => [first, second]),
  ]);
  const rooms = await inParallel(memberSets.slice(0, ROOMS), SEED_CONCURRENCY, async (members) => {
    const room = await reader.client.createRoom(members.map((member) => member.userId));
    return { id: room.id, author: members[0] as BenchUser };
  });
  const sends = rooms.flatMap((room) =>
    Array.from({ length: UNREAD_PER_ROOM }, (_, index) => ({ room, index })),
  );
  await inParallel(sends, SEED_CONCURRENCY, ({ room, index }) =>
    room.author.client.send(room.id, `message ${index + 1} of the history page`),
  );
  const sender = await server.register('conv_sender');
  const sendRooms = await inParallel(others.slice(0, CONNECTIONS), SEED_CONCURRENCY, (other) =>
    sender.client.createRoom([other.userId]).then((room) => room.id),
  );
  return { reader, sender, historyRoom: rooms[0]?.id as number, sendRooms };
}

/** The server's exact answer, which the baseline then sends precomputed. */
async function answerOf(server: ChatServerTarget, path: string, session: string): Promise<string> {
  const response = await fetch(server.httpBase + path, { headers: { 'x-session-id': session } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  if (response.headers.get('link')) throw new Error(`${path}: more than one page`);
  return response.text();
}

interface SendResult {
  readonly perSecond: number;
  readonly p99Ms: number;
}

/** `connections` room sockets, one per room, each sending its next message once the last is acknowledged. */
async function socketSends(
  server: ChatServerTarget,
  session: string,
  rooms: readonly number[],
  seconds: number,
): Promise<SendResult> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    rooms.map(async (roomId) => {
      const ws = new WebSocket(`${server.wsBase}/v1/rooms/${roomId}/chat?session_id=${session}`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      let sentAt = 0;
      let count = 0;
      const sendNext = () => {
        sentAt = performance.now();
        ws.send(JSON.stringify({ text: 'bench send', client_id: `s${roomId}-${count++}` }));
      };
      await new Promise<void>((resolve) => {
        ws.on('message', () => {
          const now = performance.now();
          latencies.push(now - sentAt);
          if (now < deadline) sendNext();
          else resolve();
        });
        sendNext();
      });
      ws.close();
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

function figure(
  metric: string,
  server: number,
  baseline: number,
  unit: string,
  note?: string,
): Figure {
  return {
    scenario: 'conversation',
    metric,
    server,
    baseline,
    unit,
    better: unit === 'ms' ? 'lower' : 'higher',
    note,
  };
}

export const conversation: Scenario = {
  name: 'conversation',
  description:
    'GET /v1/rooms (200 rooms, 50 unread each) and a 50-message history page next to bare node:http precomputed; HTTP send next to a room-socket send',
  async run(context): Promise<ScenarioOutcome> {
    let server: ChatServerTarget | undefined;
    let baseline: Started | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'e-chat-bench-bodies-'));
    const seconds = context.full ? 15 : 5;
    try {
      server = await startChatServer({ args: context.serverArgs });
      const seeded = await seed(server);
      const infoPath = '/v1/info';
      const roomsPath = '/v1/rooms';
      const historyPath = `/v1/rooms/${seeded.historyRoom}/messages`;
      const bodiesFile = join(dir, 'bodies.json');
      const bodies = {
        [infoPath]: await answerOf(server, infoPath, seeded.reader.sessionId),
        [roomsPath]: await answerOf(server, roomsPath, seeded.reader.sessionId),
        [historyPath]: await answerOf(server, historyPath, seeded.reader.sessionId),
      };
      writeFileSync(bodiesFile, JSON.stringify(bodies));
      context.log(
        `rooms list ${Buffer.byteLength(bodies[roomsPath] as string)} B, history ${Buffer.byteLength(bodies[historyPath] as string)} B`,
      );
      baseline = await startPrecomputedBaseline(bodiesFile);
      const bases = { server: server.httpBase, baseline: `http://127.0.0.1:${baseline.port}` };
      const results: Record<string, HttpResult> = {};
      const measure = async (
        label: string,
        url: string,
        extra: Partial<Parameters<typeof httpLoad>[0]> = {},
      ) => {
        const headers = { 'x-session-id': seeded.reader.sessionId, ...extra.headers };
        results[label] = await httpLoad({
          url,
          seconds,
          connections: CONNECTIONS,
          ...extra,
          headers,
        });
        context.log(describeHttp(label, results[label]));
        return results[label];
      };
      // The floor: a route that reads nothing but the (cached) session.
      const info = {
        server: await measure('server GET /v1/info', bases.server + infoPath),
        baseline: await measure('baseline GET /v1/info', bases.baseline + infoPath),
      };
      const rooms = {
        server: await measure('server GET /v1/rooms', bases.server + roomsPath),
        baseline: await measure('baseline GET /v1/rooms', bases.baseline + roomsPath),
      };
      const history = {
        server: await measure('server GET messages', bases.server + historyPath),
        baseline: await measure('baseline GET messages', bases.baseline + historyPath),
      };
      const httpSend = await measure(
        'server POST messages',
        `${bases.server}/v1/rooms/${seeded.sendRooms[0]}/messages`,
        {
          method: 'POST',
          headers: { 'x-session-id': seeded.sender.sessionId, 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'bench send' }),
        },
      );
      const socketSend = await socketSends(
        server,
        seeded.sender.sessionId,
        seeded.sendRooms,
        seconds,
      );
      context.log(
        `room-socket send ${Math.round(socketSend.perSecond)} msg/s  p99 ${socketSend.p99Ms.toFixed(2)} ms`,
      );
      const sendNote = 'Baseline column: the same sends on room sockets (10 closed loops each)';
      return {
        figures: [
          figure(
            'GET /v1/info req/s',
            info.server.requestsPerSecond,
            info.baseline.requestsPerSecond,
            '/s',
            'Baseline column: bare node:http sending the same bytes precomputed',
          ),
          figure(
            'GET /v1/rooms req/s (200 rooms)',
            rooms.server.requestsPerSecond,
            rooms.baseline.requestsPerSecond,
            '/s',
          ),
          figure('GET /v1/rooms p99', rooms.server.p99Ms, rooms.baseline.p99Ms, 'ms'),
          {
            ...figure(
              'GET messages req/s (50)',
              history.server.requestsPerSecond,
              history.baseline.requestsPerSecond,
              '/s',
            ),
            targetRatio: 0.5,
          },
          figure('GET messages p99', history.server.p99Ms, history.baseline.p99Ms, 'ms'),
          figure(
            'send: HTTP vs room socket, msg/s',
            httpSend.requestsPerSecond,
            socketSend.perSecond,
            '/s',
            sendNote,
          ),
          figure('send p99: HTTP vs room socket', httpSend.p99Ms, socketSend.p99Ms, 'ms', sendNote),
        ],
        details: { connections: CONNECTIONS, seconds, results, socketSend },
        failures: Object.entries(results).flatMap(([label, result]) =>
          result.problems ? [`conversation ${label}: ${result.problems}`] : [],
        ),
      };
    } finally {
      await server?.stop();
      await baseline?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
