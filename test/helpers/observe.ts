// What the server has stored and counted, read over HTTP as a client or an operator would.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from './http.js';
import { METRICS_AUTHORIZATION } from './server.js';
import type { Frame } from './ws.js';

const PAGE = 200;

/** Every message of a room, oldest first, read with `after=` pages as a catching-up client does. */
export async function roomHistory(base: string, session: string, roomId: number): Promise<Frame[]> {
  const messages: Frame[] = [];
  for (;;) {
    const after = messages.at(-1)?.id ?? 0;
    const page = await request<Frame[]>(
      base,
      'GET',
      `/v1/rooms/${roomId}/messages?after=${after}&limit=${PAGE}`,
      { session },
    );
    if (page.status !== 200) throw new Error(`history failed: ${JSON.stringify(page.body)}`);
    messages.push(...page.body);
    if (page.body.length < PAGE) return messages;
  }
}

/** The value of an unlabelled Prometheus metric on /metrics. */
export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers: METRICS_AUTHORIZATION })).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`metric ${name} not found`);
  return Number(line.slice(name.length + 1));
}

/** Waits until `condition` holds (the server finishes closing a socket a moment after its client). */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Two readings this close apart: the collections have settled. */
const SETTLED_BYTES = 256 * 1024;

/**
 * Heap and buffers in use after full collections, once they settle: what this process (and its
 * server) holds. Buffers freed by a collection give their memory back a moment later, so one
 * reading right after gc() may still count them.
 */
export async function memoryInUse(): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 10; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    const now = heapUsed + arrayBuffers;
    if (Math.abs(previous - now) < SETTLED_BYTES) return now;
    previous = now;
  }
  return previous;
}
