// Fan-out sweep: 1 room × 100 members, every member sending, the per-sender rate raised step by step
// until p99 passes 100 ms. The highest rate still under it gives the max sustainable deliveries/s.
// Server and baseline run side by side and take turns at each rate, so both see the same machine.
import { LoadGenerator } from '../load/generator.js';
import { startWsBaseline } from '../targets/baselines.js';
import { startChatServer } from '../targets/chat-server.js';
import type { WsTarget } from '../targets/target.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './context.js';
import { cpuOf, describeStep, measureStep, type StepResult, socketsFor } from './ws-load.js';

const MEMBERS = 100;
const P99_LIMIT_MS = 100;
const QUICK_RATES = [2, 5, 10, 20, 40, 60, 80, 100, 130, 160, 200];
const FULL_RATES = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 50, 60, 70, 80, 90, 100, 115,
  130, 150, 175, 200, 250, 300,
];

export interface Sweep {
  readonly steps: StepResult[];
  /** Highest delivered rate of a step with p99 within the limit and nothing lost. */
  readonly maxSustainable: number;
  /** False when no step passed the limit: the maximum is then only a lower bound. */
  readonly limitReached: boolean;
  readonly failure: string | undefined;
}

export interface FanOutDetails {
  readonly p99LimitMs: number;
  readonly server: Sweep;
  /** The bare relay: each frame written to each socket as it arrives. */
  readonly baseline: Sweep;
  /** The relay batching per event-loop turn, one write per socket, as the server does. */
  readonly batched: Sweep;
}

/** One system under test with its own generator, stepping through the rates. */
interface Lane {
  readonly target: WsTarget;
  readonly generator: LoadGenerator;
  readonly steps: StepResult[];
  failure: string | undefined;
  done: boolean;
}

async function openLane(context: BenchContext, target: WsTarget): Promise<Lane> {
  const generator = LoadGenerator.start('threads', context.workers);
  try {
    await generator.open(socketsFor(target, await target.provision(1, MEMBERS)));
  } catch (error) {
    await generator.stop();
    throw error;
  }
  return { target, generator, steps: [], failure: undefined, done: false };
}

/** One rate on one lane; a step over the limit is tried once more, so a passing hiccup does not end it. */
async function step(context: BenchContext, lane: Lane, rate: number): Promise<void> {
  let result: StepResult | undefined;
  for (let attempt = 0; attempt < 2 && (!result || result.p99Ms > P99_LIMIT_MS); attempt++) {
    result = await measureStep(lane.generator, cpuOf(lane.target), {
      rate,
      durationMs: context.full ? 10_000 : 3_000,
      warmupMs: context.full ? 2_000 : 1_000,
      drainTimeoutMs: 30_000,
      senders: MEMBERS,
      receiversPerMessage: MEMBERS - 1,
    });
    context.log(describeStep(lane.target.label, result));
    if (result.problems) break;
  }
  if (!result) return;
  lane.steps.push(result);
  if (result.problems) {
    lane.failure = `${lane.target.label} at ${rate}/s per sender: ${result.problems}`;
  }
  lane.done = result.problems !== undefined || result.p99Ms > P99_LIMIT_MS;
}

function finish({ steps, failure }: Lane): Sweep {
  const sustainable = steps.filter((entry) => entry.p99Ms <= P99_LIMIT_MS && !entry.problems);
  return {
    steps,
    maxSustainable: Math.max(0, ...sustainable.map((entry) => entry.deliveriesPerSecond)),
    limitReached: steps.some((entry) => entry.p99Ms > P99_LIMIT_MS),
    failure,
  };
}

/** Why a figure is only a lower bound: the sides that never passed the limit at the rates tried. */
function lowerBounds(sweeps: Record<string, Sweep>): string | undefined {
  const unbounded = Object.keys(sweeps).filter((label) => !sweeps[label]?.limitReached);
  if (unbounded.length === 0) return undefined;
  return `${unbounded.join(' and ')} never passed the p99 limit at the rates tried: a lower bound`;
}

export const fanOut: Scenario = {
  name: 'fan-out',
  description: `1 room × ${MEMBERS} members, per-sender rate raised until p99 > ${P99_LIMIT_MS} ms`,
  async run(context): Promise<ScenarioOutcome> {
    const targets: WsTarget[] = [];
    const lanes: Lane[] = [];
    try {
      targets.push(await startChatServer({ args: context.serverArgs }));
      targets.push(await startWsBaseline());
      targets.push(await startWsBaseline({ batched: true }));
      for (const target of targets) lanes.push(await openLane(context, target));
      for (const rate of context.full ? FULL_RATES : QUICK_RATES) {
        for (const lane of lanes) if (!lane.done) await step(context, lane, rate);
        if (lanes.every((lane) => lane.done)) break;
      }
      for (const lane of lanes) await lane.generator.close();
    } finally {
      for (const lane of lanes) await lane.generator.stop();
      for (const target of targets) await target.stop();
    }
    const [server, baseline, batched] = lanes.map(finish) as [Sweep, Sweep, Sweep];
    const details: FanOutDetails = { p99LimitMs: P99_LIMIT_MS, server, baseline, batched };
    const figure = {
      scenario: 'fan-out 1×100',
      metric: 'max sustainable deliveries/s (p99 ≤ 100 ms)',
      unit: '/s',
      server: server.maxSustainable,
      better: 'higher',
    } as const;
    return {
      figures: [
        {
          ...figure,
          baseline: baseline.maxSustainable,
          targetRatio: 0.9,
          note: lowerBounds({ server, baseline }),
        },
        {
          ...figure,
          scenario: 'fan-out 1×100 vs batching relay',
          baseline: batched.maxSustainable,
          note: lowerBounds({ server, 'batching relay': batched }),
        },
      ],
      details,
      failures: lanes.flatMap((lane) => (lane.failure ? [lane.failure] : [])),
    };
  },
};
