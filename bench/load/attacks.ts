// The abuse an attacker can throw at one server, each started in the background and stopped with
// a count of what it achieved: shared by the abuse tests (bounds on memory and descriptors) and
// the abuse benchmark (the collateral on well-behaved clients).
import { randomInt } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { defaultValue, type SettingName } from '../../src/config.js';
import { inParallel } from '../targets/in-parallel.js';

export interface AttackTarget {
  readonly httpBase: string;
  readonly wsBase: string;
  /** Every account an attack registers gets this password. */
  readonly password: string;
  /** Prefix of the logins an attack registers: unique per run. */
  readonly loginPrefix: string;
}

/** What an attack achieved, by name: rooms created, guesses checked, sockets dropped… */
export type AttackReport = Record<string, number>;

export interface RunningAttack {
  /** The counts so far, updated as the attack goes. */
  readonly report: AttackReport;
  stop(): Promise<AttackReport>;
}

export const ATTACK_NAMES = [
  'room-flood',
  'slowloris',
  'idle-sockets',
  'never-reads',
  'frame-flood',
  'brute-force',
] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

/** The limits test and bench servers widen for their own load. */
const WIDENED_LIMITS: SettingName[] = [
  'WS_MESSAGES_PER_SECOND',
  'USER_MESSAGES_PER_SECOND',
  'USER_MESSAGE_BURST',
  'WS_SOCKETS_PER_SESSION',
  'WS_SOCKETS_PER_USER',
  'ROOM_CREATIONS_PER_MINUTE',
  'ROOMS_CREATED_MAX',
  'WS_MAX_BUFFERED_BYTES',
];

/**
 * The environment of a server under attack: those limits back at the server's defaults, and the
 * address of a request taken from X-Forwarded-For, so a brute force can come from many addresses.
 */
export const ATTACKED_SERVER_ENV: Record<string, string> = {
  ...Object.fromEntries(WIDENED_LIMITS.map((name) => [name, defaultValue(name) as string])),
  TRUST_PROXY: 'true',
};

/** How hard each attack pushes. */
export const ATTACK_SIZE = {
  floodUsers: 10,
  floodMembers: 30,
  slowlorisSockets: 500,
  idleUsers: 200,
  idleSocketsPerUser: 10,
  slowReaders: 10,
  slowReaderSenders: 5,
  floodSockets: 10,
  guessLanes: 8,
} as const;

const SETUP_CONCURRENCY = 8;
const DRIP_MS = 1000;
const SLOW_TEXT = 'x'.repeat(4000);
/** What a frame flood throws: bad JSON, blanks, oversized texts and plain messages over the rate. */
const FLOOD_FRAMES = [
  'not json',
  '{"text":"   "}',
  JSON.stringify({ text: 'y'.repeat(5000) }),
  '{"text":"flood"}',
];
const FLOOD_HIGH_WATER = 64 * 1024;

interface Account {
  readonly userId: number;
  readonly login: string;
  readonly sessionId: string;
}

let registered = 0;

/**
 * One request on a connection of its own, closed after the answer: once an attack stops, none of
 * its connections is left open (a pooled keep-alive one would stay for a minute).
 */
async function call(
  target: AttackTarget,
  method: string,
  path: string,
  options: { body?: unknown; session?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; bytes: number; body: any }> {
  const headers: Record<string, string> = { connection: 'close', ...options.headers };
  if (options.session !== undefined) headers['x-session-id'] = options.session;
  const response = await fetch(target.httpBase + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) };
}

async function expectOk(reply: Promise<{ status: number; body: any }>): Promise<any> {
  const { status, body } = await reply;
  if (status !== 200) throw new Error(`attack setup refused: ${status} ${JSON.stringify(body)}`);
  return body;
}

async function registerMany(target: AttackTarget, role: string, count: number): Promise<Account[]> {
  const names = Array.from(
    { length: count },
    () => `${target.loginPrefix}_${role}_${registered++}`,
  );
  return inParallel(names, SETUP_CONCURRENCY, async (login) => {
    const body = { login, password: target.password };
    const { session_id: sessionId } = await expectOk(
      call(target, 'POST', '/v1/register', { body }),
    );
    const { id } = await expectOk(call(target, 'GET', '/v1/info', { session: sessionId }));
    return { userId: id, login, sessionId };
  });
}

async function createRoom(target: AttackTarget, owner: Account, others: Account[]) {
  const body = { users: others.map((other) => ({ id: other.userId })) };
  const room = await expectOk(
    call(target, 'POST', '/v1/rooms', { body, session: owner.sessionId }),
  );
  return room as { id: number };
}

function countInto(report: AttackReport, key: string, by = 1): void {
  report[key] = (report[key] ?? 0) + by;
}

/** `lanes` loops of `step`, each running until stopped. */
function lanes(count: number, step: (lane: number) => Promise<void>) {
  let running = true;
  const done = Promise.all(
    Array.from({ length: count }, async (_, lane) => {
      while (running) await step(lane);
    }),
  );
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}

function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function chatUrl(target: AttackTarget, roomId: number, account: Account): string {
  return `${target.wsBase}/v1/rooms/${roomId}/chat?session_id=${encodeURIComponent(account.sessionId)}`;
}

/** Accounts creating rooms of random members as fast as they are answered, and listing theirs. */
async function roomFlood(target: AttackTarget): Promise<RunningAttack> {
  const attackers = await registerMany(target, 'flood', ATTACK_SIZE.floodUsers);
  const members = await registerMany(target, 'member', ATTACK_SIZE.floodMembers);
  const report: AttackReport = { created: 0, largestPageBytes: 0 };
  const create = async (attacker: Account) => {
    const others = members.filter(() => randomInt(2) === 1);
    const body = { users: others.map((other) => ({ id: other.userId })) };
    const reply = await call(target, 'POST', '/v1/rooms', { body, session: attacker.sessionId });
    if (reply.status === 200) countInto(report, 'created');
    else countInto(report, `refused ${reply.status} ${reply.body.error?.code}`);
  };
  const list = async (attacker: Account) => {
    const reply = await call(target, 'GET', '/v1/rooms?limit=500', { session: attacker.sessionId });
    countInto(report, 'listed');
    report.largestPageBytes = Math.max(report.largestPageBytes ?? 0, reply.bytes);
  };
  const flood = lanes(attackers.length * 2, async (lane) => {
    const attacker = attackers[lane >> 1] as Account;
    await (lane % 2 === 0 ? create(attacker) : list(attacker));
  });
  return { report, stop: () => flood.stop().then(() => report) };
}

/** Connections sending a request's headers one line per second, reopened when dropped. */
async function slowloris(target: AttackTarget): Promise<RunningAttack> {
  const { hostname, port } = new URL(target.httpBase);
  const report: AttackReport = { opened: 0, dropped: 0 };
  const sockets = new Set<Socket>();
  let running = true;
  const open = () => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET /v1/info HTTP/1.1\r\nHost: ${hostname}\r\n`);
    });
    countInto(report, 'opened');
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.once('close', () => {
      sockets.delete(socket);
      if (!running) return;
      countInto(report, 'dropped');
      open();
    });
  };
  for (let n = 0; n < ATTACK_SIZE.slowlorisSockets; n++) open();
  let line = 0;
  const drip = setInterval(() => {
    line += 1;
    for (const socket of sockets) if (socket.writable) socket.write(`X-Drip-${line}: 1\r\n`);
  }, DRIP_MS);
  return {
    report,
    async stop() {
      running = false;
      clearInterval(drip);
      report.open = sockets.size;
      for (const socket of sockets) socket.destroy();
      return report;
    },
  };
}

/** Many accounts, each holding room sockets open and saying nothing. */
async function idleSockets(target: AttackTarget): Promise<RunningAttack> {
  const accounts = await registerMany(target, 'idle', ATTACK_SIZE.idleUsers);
  const urls = await inParallel(accounts, SETUP_CONCURRENCY, async (account) => {
    const { id } = await createRoom(target, account, []);
    return Array.from({ length: ATTACK_SIZE.idleSocketsPerUser }, () =>
      chatUrl(target, id, account),
    );
  });
  const sockets = await inParallel(urls.flat(), 4 * SETUP_CONCURRENCY, openSocket);
  const report: AttackReport = { open: sockets.length, closedByServer: 0 };
  for (const socket of sockets) socket.once('close', () => countInto(report, 'closedByServer'));
  return {
    report,
    async stop() {
      for (const socket of sockets) socket.removeAllListeners('close').terminate();
      return report;
    },
  };
}

/** Members of a busy room that never read what it sends them. */
async function neverReads(target: AttackTarget): Promise<RunningAttack> {
  const senders = await registerMany(target, 'talker', ATTACK_SIZE.slowReaderSenders);
  const readers = await registerMany(target, 'deaf', ATTACK_SIZE.slowReaders);
  const [owner, ...others] = [...senders, ...readers] as [Account, ...Account[]];
  const { id: roomId } = await createRoom(target, owner, others);
  const deaf = await Promise.all(
    readers.map((reader) => openSocket(chatUrl(target, roomId, reader))),
  );
  for (const socket of deaf) socket.pause();
  const talkers = await Promise.all(
    senders.map((sender) => openSocket(chatUrl(target, roomId, sender))),
  );
  const report: AttackReport = { sent: 0 };
  const talk = setInterval(() => {
    for (const socket of talkers) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      socket.send(JSON.stringify({ text: SLOW_TEXT }));
      countInto(report, 'sent');
    }
  }, 50);
  return {
    report,
    async stop() {
      clearInterval(talk);
      for (const socket of [...talkers, ...deaf]) socket.terminate();
      return report;
    },
  };
}

/** Sockets sending frames as fast as their own buffers drain, reading the refusals. */
async function frameFlood(target: AttackTarget): Promise<RunningAttack> {
  const [attacker] = (await registerMany(target, 'flooder', 1)) as [Account];
  const { id: roomId } = await createRoom(target, attacker, []);
  const sockets = await Promise.all(
    Array.from({ length: ATTACK_SIZE.floodSockets }, () =>
      openSocket(chatUrl(target, roomId, attacker)),
    ),
  );
  const report: AttackReport = { sent: 0 };
  for (const socket of sockets) {
    socket.on('message', (data) =>
      countInto(report, `answered ${JSON.parse(String(data)).error?.code ?? 'message'}`),
    );
    socket.on('close', (code) => countInto(report, `closed by the server ${code}`));
  }
  const flood = lanes(sockets.length, async (lane) => {
    const socket = sockets[lane] as WebSocket;
    if (socket.readyState !== WebSocket.OPEN)
      return new Promise((resolve) => setTimeout(resolve, 100));
    if (socket.bufferedAmount < FLOOD_HIGH_WATER) {
      for (const frame of FLOOD_FRAMES) socket.send(frame);
      countInto(report, 'sent', FLOOD_FRAMES.length);
    }
    await new Promise((resolve) => setImmediate(resolve));
  });
  return {
    report,
    async stop() {
      await flood.stop();
      for (const socket of sockets) socket.removeAllListeners('close').terminate();
      return report;
    },
  };
}

/** Wrong passwords for one account, each from another address (as a botnet would). */
async function bruteForce(target: AttackTarget): Promise<RunningAttack> {
  const [victim] = (await registerMany(target, 'victim', 1)) as [Account];
  const report: AttackReport = {};
  const guess = lanes(ATTACK_SIZE.guessLanes, async () => {
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const reply = await call(target, 'POST', '/v1/login', {
      body: { login: victim.login, password: `guess-${randomInt(1e9)}` },
      headers: { 'x-forwarded-for': address },
    });
    countInto(report, `${reply.status} ${reply.body.error?.code ?? 'ok'}`);
  });
  return { report, stop: () => guess.stop().then(() => report) };
}

const ATTACKS: Record<AttackName, (target: AttackTarget) => Promise<RunningAttack>> = {
  'room-flood': roomFlood,
  slowloris,
  'idle-sockets': idleSockets,
  'never-reads': neverReads,
  'frame-flood': frameFlood,
  'brute-force': bruteForce,
};

/** Sets the attack up (its accounts, rooms, sockets) and starts it. */
export function startAttack(name: AttackName, target: AttackTarget): Promise<RunningAttack> {
  return ATTACKS[name](target);
}
