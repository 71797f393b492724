// A private redis-server for fault tests: a free port of its own, stopped and started again by PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { deadline } from './deadline.js';

/** Why fault tests cannot run here, or false when they can. */
export const redisServerSkip: string | false =
  spawnSync('redis-server', ['--version'], deadline(10_000)).error === undefined
    ? false
    : 'redis-server is not installed: Redis fault tests need to start and stop one';

export interface PrivateRedis {
  readonly url: string;
  /** Stops the server (SIGTERM to its PID); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'], ...deadline() },
  );
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line);
      if (line.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with ${code}:\n${output.join('\n')}`)),
    );
  });
}

export async function startRedisServer(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async start() {
      child ??= await launch(port);
    },
  };
}
