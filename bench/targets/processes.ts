// Child processes of the benchmark: start on a free 127.0.0.1 port, wait until it accepts, read
// CPU time, RSS and open descriptors from /proc, stop by PID. Every child is also stopped when the
// benchmark exits.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** Clock ticks per second of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE']).toString().trim()) || 4096;

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// Ctrl-C ends the run through 'exit', so the children above are stopped too.
process.once('SIGINT', () => process.exit(130));

export interface ProcessSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** Passed as PORT; the process must listen on it. */
  readonly port: number;
}

export interface Started {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** What the process wrote on stderr so far (the inspector address, errors). */
  stderr(): string;
  /** CPU seconds (user + system, all threads) used so far. */
  cpuSeconds(): number;
  rssBytes(): number;
  /** SIGTERM, then SIGKILL if it has not exited in time. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function procStat(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime is field 14, stime 15, rss 24 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes: Number(fields[21]) * PAGE_BYTES };
}

/** File descriptors the process holds open: sockets, files, pipes. */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export async function startProcess(spec: ProcessSpec): Promise<Started> {
  const child = spawn(process.execPath, spec.args, {
    env: { ...process.env, ...spec.env, PORT: String(spec.port) },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name} did not start`);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(spec.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.name} did not start listening: ${stderr.trim().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    name: spec.name,
    pid,
    port: spec.port,
    stderr: () => stderr,
    cpuSeconds: () => procStat(pid).cpuSeconds,
    rssBytes: () => procStat(pid).rssBytes,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
