// Runs one server node as a child process: its output line by line, its URL once it listens, stopping it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LISTENING = 'Server listening at ';
/** Past the server's own shutdown timeout (10 s by default), a node that has not exited is killed. */
const STOP_WAIT_MS = 12_000;

export interface NodeProcess {
  readonly pid: number;
  /** The base URL, e.g. http://127.0.0.1:8081; rejects if the process exits before listening. */
  readonly url: Promise<string>;
  /** Resolves when the process exits, with how: `code 0`, `SIGTERM`… */
  readonly exited: Promise<string>;
  /** SIGTERM (a graceful shutdown), then SIGKILL if it takes too long; resolves once exited. */
  stop(): Promise<void>;
}

/** The message of a JSON log line, or undefined for any other line. */
function logMessage(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown };
    return typeof entry.msg === 'string' ? entry.msg : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `node --import tsx src/main.ts` with exactly `env`; every output line goes to `onLine`.
 * With `deadlineMs`, the node is killed (SIGKILL) if it is still running that long after.
 */
export function startNode(
  env: Record<string, string>,
  onLine: (line: string) => void,
  deadlineMs?: number,
): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(deadlineMs !== undefined && { timeout: deadlineMs, killSignal: 'SIGKILL' }),
  });
  if (child.pid === undefined) throw new Error('could not start a server node');
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
  });
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      onLine(line);
      const message = logMessage(line);
      if (message?.startsWith(LISTENING)) resolve(message.slice(LISTENING.length));
    });
    createInterface({ input: child.stderr }).on('line', onLine);
    exited.then((how) => reject(new Error(`server node exited before listening (${how})`)));
  });
  url.catch(() => undefined);
  return {
    pid: child.pid,
    url,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_WAIT_MS);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}
