// One load worker (a worker thread, or a child process when file descriptors must be spread):
// opens its share of the sockets, sends on schedule, and checks every delivery it receives.
import { parentPort } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import WebSocket from 'ws';
import {
  type Command,
  type ConnectionSpec,
  emptyStats,
  messageText,
  nowUs,
  type ReceivedMessage,
  type Report,
  type RunPlan,
  readMessage,
  type SentCounts,
} from './protocol.js';

const TICK_MS = 1;
const DRAIN_POLL_MS = 10;

interface Socket {
  readonly spec: ConnectionSpec;
  readonly ws: WebSocket;
  /** Per member of the room, the last sequence number received from it in this run. */
  readonly lastSeq: Int32Array;
  lastId: number;
  received: number;
}

const sockets: Socket[] = [];
let senders: Socket[] = [];
let plan: RunPlan | undefined;
let stats = emptyStats();
let closing = false;
const latency = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
const received: ReceivedMessage = { id: 0, tag: 0, member: 0, seq: 0, sentAtUs: 0 };

function problem(description: string): void {
  stats.firstProblem ??= description;
}

function onFrame(socket: Socket, data: Buffer): void {
  const frame = data.toString('latin1');
  if (!plan || !readMessage(frame, received) || received.tag !== plan.tag) {
    stats.malformed++;
    problem(`unexpected frame: ${frame.slice(0, 200)}`);
    return;
  }
  const now = nowUs();
  stats.deliveries++;
  socket.received++;
  const expected = (socket.lastSeq[received.member] ?? 0) + 1;
  if (received.seq > expected) stats.gaps++;
  if (received.seq < expected) stats.repeats++;
  else socket.lastSeq[received.member] = received.seq;
  if (received.id !== 0) {
    if (received.id <= socket.lastId) stats.idDisorder++;
    socket.lastId = received.id;
  }
  const measuredFrom = plan.startAtUs + plan.warmupMs * 1000;
  if (received.sentAtUs >= measuredFrom) latency.recordValue(Math.max(1, now - received.sentAtUs));
  if (now >= measuredFrom && now < plan.startAtUs + plan.durationMs * 1000)
    stats.windowDeliveries++;
}

function openSocket(spec: ConnectionSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, { perMessageDeflate: false });
    const socket: Socket = {
      spec,
      ws,
      lastSeq: new Int32Array(spec.roomSize),
      lastId: 0,
      received: 0,
    };
    const opened = () => {
      sockets.push(socket);
      if (spec.sends) senders.push(socket);
      ws.on('message', (data: Buffer) => onFrame(socket, data));
      resolve();
    };
    // A stream's first frame is `ready`: from then on it hears every message of its rooms.
    if (spec.stream) ws.once('message', opened);
    else ws.once('open', opened);
    ws.once('unexpected-response', (_request, response) => {
      reject(new Error(`upgrade refused with ${response.statusCode}`));
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
    ws.on('close', (code) => {
      if (closing) return;
      stats.unexpectedCloses++;
      problem(`socket of member ${spec.member} in room ${spec.room} closed with ${code}`);
    });
  });
}

async function open(connections: ConnectionSpec[], concurrency: number): Promise<Report> {
  let failures = 0;
  let firstError: string | undefined;
  let next = 0;
  const lane = async () => {
    while (next < connections.length) {
      const spec = connections[next++] as ConnectionSpec;
      await openSocket(spec).catch((error: unknown) => {
        failures++;
        firstError ??= String(error);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  // Sorted by their place in the global schedule, so the due times below only grow.
  senders = senders.sort((a, b) => phaseIndex(a.spec) - phaseIndex(b.spec));
  return { type: 'opened', failures, firstError };
}

function phaseIndex(spec: ConnectionSpec): number {
  return spec.room * spec.roomSize + spec.member;
}

/** Open-loop sending: the n-th send of this worker is due at a fixed time, whatever the replies do. */
function run(runPlan: RunPlan): Promise<Report> {
  plan = runPlan;
  stats = emptyStats();
  latency.reset();
  for (const socket of sockets) {
    socket.lastSeq.fill(0);
    socket.received = 0;
  }
  const sent = new Int32Array(senders.length);
  const periodUs = 1e6 / runPlan.rate;
  const endUs = runPlan.startAtUs + runPlan.durationMs * 1000;
  const dueUs = (n: number) => {
    const sender = senders[n % senders.length] as Socket;
    const cycle = Math.floor(n / senders.length);
    return runPlan.startAtUs + (cycle + phaseIndex(sender.spec) / runPlan.senderCount) * periodUs;
  };
  let n = 0;
  let createdAt = '';
  let createdAtSecond = -1;
  return new Promise((resolve) => {
    const tick = () => {
      const now = nowUs();
      const second = Math.floor(Date.now() / 1000);
      if (second !== createdAtSecond) {
        createdAtSecond = second;
        createdAt = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
      }
      for (let due = dueUs(n); due <= now && due < endUs; due = dueUs(n)) {
        const index = n % senders.length;
        const { ws, spec } = senders[index] as Socket;
        const seq = (sent[index] ?? 0) + 1;
        sent[index] = seq;
        const text = messageText(runPlan.tag, spec.member, seq, nowUs());
        ws.send(
          `{"text":"${text}","user_id":${spec.userId},"room_id":${spec.roomId},"created_at":"${createdAt}"}`,
        );
        n++;
      }
      if (dueUs(n) >= endUs) {
        const counts = senders.map((socket, index): [number, number, number] => [
          socket.spec.room,
          socket.spec.member,
          sent[index] ?? 0,
        ]);
        resolve({ type: 'sent', sent: counts });
      } else {
        setTimeout(tick, TICK_MS);
      }
    };
    if (senders.length === 0) resolve({ type: 'sent', sent: [] });
    else setTimeout(tick, Math.max(0, (runPlan.startAtUs - nowUs()) / 1000));
  });
}

/** What a socket should have received: every message of its room but its own member's. */
function expectedFor(socket: Socket, sent: SentCounts): number {
  const counts = sent[socket.spec.room] ?? [];
  let total = 0;
  counts.forEach((count, member) => {
    if (member !== socket.spec.member) total += count;
  });
  return total;
}

async function drain(sent: SentCounts, timeoutMs: number): Promise<Report> {
  const deadline = Date.now() + timeoutMs;
  const complete = () => sockets.every((socket) => socket.received >= expectedFor(socket, sent));
  while (!complete() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  for (const socket of sockets) {
    const counts = sent[socket.spec.room] ?? [];
    counts.forEach((count, member) => {
      if (member === socket.spec.member) return;
      const missing = count - (socket.lastSeq[member] ?? 0);
      if (missing > 0) {
        stats.missing += missing;
        problem(`member ${socket.spec.member} of room ${socket.spec.room} missed ${missing}`);
      }
    });
  }
  stats.histogram = hdr.encodeIntoCompressedBase64(latency);
  return { type: 'drained', stats };
}

async function close(): Promise<Report> {
  closing = true;
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.ws.readyState === WebSocket.CLOSED) return resolve();
          socket.ws.once('close', () => resolve());
          socket.ws.close();
        }),
    ),
  );
  sockets.length = 0;
  senders = [];
  closing = false;
  return { type: 'closed' };
}

function handle(command: Command): Promise<Report> {
  switch (command.type) {
    case 'open':
      return open(command.connections, command.concurrency);
    case 'run':
      return run(command.plan);
    case 'drain':
      return drain(command.sent, command.timeoutMs);
    case 'close':
      return close();
  }
}

function reply(report: Report): void {
  if (parentPort) parentPort.postMessage(report);
  else process.send?.(report);
}

function onCommand(command: Command): void {
  handle(command).then(reply, (error: unknown) => reply({ type: 'failed', error: String(error) }));
}

if (parentPort) parentPort.on('message', onCommand);
else {
  process.on('message', onCommand);
  process.on('disconnect', () => process.exit(0));
}
