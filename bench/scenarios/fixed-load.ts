// One fixed load on the server and on the baseline, side by side: both run, and take turns.
import { LoadGenerator } from '../load/generator.js';
import { startWsBaseline } from '../targets/baselines.js';
import { startChatServer } from '../targets/chat-server.js';
import type { WsTarget } from '../targets/target.js';
import type { BenchContext } from './context.js';
import { cpuOf, describeStep, measureStep, type StepResult, socketsFor } from './ws-load.js';

export interface FixedLoad {
  readonly rooms: number;
  readonly members: number;
  /** Messages per second of each member. */
  readonly rate: number;
}

export interface FixedLoadResult {
  readonly server: StepResult;
  readonly baseline: StepResult;
}

async function runOn(
  context: BenchContext,
  target: WsTarget,
  load: FixedLoad,
): Promise<StepResult> {
  const generator = LoadGenerator.start('threads', context.workers);
  try {
    const rooms = await target.provision(load.rooms, load.members);
    await generator.open(socketsFor(target, rooms));
    const step = await measureStep(generator, cpuOf(target), {
      rate: load.rate,
      durationMs: context.full ? 20_000 : 6_000,
      warmupMs: context.full ? 3_000 : 1_500,
      drainTimeoutMs: 30_000,
      senders: load.rooms * load.members,
      receiversPerMessage: load.members - 1,
    });
    context.log(describeStep(target.label, step));
    await generator.close();
    return step;
  } finally {
    await generator.stop();
  }
}

export async function fixedLoad(context: BenchContext, load: FixedLoad): Promise<FixedLoadResult> {
  const targets: WsTarget[] = [];
  try {
    targets.push(await startChatServer({ args: context.serverArgs }));
    targets.push(await startWsBaseline());
    const [server, baseline] = targets as [WsTarget, WsTarget];
    return {
      server: await runOn(context, server, load),
      baseline: await runOn(context, baseline, load),
    };
  } finally {
    for (const target of targets) await target.stop();
  }
}

/** The delivery problems of a fixed load, as failures of the run. */
export function failuresOf(name: string, result: FixedLoadResult): string[] {
  return Object.entries(result).flatMap(([label, step]) =>
    step.problems ? [`${name} on the ${label}: ${step.problems}`] : [],
  );
}
