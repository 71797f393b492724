// What the soak watches on the server, read from its /metrics as a scraper would: resident memory,
// event-loop lag, handles and descriptors (not the heap: its saw-tooth hides a trend in a short
// run); and the slope of each over the run.

export interface Sample {
  /** Seconds since the traffic started. */
  readonly at: number;
  readonly values: Record<Watched, number>;
}

/** Each watched quantity: its Prometheus metric, its unit for the report, a scale from it. */
export const WATCHED = {
  rss: { metric: 'process_resident_memory_bytes', unit: 'MiB', scale: 1 / 2 ** 20 },
  lagP99: { metric: 'nodejs_eventloop_lag_p99_seconds', unit: 'ms', scale: 1000 },
  handles: { metric: 'nodejs_active_handles_total', unit: '', scale: 1 },
  descriptors: { metric: 'process_open_fds', unit: '', scale: 1 },
} as const;
export type Watched = keyof typeof WATCHED;

/** The value of an unlabelled metric in Prometheus text. */
function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`metric ${name} not found on /metrics`);
  return Number(line.slice(name.length + 1));
}

export async function sample(httpBase: string, token: string, at: number): Promise<Sample> {
  const response = await fetch(`${httpBase}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const values = {} as Record<Watched, number>;
  for (const [key, { metric, scale }] of Object.entries(WATCHED)) {
    values[key as Watched] = metricValue(text, metric) * scale;
  }
  return { at, values };
}

/** The least-squares slope of `key` over the samples, per minute. */
export function slopePerMinute(samples: readonly Sample[], key: Watched): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanAt = samples.reduce((sum, s) => sum + s.at, 0) / n;
  const meanValue = samples.reduce((sum, s) => sum + s.values[key], 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { at, values } of samples) {
    covariance += (at - meanAt) * (values[key] - meanValue);
    variance += (at - meanAt) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60;
}
