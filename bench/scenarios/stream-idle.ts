// What an idle stream costs next to an idle room socket: 1,000 users in 20 rooms each (rooms of
// 10); one server holds a room socket per user, another (on the same database) a stream per user.
// RSS is read after a full GC before and after the sockets open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadGenerator } from '../load/generator.js';
import type { ConnectionSpec } from '../load/protocol.js';
import { type BenchUser, type ChatServerTarget, startChatServer } from '../targets/chat-server.js';
import { inParallel } from '../targets/in-parallel.js';
import { INSPECT_FLAG } from '../targets/inspector.js';
import { chatUrl, streamUrl } from '../targets/target.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './context.js';
import { mib, settledRss } from './idle.js';

const USERS = 1000;
const ROOMS_PER_USER = 20;
const ROOM_SIZE = 10;
const CONCURRENCY = 8;

interface User extends BenchUser {
  /** The first room the user was put in: where its room socket goes. */
  firstRoom: number;
}

/** A shuffled copy, from a fixed seed so every run builds the same rooms. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** Each round deals every user into a room of ROOM_SIZE; ROOMS_PER_USER rounds. */
async function provision(target: ChatServerTarget): Promise<User[]> {
  const names = Array.from({ length: USERS }, (_, index) => `idle_stream_${index}`);
  const registered = await inParallel(names, CONCURRENCY, target.register);
  const users: User[] = registered.map((user) => ({ ...user, firstRoom: 0 }));
  const groups: User[][] = [];
  for (let round = 0; round < ROOMS_PER_USER; round++) {
    const dealt = shuffled(users, round + 1);
    for (let start = 0; start < USERS; start += ROOM_SIZE)
      groups.push(dealt.slice(start, start + ROOM_SIZE));
  }
  await inParallel(groups, CONCURRENCY, async ([owner, ...others]) => {
    if (!owner) return;
    const { id } = await owner.client.createRoom(others.map((member) => member.userId));
    for (const member of [owner, ...others]) member.firstRoom ||= id;
  });
  return users;
}

function spec(url: string, user: User, stream: boolean): ConnectionSpec {
  const { userId, firstRoom } = user;
  return { url, room: 0, member: 0, roomSize: 1, userId, roomId: firstRoom, sends: false, stream };
}

interface IdleCost {
  readonly opened: number;
  readonly bytesPerSocket: number;
}

async function measure(
  context: BenchContext,
  target: ChatServerTarget,
  label: string,
  sockets: ConnectionSpec[],
): Promise<IdleCost> {
  const generator = LoadGenerator.start('threads', 2);
  try {
    const before = await settledRss(target);
    const { opened } = await generator.open(sockets);
    const after = await settledRss(target);
    await generator.close();
    const bytesPerSocket = (after - before) / Math.max(1, opened);
    context.log(
      `${label.padEnd(12)} ${opened} sockets, RSS ${mib(before)} → ${mib(after)} MiB: ${Math.round(bytesPerSocket)} bytes each`,
    );
    return { opened, bytesPerSocket };
  } finally {
    await generator.stop();
  }
}

export const streamIdle: Scenario = {
  name: 'stream-idle',
  description: `${USERS} idle streams of users in ${ROOMS_PER_USER} rooms vs ${USERS} idle room sockets: RSS each`,
  async run(context): Promise<ScenarioOutcome> {
    const dir = mkdtempSync(join(tmpdir(), 'e-chat-bench-streams-'));
    const databaseUrl = `sqlite:${join(dir, 'chat.db')}`;
    const args = [INSPECT_FLAG, ...context.serverArgs];
    try {
      const first = await startChatServer({ args, databaseUrl, name: 'room sockets' });
      let users: User[];
      let roomSockets: IdleCost;
      try {
        users = await provision(first);
        const sockets = users.map((user) =>
          spec(chatUrl(first, user.firstRoom, user.sessionId), user, false),
        );
        roomSockets = await measure(context, first, 'room sockets', sockets);
      } finally {
        await first.stop();
      }
      const second = await startChatServer({ args, databaseUrl, name: 'streams' });
      let streams: IdleCost;
      try {
        const sockets = users.map((user) => spec(streamUrl(second, user.sessionId), user, true));
        streams = await measure(context, second, 'streams', sockets);
      } finally {
        await second.stop();
      }
      return {
        figures: [
          {
            scenario: `idle stream (user in ${ROOMS_PER_USER} rooms)`,
            metric: 'RSS bytes per socket, vs an idle room socket',
            unit: 'B',
            server: streams.bytesPerSocket,
            baseline: roomSockets.bytesPerSocket,
            better: 'lower',
          },
        ],
        details: {
          users: USERS,
          roomsPerUser: ROOMS_PER_USER,
          roomSize: ROOM_SIZE,
          streams,
          roomSockets,
        },
        failures: [],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
