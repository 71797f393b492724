// Fan-out to streams next to room sockets: 1 room × 100 members, each member receiving on a
// stream in one lane and on a room socket in the other; the same 10 members send over room
// sockets of their own in both, so the lanes differ only in what receives.
import type { ConnectionSpec } from '../load/protocol.js';
import { type ChatServerTarget, startChatServer } from '../targets/chat-server.js';
import { chatUrl, type RoomPlan, streamUrl } from '../targets/target.js';
import type { Scenario, ScenarioOutcome } from './context.js';
import { type Lane, laneFailures, lowerBounds, openLane, type Sweep, sweepLanes } from './sweep.js';
import { cpuMicrosPerDelivery } from './ws-load.js';

const MEMBERS = 100;
const SENDERS = 10;
/** Per sender: 10 senders at 1,000/s offer 1.09 million deliveries a second. */
const QUICK_RATES = [20, 50, 100, 130, 160, 200, 250, 300, 400, 500, 600, 800, 1000];
const FULL_RATES = [10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 600, 700, 800, 1000, 1200];
/**
 * The rate per sender at which the CPU per delivery is compared: one both lanes sustain even on a
 * busy machine, where the max-sustainable figure moves by a whole step from run to run.
 */
const CPU_RATE = 50;
/** Each message reaches every member's receiver and the other senders' sockets. */
const SHAPE = { senders: SENDERS, receiversPerMessage: MEMBERS + SENDERS - 1 };

type Receiver = 'streams' | 'room sockets';

function socketsOf(target: ChatServerTarget, room: RoomPlan, receiver: Receiver): ConnectionSpec[] {
  const common = { room: 0, roomSize: MEMBERS, roomId: room.id };
  return room.members.flatMap((member, index) => {
    const spec = { ...common, member: index, userId: member.userId };
    const chat = chatUrl(target, room.id, member.sessionId);
    const receives: ConnectionSpec =
      receiver === 'streams'
        ? { ...spec, url: streamUrl(target, member.sessionId), sends: false, stream: true }
        : { ...spec, url: chat, sends: false };
    return index < SENDERS ? [receives, { ...spec, url: chat, sends: true }] : [receives];
  });
}

export const streamFanOut: Scenario = {
  name: 'stream-fan-out',
  description: `1 room × ${MEMBERS} members receiving on streams vs room sockets, ${SENDERS} senders`,
  async run(context): Promise<ScenarioOutcome> {
    const targets: ChatServerTarget[] = [];
    const lanes: Lane[] = [];
    let sweeps: Sweep[] = [];
    try {
      for (const receiver of ['streams', 'room sockets'] as const) {
        const target = await startChatServer({ args: context.serverArgs, name: receiver });
        targets.push(target);
        const [room] = await target.provision(1, MEMBERS);
        if (!room) throw new Error('no room provisioned');
        lanes.push(
          await openLane(context, target, socketsOf(target, room, receiver), SHAPE, receiver),
        );
      }
      sweeps = await sweepLanes(context, lanes, context.full ? FULL_RATES : QUICK_RATES);
    } finally {
      for (const lane of lanes) await lane.generator.stop();
      for (const target of targets) await target.stop();
    }
    const [streams, roomSockets] = sweeps as [Sweep, Sweep];
    const cpuAt = (sweep: Sweep) => {
      const step = sweep.steps.find((entry) => entry.rate === CPU_RATE);
      return step && cpuMicrosPerDelivery(step);
    };
    const offered = CPU_RATE * SHAPE.senders * SHAPE.receiversPerMessage;
    return {
      figures: [
        {
          scenario: `fan-out 1×${MEMBERS} to streams`,
          metric: 'max sustainable deliveries/s (p99 ≤ 100 ms), vs room sockets',
          unit: '/s',
          server: streams.maxSustainable,
          baseline: roomSockets.maxSustainable,
          better: 'higher',
          targetRatio: 0.9,
          note: lowerBounds({ streams, 'room sockets': roomSockets }),
        },
        {
          scenario: `fan-out 1×${MEMBERS} to streams`,
          metric: `CPU µs per delivery at ${offered.toLocaleString('en-US')}/s, vs room sockets`,
          unit: 'µs',
          server: cpuAt(streams),
          baseline: cpuAt(roomSockets),
          better: 'lower',
        },
      ],
      details: { members: MEMBERS, senders: SENDERS, streams, roomSockets },
      failures: laneFailures(lanes),
    };
  },
};
