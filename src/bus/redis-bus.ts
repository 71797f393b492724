// The Bus over Redis pub/sub: not written yet (see the scale-out issue).
import type { Bus } from './bus.js';

export async function openRedisBus(_url: string): Promise<Bus> {
  throw new Error('Redis fan-out is not available yet');
}
