// Presence under a connect/disconnect storm: 2,000 users over 200 rooms, each user's stream
// reconnecting every few seconds, on a server with presence on and the same with PRESENCE=false,
// side by side: server CPU per connect, then the delivery p99 of a 1 × 100 fan-out during the storm.
// Both servers run the whole time, and the storm moves from one to the other in alternating phases
// (on, off, off, on, …): load from other work on the machine falls on both alike. Each figure is
// the median of its phases.
import { LoadGenerator } from '../load/generator.js';
import { ReconnectStorm } from '../load/reconnect-storm.js';
import { type ChatServerTarget, startChatServer } from '../targets/chat-server.js';
import { streamUrl } from '../targets/target.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './context.js';
import { cpuOf, describeStep, measureStep, type StepResult, socketsFor } from './ws-load.js';

const ROOMS = 200;
const MEMBERS = 10;
const FAN_OUT_MEMBERS = 100;
const FAN_OUT_RATE = 1;
/** Connected 2–4 s, away 1.5 s: with a 1 s grace every reconnect is an offline and an online change. */
const STORM = { holdMs: [2000, 4000], awayMs: 1500 } as const;
const GRACE_SECONDS = '1';
const PHASE = {
  quick: { rounds: 3, warmupMs: 4_000, stormMs: 6_000, fanOutMs: 6_000 },
  full: { rounds: 5, warmupMs: 8_000, stormMs: 20_000, fanOutMs: 15_000 },
} as const;

/** One server with its users, and the fan-out room's sockets open on it all along. */
interface Side {
  readonly presence: boolean;
  readonly label: string;
  readonly target: ChatServerTarget;
  readonly generator: LoadGenerator;
  /** One stream URL per storm user. */
  readonly urls: readonly string[];
}

/** The storm on one side for a while: its connects, then a fan-out step while it goes on. */
interface Phase {
  readonly connects: number;
  readonly cpuMicrosPerConnect: number;
  /** `presence` frames the storm's streams received per connect: the work presence did. */
  readonly presenceFramesPerConnect: number;
  readonly fanOut: StepResult;
  readonly failures: number;
  readonly firstError: string | undefined;
}

interface StormResult {
  readonly presence: boolean;
  readonly phases: readonly Phase[];
  /** Medians over the phases. */
  readonly cpuMicrosPerConnect: number;
  readonly presenceFramesPerConnect: number;
  readonly fanOutP99Ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const presenceFrames = (storm: ReconnectStorm) => storm.framesByType.get('presence') ?? 0;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function openSide(context: BenchContext, presence: boolean): Promise<Side> {
  const label = presence ? 'presence on' : 'presence off';
  const target = await startChatServer({
    args: context.serverArgs,
    env: { PRESENCE: String(presence), PRESENCE_GRACE_SECONDS: GRACE_SECONDS },
    name: label,
  });
  const generator = LoadGenerator.start('threads', context.workers);
  try {
    const rooms = await target.provision(ROOMS, MEMBERS);
    const fanOutRoom = await target.provision(1, FAN_OUT_MEMBERS);
    await generator.open(socketsFor(target, fanOutRoom));
    const urls = rooms.flatMap((room) =>
      room.members.map((member) => streamUrl(target, member.sessionId)),
    );
    return { presence, label, target: { ...target, label }, generator, urls };
  } catch (error) {
    await closeSide({ presence, label, target, generator, urls: [] });
    throw error;
  }
}

async function closeSide(side: Side): Promise<void> {
  try {
    await side.generator.close();
    await side.generator.stop();
  } finally {
    await side.target.stop();
  }
}

async function measurePhase(context: BenchContext, side: Side): Promise<Phase> {
  const timing = context.full ? PHASE.full : PHASE.quick;
  const { target } = side;
  const storm = new ReconnectStorm(side.urls, STORM);
  try {
    await sleep(timing.warmupMs);
    const cpuBefore = target.child.cpuSeconds();
    const connectsBefore = storm.connects;
    const framesBefore = presenceFrames(storm);
    await sleep(timing.stormMs);
    const connects = Math.max(1, storm.connects - connectsBefore);
    const cpuMicrosPerConnect = (1e6 * (target.child.cpuSeconds() - cpuBefore)) / connects;
    const presenceFramesPerConnect = (presenceFrames(storm) - framesBefore) / connects;
    const fanOut = await measureStep(side.generator, cpuOf(target), {
      rate: FAN_OUT_RATE,
      durationMs: timing.fanOutMs,
      warmupMs: 1_000,
      drainTimeoutMs: 30_000,
      senders: FAN_OUT_MEMBERS,
      receiversPerMessage: FAN_OUT_MEMBERS - 1,
    });
    context.log(
      `${side.label.padEnd(12)} ${connects} connects, ${cpuMicrosPerConnect.toFixed(0)} µs CPU each, ` +
        `${presenceFramesPerConnect.toFixed(1)} presence frames each; ${describeStep('fan-out', fanOut)}`,
    );
    return {
      connects,
      cpuMicrosPerConnect,
      presenceFramesPerConnect,
      fanOut,
      failures: storm.failures,
      firstError: storm.firstError,
    };
  } finally {
    await storm.stop();
  }
}

function summarise(side: Side, phases: readonly Phase[]): StormResult {
  return {
    presence: side.presence,
    phases,
    cpuMicrosPerConnect: median(phases.map((phase) => phase.cpuMicrosPerConnect)),
    presenceFramesPerConnect: median(phases.map((phase) => phase.presenceFramesPerConnect)),
    fanOutP99Ms: median(phases.map((phase) => phase.fanOut.p99Ms)),
  };
}

/** The storm on each side in turn, in the order on, off, off, on, … */
async function alternate(context: BenchContext, on: Side, off: Side): Promise<StormResult[]> {
  const phases = new Map<Side, Phase[]>([
    [on, []],
    [off, []],
  ]);
  const rounds = context.full ? PHASE.full.rounds : PHASE.quick.rounds;
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? [on, off] : [off, on]) {
      phases.get(side)?.push(await measurePhase(context, side));
    }
  }
  return [on, off].map((side) => summarise(side, phases.get(side) ?? []));
}

/** A storm that failed, or whose presence frames say the server measured the wrong thing. */
function stormProblems(result: StormResult): string[] {
  const label = result.presence ? 'presence on' : 'presence off';
  const fanOut = result.phases.flatMap((phase) => phase.fanOut.problems ?? []);
  const failed = result.phases.reduce((sum, phase) => sum + phase.failures, 0);
  const firstError = result.phases.find((phase) => phase.firstError)?.firstError;
  return [
    ...fanOut.map((problem) => `${label}: fan-out during the storm: ${problem}`),
    ...(failed > 0 ? [`${label}: ${failed} storm connections failed: ${firstError}`] : []),
    ...(result.presence && result.presenceFramesPerConnect === 0
      ? [`${label}: the storm caused no presence frame`]
      : []),
    ...(!result.presence && result.presenceFramesPerConnect > 0
      ? [`${label}: presence frames were sent with PRESENCE=false`]
      : []),
  ];
}

function outcome(on: StormResult, off: StormResult): ScenarioOutcome {
  const note =
    `baseline: the same server with PRESENCE=false; medians of ${on.phases.length} phases each, alternated; ` +
    `streams connected ${STORM.holdMs.join('–')} ms, away ${STORM.awayMs} ms, grace ${GRACE_SECONDS} s: ` +
    'every reconnect is two presence changes';
  const scenario = `storm ${ROOMS * MEMBERS} users / ${ROOMS} rooms`;
  const figure = { scenario, better: 'lower', note } as const;
  return {
    figures: [
      {
        ...figure,
        metric: 'server CPU per connect',
        unit: 'µs',
        server: on.cpuMicrosPerConnect,
        baseline: off.cpuMicrosPerConnect,
      },
      {
        ...figure,
        metric: 'presence frames received per connect',
        unit: '',
        server: on.presenceFramesPerConnect,
        baseline: off.presenceFramesPerConnect,
      },
      {
        ...figure,
        scenario: `${scenario} + fan-out 1×${FAN_OUT_MEMBERS}`,
        metric: `delivery p99 at ${FAN_OUT_RATE}/s per sender`,
        unit: 'ms',
        server: on.fanOutP99Ms,
        baseline: off.fanOutP99Ms,
      },
    ],
    details: { on, off },
    failures: [on, off].flatMap(stormProblems),
  };
}

export const presence: Scenario = {
  name: 'presence',
  description: `${ROOMS * MEMBERS} users over ${ROOMS} rooms reconnecting every few seconds, presence on and off`,
  async run(context): Promise<ScenarioOutcome> {
    const on = await openSide(context, true);
    try {
      const off = await openSide(context, false);
      try {
        const [onResult, offResult] = await alternate(context, on, off);
        if (!onResult || !offResult) throw new Error('a side has no result');
        return outcome(onResult, offResult);
      } finally {
        await closeSide(off);
      }
    } finally {
      await closeSide(on);
    }
  },
};
