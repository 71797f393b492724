// Many rooms: 100 rooms × 10 members, each member sending 5 messages a second; latency and loss.
import type { Scenario, ScenarioOutcome } from './context.js';
import { failuresOf, fixedLoad } from './fixed-load.js';

const LOAD = { rooms: 100, members: 10, rate: 5 };
const NAME = `many rooms ${LOAD.rooms}×${LOAD.members}×${LOAD.rate}/s`;

export const manyRooms: Scenario = {
  name: 'many-rooms',
  description: `${LOAD.rooms} rooms × ${LOAD.members} members × ${LOAD.rate} msg/s per member`,
  async run(context): Promise<ScenarioOutcome> {
    const result = await fixedLoad(context, LOAD);
    const figure = (metric: string, pick: (step: typeof result.server) => number) => ({
      scenario: NAME,
      metric,
      server: pick(result.server),
      baseline: pick(result.baseline),
    });
    return {
      figures: [
        { ...figure('p50 latency', (step) => step.p50Ms), unit: 'ms', better: 'lower' },
        {
          ...figure('p99 latency', (step) => step.p99Ms),
          unit: 'ms',
          better: 'lower',
          targetRatio: 2,
        },
        {
          ...figure('deliveries/s', (step) => step.deliveriesPerSecond),
          unit: '/s',
          better: 'higher',
        },
        { ...figure('lost deliveries', (step) => step.missing), unit: '', better: 'lower' },
      ],
      details: { load: LOAD, ...result },
      failures: failuresOf(NAME, result),
    };
  },
};
