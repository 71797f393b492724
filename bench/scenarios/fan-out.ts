// Fan-out sweep: 1 room × 100 members, every member sending, the per-sender rate raised step by step
// until p99 passes 100 ms. The highest rate still under it gives the max sustainable deliveries/s.
// Server and baseline run side by side and take turns at each rate, so both see the same machine.
import { startWsBaseline } from '../targets/baselines.js';
import { startChatServer } from '../targets/chat-server.js';
import type { WsTarget } from '../targets/target.js';
import type { Scenario, ScenarioOutcome } from './context.js';
import {
  type Lane,
  laneFailures,
  lowerBounds,
  openLane,
  P99_LIMIT_MS,
  type Sweep,
  sweepLanes,
} from './sweep.js';
import { socketsFor } from './ws-load.js';

const MEMBERS = 100;
const QUICK_RATES = [2, 5, 10, 20, 40, 60, 80, 100, 130, 160, 200];
const FULL_RATES = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 50, 60, 70, 80, 90, 100, 115,
  130, 150, 175, 200, 250, 300,
];
/** Every member sends; each message reaches the 99 others. */
const SHAPE = { senders: MEMBERS, receiversPerMessage: MEMBERS - 1 };

export interface FanOutDetails {
  readonly p99LimitMs: number;
  readonly server: Sweep;
  /** The bare relay: each frame written to each socket as it arrives. */
  readonly baseline: Sweep;
  /** The relay batching per event-loop turn, one write per socket, as the server does. */
  readonly batched: Sweep;
}

export const fanOut: Scenario = {
  name: 'fan-out',
  description: `1 room × ${MEMBERS} members, per-sender rate raised until p99 > ${P99_LIMIT_MS} ms`,
  async run(context): Promise<ScenarioOutcome> {
    const targets: WsTarget[] = [];
    const lanes: Lane[] = [];
    let sweeps: Sweep[] = [];
    try {
      targets.push(await startChatServer({ args: context.serverArgs }));
      targets.push(await startWsBaseline());
      targets.push(await startWsBaseline({ batched: true }));
      for (const target of targets) {
        const sockets = socketsFor(target, await target.provision(1, MEMBERS));
        lanes.push(await openLane(context, target, sockets, SHAPE));
      }
      sweeps = await sweepLanes(context, lanes, context.full ? FULL_RATES : QUICK_RATES);
    } finally {
      for (const lane of lanes) await lane.generator.stop();
      for (const target of targets) await target.stop();
    }
    const [server, baseline, batched] = sweeps as [Sweep, Sweep, Sweep];
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
      failures: laneFailures(lanes),
    };
  },
};
