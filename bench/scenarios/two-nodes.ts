// Scale-out: two server nodes sharing a database and the Redis bus, a 100-member room with half its
// sockets on each node, next to the same load on one node. Runs only with REDIS_URL and a Redis bus.
import { pathToFileURL } from 'node:url';
import { LoadGenerator } from '../load/generator.js';
import { type ChatServerTarget, startChatServer } from '../targets/chat-server.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './context.js';
import { cpuOf, describeStep, measureStep, type StepResult, socketsFor } from './ws-load.js';

const MEMBERS = 100;
const RATE = 5;

/** Why the scale-out cannot be measured here, or undefined when it can. */
async function unavailable(): Promise<string | undefined> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) return 'REDIS_URL is not set';
  const busModule = pathToFileURL('dist/bus/redis-bus.js').href;
  const { openRedisBus } = (await import(busModule)) as {
    openRedisBus(url: string): Promise<{ close(): Promise<void> }>;
  };
  try {
    await (await openRedisBus(redisUrl)).close();
    return undefined;
  } catch (error) {
    return `the Redis bus cannot be opened: ${error instanceof Error ? error.message : error}`;
  }
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
    const reason = await unavailable();
    if (reason) return { figures: [], details: {}, failures: [], skipped: reason };
    const shared = process.env.DATABASE_URL?.startsWith('postgres')
      ? process.env.DATABASE_URL
      : undefined;
    const env = { REDIS_URL: process.env.REDIS_URL ?? '' };
    const nodes: ChatServerTarget[] = [];
    try {
      nodes.push(
        await startChatServer({
          env,
          args: context.serverArgs,
          databaseUrl: shared,
          name: 'node A',
        }),
      );
      const databaseUrl = nodes[0]?.databaseUrl;
      nodes.push(
        await startChatServer({ env, args: context.serverArgs, databaseUrl, name: 'node B' }),
      );
      const one = await measure(context, nodes.slice(0, 1), MEMBERS);
      const two = await measure(context, nodes, MEMBERS / 2);
      const figure = (
        metric: string,
        unit: string,
        better: 'higher' | 'lower',
        pick: (step: StepResult) => number,
      ) => ({
        scenario: `two nodes vs one, 1×${MEMBERS}×${RATE}/s`,
        metric: `${metric} (server: two nodes, baseline: one node)`,
        unit,
        server: pick(two),
        baseline: pick(one),
        better,
      });
      return {
        figures: [
          figure('deliveries/s', '/s', 'higher', (step) => step.deliveriesPerSecond),
          figure('p99 latency', 'ms', 'lower', (step) => step.p99Ms),
        ],
        details: { rate: RATE, oneNode: one, twoNodes: two },
        failures: [one, two].flatMap((step, index) =>
          step.problems ? [`${index + 1} node(s): ${step.problems}`] : [],
        ),
      };
    } finally {
      for (const node of nodes) await node.stop();
    }
  },
};
