// Just enough HTTP for setting up a benchmark: JSON requests, and a bounded number in flight.

export async function postJson<T>(
  base: string,
  path: string,
  body: unknown,
  session?: string,
): Promise<T> {
  return requestJson<T>(base, path, { method: 'POST', body: JSON.stringify(body), session });
}

export async function getJson<T>(base: string, path: string, session?: string): Promise<T> {
  return requestJson<T>(base, path, { method: 'GET', session });
}

async function requestJson<T>(
  base: string,
  path: string,
  options: { method: string; body?: string; session?: string | undefined },
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.session !== undefined) headers['x-session-id'] = options.session;
  const response = await fetch(base + path, {
    method: options.method,
    headers,
    body: options.body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${options.method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Maps `items` through `task` with at most `limit` running at once, keeping the order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
