// A private PostgreSQL for fault tests: a cluster of its own (initdb into a temporary directory)
// on a free port, stopped as a crash would (pg_ctl's immediate mode) and started again, without
// touching the machine's shared server.
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deadline } from './deadline.js';
import { freePort } from './redis-server.js';
import { tempDir } from './temp-dir.js';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
/** initdb and postgres refuse to run as root: then they run as this account. */
const SERVICE_ACCOUNT = 'postgres';
const SUPERUSER = 'chat';
const RUNS_AS_ROOT = process.getuid?.() === 0;

/** bin/ of the newest PostgreSQL installed, if any. */
function binDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT).sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => join(PG_ROOT, version, 'bin')).find((dir) => existsSync(dir));
}

function accountIds(): { uid: number; gid: number } | undefined {
  const ids = (flag: string) => spawnSync('id', [flag, SERVICE_ACCOUNT], deadline(10_000));
  const [uid, gid] = [ids('-u'), ids('-g')];
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

const BIN = binDir();
const OWNER = RUNS_AS_ROOT ? accountIds() : undefined;

/** Why PostgreSQL fault tests cannot run here, or false when they can. */
export const postgresServerSkip: string | false =
  BIN === undefined
    ? `no PostgreSQL under ${PG_ROOT}: PostgreSQL fault tests start one of their own`
    : RUNS_AS_ROOT && OWNER === undefined
      ? `running as root without a ${SERVICE_ACCOUNT} account for initdb`
      : false;

export interface PrivatePostgres {
  readonly url: string;
  /** Stops the server at once, as a crash would (no checkpoint, clients cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data (after crash recovery). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

/** The command line of one of PostgreSQL's programs, as the account that may run it. */
function commandLine(name: string, args: string[]): [string, string[]] {
  const command = join(BIN as string, name);
  return RUNS_AS_ROOT
    ? ['runuser', ['-u', SERVICE_ACCOUNT, '--', command, ...args]]
    : [command, args];
}

function tool(name: string, args: string[]): Promise<unknown> {
  const [file, rest] = commandLine(name, args);
  return run(file, rest, deadline(60_000));
}

export async function startPostgresServer(): Promise<PrivatePostgres> {
  const dir = tempDir();
  if (OWNER) chownSync(dir.path, OWNER.uid, OWNER.gid);
  const data = join(dir.path, 'data');
  const port = await freePort();
  await tool('initdb', ['-D', data, '-U', SUPERUSER, '-A', 'trust', '--no-sync']);
  const options = `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    tool('pg_ctl', ['start', '-w', '-D', data, '-l', join(dir.path, 'log'), '-o', options]);
  const stop = () => tool('pg_ctl', ['stop', '-w', '-D', data, '-m', 'immediate']);
  await start();
  let running = true;
  // pg_ctl leaves the server running on its own: a test process that dies takes it down too.
  const stopOnExit = () => {
    const [file, rest] = commandLine('pg_ctl', ['stop', '-D', data, '-m', 'immediate']);
    if (running) spawnSync(file, rest, deadline(30_000));
  };
  process.once('exit', stopOnExit);
  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
    async stop() {
      running = false;
      await stop();
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      process.off('exit', stopOnExit);
      if (running) await stop();
      dir.cleanup();
    },
  };
}
