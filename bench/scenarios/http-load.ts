// HTTP load with autocannon: requests per second and latency of one route, checked for errors.
import autocannon from 'autocannon';

export interface HttpResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly problems: string | undefined;
}

export interface HttpLoad {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export async function httpLoad(load: HttpLoad): Promise<HttpResult> {
  const result = await autocannon({
    url: load.url,
    duration: load.seconds,
    connections: load.connections,
    method: load.method ?? 'GET',
    headers: load.headers ?? {},
    body: load.body,
  });
  const bad = result.errors + result.timeouts + result.non2xx;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    problems:
      bad === 0
        ? undefined
        : `${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
  };
}

export function describeHttp(label: string, result: HttpResult): string {
  return (
    `${label.padEnd(28)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(7)} req/s  ` +
    `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms` +
    (result.problems ? `  PROBLEM: ${result.problems}` : '')
  );
}
