// `npm run soak [-- --seconds=600] [--server=dist/main.js]`: mixed HTTP, room-socket and stream
// traffic against a spawned server for a while (60 s by default), sampling its /metrics; prints
// the slope per minute of RSS, event-loop lag, handles and descriptors after the warm-up,
// and exits non-zero if any grows past its bound or the traffic met a failure.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type SoakResult, soak } from './soak/run.js';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    /** The server's entry script; by default the sources, through tsx (no build needed). */
    server: { type: 'string' },
  },
});

function print(result: SoakResult): void {
  console.log(
    `soak: ${result.seconds} s, ${result.samples.length} samples, warm-up ${result.warmUpSeconds} s`,
  );
  console.log(
    `traffic: ${JSON.stringify({ ...result.traffic, failures: result.traffic.failures.length })}`,
  );
  for (const slope of result.slopes) {
    const verdict = slope.perMinute <= slope.bound ? 'flat' : 'GROWING';
    console.log(
      `  ${slope.name.padEnd(12)} ${slope.first.toFixed(1).padStart(8)} → ${slope.last.toFixed(1).padStart(8)} ${slope.unit.padEnd(3)} ` +
        `slope ${slope.perMinute.toFixed(2)} ${slope.unit}/min (bound ${slope.bound.toFixed(0)}) ${verdict}`,
    );
  }
  for (const failure of result.traffic.failures.slice(0, 10)) console.log(`  failure: ${failure}`);
}

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const serverArgs = options.server ? [options.server] : ['--import', 'tsx', 'src/main.ts'];
soak({ seconds: Number(options.seconds), serverArgs }).then(
  (result) => {
    print(result);
    process.exit(result.ok ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
