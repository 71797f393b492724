// Idle connections: ~19,000 authenticated sockets spread over 100 rooms, and what each costs in
// resident memory. The sockets are opened from child processes, since one process may hold only
// 20,000 files here; RSS is read after a full GC (through the inspector) before and after.
import { LoadGenerator } from '../load/generator.js';
import { startWsBaseline } from '../targets/baselines.js';
import { startChatServer } from '../targets/chat-server.js';
import { collectGarbage, INSPECT_FLAG } from '../targets/inspector.js';
import type { WsTarget } from '../targets/target.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './context.js';
import { socketsFor } from './ws-load.js';

const ROOMS = 100;
const MEMBERS = 10;
/** Sockets per member: 100 × 10 × 19 = 19,000. */
const SOCKETS_PER_MEMBER = 19;
const GENERATOR_PROCESSES = 4;
const SETTLE_MS = 1_500;

export interface IdleResult {
  readonly wanted: number;
  readonly opened: number;
  readonly firstError: string | undefined;
  readonly connectSeconds: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly bytesPerConnection: number;
}

export async function settledRss(target: WsTarget): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await collectGarbage(target.child);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS / 3));
  return target.child.rssBytes();
}

async function measure(context: BenchContext, target: WsTarget): Promise<IdleResult> {
  const generator = LoadGenerator.start('processes', GENERATOR_PROCESSES);
  try {
    const rooms = await target.provision(ROOMS, MEMBERS);
    const sockets = socketsFor(target, rooms, { perMember: SOCKETS_PER_MEMBER, senders: false });
    const rssBeforeBytes = await settledRss(target);
    const startedAt = performance.now();
    const { opened, firstError } = await generator.open(sockets, true);
    const connectSeconds = (performance.now() - startedAt) / 1000;
    const rssAfterBytes = await settledRss(target);
    await generator.close();
    const result = {
      wanted: sockets.length,
      opened,
      firstError,
      connectSeconds,
      rssBeforeBytes,
      rssAfterBytes,
      bytesPerConnection: (rssAfterBytes - rssBeforeBytes) / Math.max(1, opened),
    };
    context.log(
      `${target.label.padEnd(9)} ${opened}/${sockets.length} sockets in ${connectSeconds.toFixed(1)} s, ` +
        `RSS ${mib(rssBeforeBytes)} → ${mib(rssAfterBytes)} MiB: ` +
        `${Math.round(result.bytesPerConnection)} bytes per connection` +
        (firstError ? ` (first failure: ${firstError})` : ''),
    );
    return result;
  } finally {
    await generator.stop();
  }
}

export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function measureOn(context: BenchContext, target: WsTarget): Promise<IdleResult> {
  try {
    return await measure(context, target);
  } finally {
    await target.stop();
  }
}

export const idle: Scenario = {
  name: 'idle',
  description: `${ROOMS * MEMBERS * SOCKETS_PER_MEMBER} idle authenticated sockets over ${ROOMS} rooms: RSS per connection`,
  async run(context): Promise<ScenarioOutcome> {
    const args = [INSPECT_FLAG, ...context.serverArgs];
    const server = await measureOn(context, await startChatServer({ args }));
    const baseline = await measureOn(context, await startWsBaseline({ nodeFlags: [INSPECT_FLAG] }));
    const reached = Math.min(server.opened, baseline.opened);
    return {
      figures: [
        {
          scenario: `idle ${reached.toLocaleString('en-US')} sockets`,
          metric: 'RSS bytes per connection',
          unit: 'B',
          server: server.bytesPerConnection,
          baseline: baseline.bytesPerConnection,
          better: 'lower',
          targetRatio: 1.5,
        },
      ],
      details: { server, baseline },
      failures: [],
    };
  },
};
