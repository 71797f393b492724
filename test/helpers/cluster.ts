// Several real server processes over one shared database and one Redis: a cluster for a test file.
import { randomBytes } from 'node:crypto';
import { type NodeProcess, startNode } from '../../scripts/node-process.js';
import type { Backend, TestDatabase } from './backends.js';
import { CHILD_DEADLINE_MS } from './deadline.js';
import { request } from './http.js';
import { TEST_ENV } from './server.js';
import type { Frame } from './ws.js';

/** The machine's Redis, when the environment names one (CI does). */
export const REDIS_URL = process.env.REDIS_URL;

/** CLUSTER_LOGS=1 prints every node's log lines, to see what happened when a test fails. */
const SHOW_LOGS = process.env.CLUSTER_LOGS === '1';

/** Why the multi-node suites do not run here, or false when they do. */
export const redisSkip: string | false =
  REDIS_URL === undefined ? 'REDIS_URL is not set: multi-node tests need a Redis server' : false;

export interface ClusterNode {
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number;
  /** Everything the node printed, to show when a test fails. */
  readonly output: string[];
}

export interface Cluster {
  readonly nodes: ClusterNode[];
  /** The node at `index` (from 0). */
  node(index: number): ClusterNode;
  /** Channel prefix of this cluster: no other test run hears it. */
  readonly channelPrefix: string;
  /** The environment that points a process at the cluster's database. */
  readonly databaseEnv: Record<string, string>;
  /** Starts one more node (a restart of a killed one, say), appended to `nodes`. */
  addNode(): Promise<ClusterNode>;
  /** Kills the node at `index` with SIGKILL (kill -9); resolves once the process is gone. */
  crash(index: number): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly size: number;
  readonly backend: Backend;
  /** Unset: each node fans out on its own (for a 1-node baseline). */
  readonly redisUrl?: string;
  readonly env?: Record<string, string>;
}

/** Only what node and tsx need from this process's environment: the rest comes from the test. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const database: TestDatabase = await options.backend.createDatabase();
  const channelPrefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const env = {
    ...baseEnv(),
    ...TEST_ENV,
    LOG_LEVEL: 'info',
    ...database.env,
    ...(options.redisUrl && { REDIS_URL: options.redisUrl, REDIS_CHANNEL_PREFIX: channelPrefix }),
    ...options.env,
  };
  const processes: NodeProcess[] = [];
  const outputs: string[][] = [];
  const spawnNode = () => {
    const index = processes.length;
    const output: string[] = [];
    outputs.push(output);
    const started = startNode(
      env,
      (line) => {
        output.push(line);
        if (SHOW_LOGS) process.stderr.write(`[node ${index + 1}] ${line}\n`);
      },
      CHILD_DEADLINE_MS,
    );
    processes.push(started);
    return { started, output };
  };
  for (let index = 0; index < options.size; index++) spawnNode();
  const close = async () => {
    await Promise.all(processes.map((node) => node.stop()));
    await database.drop();
  };
  const nodeOf = (url: string, started: NodeProcess, output: string[]): ClusterNode => ({
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid: started.pid,
    output,
  });
  try {
    const urls = await Promise.all(processes.map((node) => node.url));
    const nodes = urls.map((url, index) =>
      nodeOf(url, processes[index] as NodeProcess, outputs[index] as string[]),
    );
    const node = (index: number) => {
      const found = nodes[index];
      if (!found) throw new Error(`the cluster has no node ${index}`);
      return found;
    };
    const addNode = async () => {
      const { started, output } = spawnNode();
      const added = nodeOf(await started.url, started, output);
      nodes.push(added);
      return added;
    };
    const crash = async (index: number) => {
      const running = processes[index] as NodeProcess;
      process.kill(node(index).pid, 'SIGKILL');
      await running.exited;
    };
    return { nodes, node, channelPrefix, databaseEnv: database.env, addNode, crash, close };
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\n${outputs.flat().join('\n')}`);
  }
}

/** A room's whole history as any client reads it, page by page, oldest first. */
export async function fullHistory(base: string, session: string, roomId: number): Promise<Frame[]> {
  const messages: Frame[] = [];
  for (;;) {
    const afterId = messages.at(-1)?.id ?? 0;
    const path = `/v1/rooms/${roomId}/messages?after=${afterId}&limit=200`;
    const page = await request(base, 'GET', path, { session });
    if (page.status !== 200) throw new Error(`history failed: ${JSON.stringify(page.body)}`);
    messages.push(...page.body);
    if (page.body.length < 200) return messages;
  }
}

/** An acknowledgement without its client_id: the message every other receiver got. */
export function withoutClientId(frame: Frame): Frame {
  const { client_id: _, ...message } = frame;
  return message;
}
