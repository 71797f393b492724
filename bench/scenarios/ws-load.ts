// Shared by the WebSocket scenarios: sockets for a set of rooms, and one measured step of load.
import { deliveryProblems, type LoadGenerator, type RunOptions } from '../load/generator.js';
import type { ConnectionSpec } from '../load/protocol.js';
import { chatUrl, type RoomPlan, type WsTarget } from '../targets/target.js';

/** One socket per member per room (times `perMember`); every member sends when `senders` says so. */
export function socketsFor(
  target: WsTarget,
  rooms: readonly RoomPlan[],
  options: { perMember?: number; senders?: boolean } = {},
): ConnectionSpec[] {
  const specs: ConnectionSpec[] = [];
  rooms.forEach((room, roomIndex) => {
    room.members.forEach((member, memberIndex) => {
      for (let copy = 0; copy < (options.perMember ?? 1); copy++) {
        specs.push({
          url: chatUrl(target, room.id, member.sessionId),
          room: roomIndex,
          member: memberIndex,
          roomSize: room.members.length,
          userId: member.userId,
          roomId: room.id,
          sends: options.senders ?? true,
        });
      }
    });
  });
  return specs;
}

export interface StepResult {
  /** Messages per second per sender. */
  readonly rate: number;
  readonly sentMessages: number;
  /** Every delivery received in the step, measured window or not. */
  readonly deliveries: number;
  /** Deliveries that never arrived (must be 0). */
  readonly missing: number;
  /** Deliveries per second the schedule asked for. */
  readonly offeredDeliveriesPerSecond: number;
  /** Deliveries per second received during the measured window. */
  readonly deliveriesPerSecond: number;
  /** Latency from send to receipt, milliseconds. */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly generatorCpuSeconds: number | undefined;
  /** CPU seconds the target process used during the step (sending and draining). */
  readonly targetCpuSeconds: number;
  /** Wall seconds of the step, sending and draining. */
  readonly seconds: number;
  readonly problems: string | undefined;
}

/** CPU seconds used so far by the processes under test. */
export type CpuMeter = () => number;

export function cpuOf(...targets: WsTarget[]): CpuMeter {
  return () => targets.reduce((sum, target) => sum + target.child.cpuSeconds(), 0);
}

export async function measureStep(
  generator: LoadGenerator,
  cpuSeconds: CpuMeter,
  options: RunOptions & { readonly senders: number; readonly receiversPerMessage: number },
): Promise<StepResult> {
  const cpuBefore = cpuSeconds();
  const startedAt = performance.now();
  const result = await generator.run(options);
  const seconds = (performance.now() - startedAt) / 1000;
  const targetCpuSeconds = cpuSeconds() - cpuBefore;
  const ms = (percentile: number) => result.latencyUs.getValueAtPercentile(percentile) / 1000;
  return {
    rate: options.rate,
    sentMessages: result.sentMessages,
    deliveries: result.stats.deliveries,
    missing: result.stats.missing,
    offeredDeliveriesPerSecond: options.rate * options.senders * options.receiversPerMessage,
    deliveriesPerSecond: result.deliveriesPerSecond,
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
    p999Ms: ms(99.9),
    maxMs: result.latencyUs.maxValue / 1000,
    generatorCpuSeconds: result.generatorCpuSeconds,
    targetCpuSeconds,
    seconds,
    problems: deliveryProblems(result.stats),
  };
}

export function describeStep(label: string, step: StepResult): string {
  return (
    `${label.padEnd(9)} rate ${String(step.rate).padStart(4)}/s/sender  ` +
    `offered ${Math.round(step.offeredDeliveriesPerSecond).toLocaleString('en-US').padStart(9)}  ` +
    `delivered ${Math.round(step.deliveriesPerSecond).toLocaleString('en-US').padStart(9)}/s  ` +
    `p50 ${step.p50Ms.toFixed(2)} ms  p99 ${step.p99Ms.toFixed(2)} ms  max ${step.maxMs.toFixed(1)} ms` +
    `  CPU ${label} ${cpuShare(step.targetCpuSeconds, step.seconds)}` +
    (step.generatorCpuSeconds === undefined
      ? ''
      : `, generator ${cpuShare(step.generatorCpuSeconds, step.seconds)}`) +
    (step.problems ? `  PROBLEM: ${step.problems}` : '')
  );
}

function cpuShare(cpuSeconds: number, seconds: number): string {
  return `${Math.round((100 * cpuSeconds) / seconds)}%`;
}

/** CPU microseconds the processes under test spent per delivery during a step. */
export function cpuMicrosPerDelivery(step: StepResult): number {
  return (1e6 * step.targetCpuSeconds) / Math.max(1, step.deliveries);
}
