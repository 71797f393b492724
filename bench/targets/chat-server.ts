// The system under test: the built server (dist/main.js) as a separate process, on SQLite in a
// temporary directory, with limits wide enough for the load and cheap-but-real argon2id for setup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatClient } from '../../client/src/index.js';
import { inParallel } from './in-parallel.js';
import { freePort, startProcess } from './processes.js';
import type { RoomPlan, WsTarget } from './target.js';

/** argon2id for the users a scenario registers: cheap enough to set up thousands of them. */
export const SETUP_PASSWORD_HASH = { memoryKib: 4096, iterations: 1, parallelism: 1 } as const;

const KIB = 1024;

export const BENCH_SERVER_ENV = {
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  WS_MESSAGES_PER_SECOND: '1000000',
  USER_MESSAGES_PER_SECOND: '1000000',
  USER_MESSAGE_BURST: '1000000',
  WS_SOCKETS_PER_SESSION: '100000',
  WS_SOCKETS_PER_USER: '100000',
  ROOM_CREATIONS_PER_MINUTE: '1000000',
  ROOMS_CREATED_MAX: '100000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
  /** The generator reads as fast as it can: no socket should be closed as a slow consumer. */
  WS_MAX_BUFFERED_BYTES: String(64 * KIB * KIB),
  PASSWORD_HASH_MEMORY_KIB: String(SETUP_PASSWORD_HASH.memoryKib),
  PASSWORD_HASH_ITERATIONS: String(SETUP_PASSWORD_HASH.iterations),
} as const;

export const PASSWORD = 'benchmark-password';
/** Logins and Redis channels carry it, so runs sharing a database or a Redis do not collide. */
export const RUN_ID = Date.now().toString(36);
const REGISTER_CONCURRENCY = 8;

export interface ServerStart {
  /** Extra environment (overrides the bench defaults). */
  readonly env?: Record<string, string>;
  /** Node arguments: flags, then the entry script (dist/main.js). */
  readonly args: readonly string[];
  /** A DATABASE_URL shared with another node; by default a fresh SQLite file. */
  readonly databaseUrl?: string;
  readonly name?: string;
}

/** A user of the run: the client library logged in as them, for setting the scene up. */
export interface BenchUser {
  readonly login: string;
  readonly userId: number;
  readonly sessionId: string;
  readonly client: ChatClient;
}

export interface ChatServerTarget extends WsTarget {
  readonly httpBase: string;
  readonly databaseUrl: string;
  /** Registers a user under a login made unique to this run from `name`. */
  register(name: string): Promise<BenchUser>;
}

export async function startChatServer(start: ServerStart): Promise<ChatServerTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'e-chat-bench-'));
  const databaseUrl = start.databaseUrl ?? `sqlite:${join(dir, 'chat.db')}`;
  const port = await freePort();
  const child = await startProcess({
    name: start.name ?? 'server',
    args: start.args,
    env: { ...BENCH_SERVER_ENV, DATABASE_URL: databaseUrl, ...start.env },
    port,
  });
  const httpBase = `http://127.0.0.1:${port}`;
  let registered = 0;

  const register = async (name: string): Promise<BenchUser> => {
    const login = `${name}_${RUN_ID}`;
    const client = new ChatClient({ baseUrl: httpBase });
    const sessionId = await client.register(login, PASSWORD);
    const { id } = await client.info();
    return { login, userId: id, sessionId, client };
  };

  return {
    label: 'server',
    child,
    httpBase,
    databaseUrl,
    wsBase: `ws://127.0.0.1:${port}`,
    register,
    async provision(rooms, membersPerRoom): Promise<RoomPlan[]> {
      const first = registered;
      registered += rooms * membersPerRoom;
      const users = await inParallel(
        Array.from({ length: rooms * membersPerRoom }, (_, index) => `bench_${first + index}`),
        REGISTER_CONCURRENCY,
        register,
      );
      return inParallel(
        Array.from({ length: rooms }, (_, room) =>
          users.slice(room * membersPerRoom, (room + 1) * membersPerRoom),
        ),
        REGISTER_CONCURRENCY,
        async (members) => {
          const [owner, ...others] = members;
          if (!owner) throw new Error('a room needs a member');
          const { id } = await owner.client.createRoom(others.map((member) => member.userId));
          return { id, members };
        },
      );
    },
    async stop() {
      const code = await child.stop();
      if (start.databaseUrl === undefined) rmSync(dir, { recursive: true, force: true });
      if (code !== 0)
        throw new Error(`${child.name} exited with ${code}: ${child.stderr().slice(-2000)}`);
    },
  };
}
