// Scale-out: two server nodes sharing a database and the Redis bus, a 100-member room with half its
// sockets on each node, next to the same load on one node. Runs only with REDIS_URL and a Redis bus.
import { LoadGenerator } from '../load/generator.js';
import {
  type ChatServerTarget,
  RUN_ID,
  type ServerStart,
  startChatServer,
} from '../targets/chat-server.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './context.js';
import {
  cpuMicrosPerDelivery,
  cpuOf,
  describeStep,
  measureStep,
  type StepResult,
  socketsFor,
} from './ws-load.js';

const MEMBERS = 100;
const RATE = 10;

/** A node of the cluster, or the reason it cannot run here (no Redis bus, Redis unreachable). */
async function startNode(start: ServerStart): Promise<ChatServerTarget | string> {
  let node: ChatServerTarget;
  try {
    node = await startChatServer(start);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/not available/.test(message)) return `the Redis bus is not available: ${message}`;
    throw error;
  }
  const ready = await fetch(`${node.httpBase}/readyz`);
  if (ready.ok) return node;
  await node.stop();
  return `the node is not ready with REDIS_URL (${ready.status}): is Redis reachable?`;
}

/** 100 members; those from `split` on connect to the second node (all on the first without one). */
async function measure(
  context: BenchContext,
  nodes: ChatServerTarget[],
  split: number,
): Promise<StepResult> {
  const [first, second] = nodes as [ChatServerTarget, ChatServerTarget | undefined];
  const generator = LoadGenerator.start('threads', context.workers);
  try {
    const rooms = await first.provision(1, MEMBERS);
    const sockets = socketsFor(first, rooms).map((spec) =>
      second && spec.member >= split
        ? { ...spec, url: spec.url.replace(first.wsBase, second.wsBase) }
        : spec,
    );
    await generator.open(sockets);
    const step = await measureStep(generator, cpuOf(...nodes), {
      rate: RATE,
      durationMs: context.full ? 15_000 : 5_000,
      warmupMs: context.full ? 3_000 : 1_000,
      drainTimeoutMs: 30_000,
      senders: MEMBERS,
      receiversPerMessage: MEMBERS - 1,
    });
    context.log(describeStep(second ? 'two nodes' : 'one node', step));
    await generator.close();
    return step;
  } finally {
    await generator.stop();
  }
}

export const twoNodes: Scenario = {
  name: 'two-nodes',
  description: `1 room × ${MEMBERS} members at ${RATE} msg/s, sockets split over two nodes (Redis bus)`,
  async run(context): Promise<ScenarioOutcome> {
    const redisUrl = process.env.REDIS_URL;
    if (!redisUrl) return skipped('REDIS_URL is not set');
    const postgres = process.env.DATABASE_URL?.startsWith('postgres')
      ? process.env.DATABASE_URL
      : undefined;
    const env = { REDIS_URL: redisUrl, REDIS_CHANNEL_PREFIX: `bench-${RUN_ID}:` };
    const nodes: ChatServerTarget[] = [];
    try {
      for (const name of ['node A', 'node B']) {
        // Both nodes on one database: the PostgreSQL one given, or node A's SQLite file.
        const databaseUrl = nodes[0]?.databaseUrl ?? postgres;
        const node = await startNode({ name, env, args: context.serverArgs, databaseUrl });
        if (typeof node === 'string') return skipped(node);
        nodes.push(node);
      }
      const one = await measure(context, nodes.slice(0, 1), MEMBERS);
      const two = await measure(context, nodes, MEMBERS / 2);
      const figure = (metric: string, unit: string, pick: (step: StepResult) => number) => ({
        scenario: `2 nodes vs 1, 1×${MEMBERS}×${RATE}/s`,
        metric,
        unit,
        note: 'Server column: two nodes, half the sockets on each; Baseline column: one node; both on Redis',
        server: pick(two),
        baseline: pick(one),
      });
      return {
        figures: [
          { ...figure('deliveries/s', '/s', (step) => step.deliveriesPerSecond), better: 'higher' },
          { ...figure('p99 latency', 'ms', (step) => step.p99Ms), better: 'lower' },
          {
            ...figure('CPU µs per delivery, all nodes', 'µs', cpuMicrosPerDelivery),
            better: 'lower',
          },
        ],
        details: {
          rate: RATE,
          database: postgres ? 'postgres' : 'sqlite',
          oneNode: one,
          twoNodes: two,
        },
        failures: [one, two].flatMap((step, index) =>
          step.problems ? [`${index + 1} node(s): ${step.problems}`] : [],
        ),
      };
    } finally {
      for (const node of nodes) await node.stop();
    }
  },
};

function skipped(reason: string): ScenarioOutcome {
  return { figures: [], details: {}, failures: [], skipped: reason };
}
