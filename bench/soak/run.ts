// One soak: a spawned server, the traffic, a sample of its /metrics every few seconds, and after
// a warm-up the slope of each watched quantity against its bound. Stops by itself.
import { setTimeout as sleep } from 'node:timers/promises';
import { startChatServer } from '../targets/chat-server.js';
import { type Sample, sample, slopePerMinute, WATCHED, type Watched } from './samples.js';
import { startTraffic, type TrafficCounts } from './traffic.js';

const METRICS_TOKEN = 'soak-metrics-token-0123456789';
const SAMPLE_EVERY_MS = 2000;
/** Caches, JIT and SQLite's page cache fill up first: the slopes are taken after this share. */
const WARM_UP_SHARE = 0.25;
/**
 * Generous growth per minute a steady server stays under. A steady window shorter than a minute
 * may grow by as much in all: its slope is noisier.
 */
const BOUNDS: Record<Watched, number> = {
  rss: 32,
  lagP99: 100,
  handles: 10,
  descriptors: 10,
};
/** The whole soak stops by itself this long after its planned end, whatever hangs. */
const OVERRUN_MS = 60_000;

export interface Slope {
  readonly name: Watched;
  readonly unit: string;
  readonly first: number;
  readonly last: number;
  readonly perMinute: number;
  readonly bound: number;
}

export interface SoakResult {
  readonly seconds: number;
  readonly warmUpSeconds: number;
  readonly samples: Sample[];
  readonly slopes: Slope[];
  readonly traffic: TrafficCounts;
  readonly ok: boolean;
}

function slopes(samples: Sample[]): Slope[] {
  const minutes = ((samples.at(-1)?.at ?? 0) - (samples[0]?.at ?? 0)) / 60;
  return (Object.keys(WATCHED) as Watched[]).map((name) => ({
    name,
    unit: WATCHED[name].unit,
    first: samples[0]?.values[name] ?? 0,
    last: samples.at(-1)?.values[name] ?? 0,
    perMinute: slopePerMinute(samples, name),
    bound: BOUNDS[name] / Math.min(1, Math.max(minutes, 0.1)),
  }));
}

export async function soak(options: {
  seconds: number;
  serverArgs: readonly string[];
}): Promise<SoakResult> {
  const watchdog = setTimeout(
    () => {
      console.error('soak: overran its time, stopping');
      process.exit(2);
    },
    options.seconds * 1000 + OVERRUN_MS,
  );
  watchdog.unref();
  const server = await startChatServer({ args: options.serverArgs, env: { METRICS_TOKEN } });
  try {
    const traffic = startTraffic(server);
    await traffic.ready;
    const startedAt = performance.now();
    const elapsed = () => (performance.now() - startedAt) / 1000;
    const samples: Sample[] = [];
    while (elapsed() < options.seconds) {
      await sleep(SAMPLE_EVERY_MS);
      samples.push(await sample(server.httpBase, METRICS_TOKEN, elapsed()));
    }
    const counts = await traffic.stop();
    const warmUpSeconds = Math.round(options.seconds * WARM_UP_SHARE);
    const steady = slopes(samples.filter((entry) => entry.at >= warmUpSeconds));
    const ok =
      counts.failures.length === 0 && steady.every((slope) => slope.perMinute <= slope.bound);
    return {
      seconds: options.seconds,
      warmUpSeconds,
      samples,
      slopes: steady,
      traffic: counts,
      ok,
    };
  } finally {
    clearTimeout(watchdog);
    await server.stop();
  }
}
