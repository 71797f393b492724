// CPU per delivery at a fixed load (1 room × 100 members × 10 msg/s per member): CPU seconds of the
// target process from /proc/<pid>/stat (user + system, all threads) over the deliveries it made.
// Unlike throughput, this figure does not depend on how fast the generator is.
import type { Scenario, ScenarioOutcome } from './context.js';
import { failuresOf, fixedLoad } from './fixed-load.js';
import { cpuMicrosPerDelivery } from './ws-load.js';

const LOAD = { rooms: 1, members: 100, rate: 10 };
const NAME = `CPU at ${LOAD.rooms}×${LOAD.members}×${LOAD.rate}/s`;

export const cpuPerDelivery: Scenario = {
  name: 'cpu',
  description: `server CPU per delivery at ${LOAD.rooms} room × ${LOAD.members} members × ${LOAD.rate} msg/s`,
  async run(context): Promise<ScenarioOutcome> {
    const result = await fixedLoad(context, LOAD);
    return {
      figures: [
        {
          scenario: NAME,
          metric: 'CPU µs per delivery',
          unit: 'µs',
          server: cpuMicrosPerDelivery(result.server),
          baseline: cpuMicrosPerDelivery(result.baseline),
          better: 'lower',
          targetRatio: 1.2,
        },
      ],
      details: { load: LOAD, ...result },
      failures: failuresOf(NAME, result),
    };
  },
};
