// Presence under a connect/disconnect storm: 2,000 users over 200 rooms, each user's stream
// reconnecting every few seconds, on a server with presence on and the same with PRESENCE=false,
// side by side: server CPU per connect, then the delivery p99 of a 1 × 100 fan-out during the storm.
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

interface StormResult {
  readonly presence: boolean;
  readonly connects: number;
  readonly cpuMicrosPerConnect: number;
  /** `presence` frames the storm's streams received per connect: the work presence did. */
  readonly presenceFramesPerConnect: number;
  readonly fanOut: StepResult;
  readonly failures: number;
  readonly firstError: string | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const presenceFrames = (storm: ReconnectStorm) => storm.framesByType.get('presence') ?? 0;

async function measureStorm(
  context: BenchContext,
  target: ChatServerTarget,
  presence: boolean,
): Promise<StormResult> {
  const rooms = await target.provision(ROOMS, MEMBERS);
  const fanOutRoom = await target.provision(1, FAN_OUT_MEMBERS);
  const generator = LoadGenerator.start('threads', context.workers);
  let storm: ReconnectStorm | undefined;
  try {
    await generator.open(socketsFor(target, fanOutRoom));
    const urls = rooms.flatMap((room) =>
      room.members.map((member) => streamUrl(target, member.sessionId)),
    );
    storm = new ReconnectStorm(urls, STORM);
    await sleep(context.full ? 10_000 : 5_000);
    const cpuBefore = target.child.cpuSeconds();
    const connectsBefore = storm.connects;
    const framesBefore = presenceFrames(storm);
    await sleep(context.full ? 30_000 : 10_000);
    const connects = storm.connects - connectsBefore;
    const cpuMicrosPerConnect =
      (1e6 * (target.child.cpuSeconds() - cpuBefore)) / Math.max(1, connects);
    const presenceFramesPerConnect = (presenceFrames(storm) - framesBefore) / Math.max(1, connects);
    const fanOut = await measureStep(generator, cpuOf(target), {
      rate: FAN_OUT_RATE,
      durationMs: context.full ? 20_000 : 8_000,
      warmupMs: 1_000,
      drainTimeoutMs: 30_000,
      senders: FAN_OUT_MEMBERS,
      receiversPerMessage: FAN_OUT_MEMBERS - 1,
    });
    context.log(
      `${target.label.padEnd(12)} ${connects} connects, ${cpuMicrosPerConnect.toFixed(0)} µs CPU each, ` +
        `${presenceFramesPerConnect.toFixed(1)} presence frames each; ` +
        describeStep('fan-out', fanOut),
    );
    await generator.close();
    return {
      presence,
      connects,
      cpuMicrosPerConnect,
      presenceFramesPerConnect,
      fanOut,
      failures: storm.failures,
      firstError: storm.firstError,
    };
  } finally {
    await storm?.stop();
    await generator.stop();
  }
}

async function stormOn(context: BenchContext, presence: boolean): Promise<StormResult> {
  const target = await startChatServer({
    args: context.serverArgs,
    env: { PRESENCE: String(presence), PRESENCE_GRACE_SECONDS: GRACE_SECONDS },
    name: presence ? 'presence on' : 'presence off',
  });
  try {
    return await measureStorm(
      context,
      { ...target, label: presence ? 'presence on' : 'presence off' },
      presence,
    );
  } finally {
    await target.stop();
  }
}

/** A storm that failed, or whose presence frames say the server measured the wrong thing. */
function stormProblems(result: StormResult): string[] {
  const label = result.presence ? 'presence on' : 'presence off';
  return [
    ...(result.fanOut.problems
      ? [`${label}: fan-out during the storm: ${result.fanOut.problems}`]
      : []),
    ...(result.failures > 0
      ? [`${label}: ${result.failures} storm connections failed: ${result.firstError}`]
      : []),
    ...(result.presence && result.presenceFramesPerConnect === 0
      ? [`${label}: the storm caused no presence frame`]
      : []),
    ...(!result.presence && result.presenceFramesPerConnect > 0
      ? [`${label}: presence frames were sent with PRESENCE=false`]
      : []),
  ];
}

export const presence: Scenario = {
  name: 'presence',
  description: `${ROOMS * MEMBERS} users over ${ROOMS} rooms reconnecting every few seconds, presence on and off`,
  async run(context): Promise<ScenarioOutcome> {
    const on = await stormOn(context, true);
    const off = await stormOn(context, false);
    const note =
      `baseline: the same server with PRESENCE=false; streams connected ${STORM.holdMs.join('–')} ms, ` +
      `away ${STORM.awayMs} ms, grace ${GRACE_SECONDS} s: every reconnect is two presence changes`;
    const scenario = `storm ${ROOMS * MEMBERS} users / ${ROOMS} rooms`;
    return {
      figures: [
        {
          scenario,
          metric: 'server CPU per connect',
          unit: 'µs',
          server: on.cpuMicrosPerConnect,
          baseline: off.cpuMicrosPerConnect,
          better: 'lower',
          note,
        },
        {
          scenario,
          metric: 'presence frames received per connect',
          unit: '',
          server: on.presenceFramesPerConnect,
          baseline: off.presenceFramesPerConnect,
          better: 'lower',
          note,
        },
        {
          scenario: `${scenario} + fan-out 1×${FAN_OUT_MEMBERS}`,
          metric: `delivery p99 at ${FAN_OUT_RATE}/s per sender`,
          unit: 'ms',
          server: on.fanOut.p99Ms,
          baseline: off.fanOut.p99Ms,
          better: 'lower',
          note,
        },
      ],
      details: { on, off },
      failures: [on, off].flatMap(stormProblems),
    };
  },
};
