// A rate sweep over lanes run side by side: each lane (a system under test and its sockets) takes
// its turn at each rate until its p99 passes the limit; the highest rate still under it gives the
// lane's max sustainable deliveries/s.
import { LoadGenerator } from '../load/generator.js';
import type { ConnectionSpec } from '../load/protocol.js';
import type { WsTarget } from '../targets/target.js';
import type { BenchContext } from './context.js';
import { cpuOf, describeStep, measureStep, type StepResult } from './ws-load.js';

export const P99_LIMIT_MS = 100;

export interface Sweep {
  readonly steps: StepResult[];
  /** Highest delivered rate of a step with p99 within the limit and nothing lost. */
  readonly maxSustainable: number;
  /** False when no step passed the limit: the maximum is then only a lower bound. */
  readonly limitReached: boolean;
  readonly failure: string | undefined;
}

/** How the load is shaped: to tell the deliveries offered at a rate. */
export interface LoadShape {
  readonly senders: number;
  readonly receiversPerMessage: number;
}

/** One system under test with its own generator, stepping through the rates. */
export interface Lane {
  readonly label: string;
  readonly target: WsTarget;
  readonly generator: LoadGenerator;
  readonly shape: LoadShape;
  readonly steps: StepResult[];
  failure: string | undefined;
  done: boolean;
}

export async function openLane(
  context: BenchContext,
  target: WsTarget,
  sockets: readonly ConnectionSpec[],
  shape: LoadShape,
  label = target.label,
): Promise<Lane> {
  const generator = LoadGenerator.start('threads', context.workers);
  try {
    await generator.open(sockets);
  } catch (error) {
    await generator.stop();
    throw error;
  }
  return { label, target, generator, shape, steps: [], failure: undefined, done: false };
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
      ...lane.shape,
    });
    context.log(describeStep(lane.label, result));
    if (result.problems) break;
  }
  if (!result) return;
  lane.steps.push(result);
  if (result.problems) {
    lane.failure = `${lane.label} at ${rate}/s per sender: ${result.problems}`;
  }
  lane.done = result.problems !== undefined || result.p99Ms > P99_LIMIT_MS;
}

/** Every lane takes its turn at each rate, so all see the same machine; then they are closed. */
export async function sweepLanes(
  context: BenchContext,
  lanes: readonly Lane[],
  rates: readonly number[],
): Promise<Sweep[]> {
  for (const rate of rates) {
    for (const lane of lanes) if (!lane.done) await step(context, lane, rate);
    if (lanes.every((lane) => lane.done)) break;
  }
  for (const lane of lanes) await lane.generator.close();
  return lanes.map(finish);
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
export function lowerBounds(sweeps: Record<string, Sweep>): string | undefined {
  const unbounded = Object.keys(sweeps).filter((label) => !sweeps[label]?.limitReached);
  if (unbounded.length === 0) return undefined;
  return `${unbounded.join(' and ')} never passed the p99 limit at the rates tried: a lower bound`;
}

export function laneFailures(lanes: readonly Lane[]): string[] {
  return lanes.flatMap((lane) => (lane.failure ? [lane.failure] : []));
}
