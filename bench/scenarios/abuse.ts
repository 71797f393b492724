// The collateral of abuse: well-behaved clients' p99 (GET /v1/info, and a room socket's send to
// its acknowledgement) while each attack of bench/load/attacks.ts runs from a process of its own,
// next to the same clients just before it. The server runs with its default limits.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { constants, setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { AttackAnswer, AttackCommand } from '../load/attack-process.js';
import {
  ATTACK_NAMES,
  ATTACKED_SERVER_ENV,
  type AttackName,
  type AttackReport,
} from '../load/attacks.js';
import {
  type ChatServerTarget,
  PASSWORD,
  RUN_ID,
  startChatServer,
} from '../targets/chat-server.js';
import { openDescriptors } from '../targets/processes.js';
import { chatUrl } from '../targets/target.js';
import type { Figure, Scenario, ScenarioOutcome } from './context.js';

const ATTACK_FILE = new URL('../load/attack-process.ts', import.meta.url);
const GOOD_PAIRS = 4;
/** Each good client asks, then waits this long: 10 requests and 10 sends per second. */
const PACE_MS = 100;
const TARGET_RATIO = 2;
const ACK_TIMEOUT_MS = 10_000;
const NOTE = 'Baseline column: the same good clients just before the attack';

interface Latencies {
  readonly httpMs: number[];
  readonly ackMs: number[];
  failures: number;
}

interface GoodPair {
  readonly sessionId: string;
  readonly socket: WebSocket;
  /** Waiting sends by client_id: told whether the answer was the stored message. */
  readonly acks: Map<string, (stored: boolean) => void>;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.99)] ?? 0;
}

async function goodPair(server: ChatServerTarget, index: number): Promise<GoodPair> {
  const [sender, other] = await Promise.all([
    server.register(`good_${index}`),
    server.register(`good_${index}_peer`),
  ]);
  const { id } = await sender.client.createRoom([other.userId]);
  const socket = new WebSocket(chatUrl(server, id, sender.sessionId));
  await once(socket, 'open');
  const acks = new Map<string, (stored: boolean) => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { client_id?: string; error?: unknown };
    if (frame.client_id !== undefined) acks.get(frame.client_id)?.(frame.error === undefined);
  });
  return { sessionId: sender.sessionId, socket, acks };
}

let sent = 0;

/** One request and one acknowledged send, timed. */
async function askOnce(server: ChatServerTarget, pair: GoodPair, into: Latencies): Promise<void> {
  const requested = performance.now();
  const info = await fetch(`${server.httpBase}/v1/info`, {
    headers: { 'x-session-id': pair.sessionId },
  });
  await info.arrayBuffer();
  into.httpMs.push(performance.now() - requested);
  if (info.status !== 200) into.failures += 1;
  sent += 1;
  const clientId = `good-${sent}`;
  const acknowledged = new Promise<boolean>((resolve) => pair.acks.set(clientId, resolve));
  const sending = performance.now();
  pair.socket.send(JSON.stringify({ text: 'how are you?', client_id: clientId }));
  const stored = await Promise.race([acknowledged, sleep(ACK_TIMEOUT_MS, false)]);
  pair.acks.delete(clientId);
  if (!stored) into.failures += 1;
  into.ackMs.push(performance.now() - sending);
}

async function measure(
  server: ChatServerTarget,
  pairs: GoodPair[],
  seconds: number,
): Promise<Latencies> {
  const latencies: Latencies = { httpMs: [], ackMs: [], failures: 0 };
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    pairs.map(async (pair) => {
      while (performance.now() < until) {
        await askOnce(server, pair, latencies);
        await sleep(PACE_MS);
      }
    }),
  );
  return latencies;
}

/** The attack in its own process, set up and started. */
async function launch(name: AttackName, server: ChatServerTarget) {
  const child: ChildProcess = fork(ATTACK_FILE, [], { execArgv: ['--import', 'tsx'] });
  // The attacker stands for machines of its own: here on the server's 2 cores, it gets only the
  // CPU that the server and the good clients leave, so what is measured is the server's share.
  setPriority(child.pid as number, constants.priority.PRIORITY_LOW);
  const answers: AttackAnswer[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (message: AttackAnswer) => {
    answers.push(message);
    waiters.shift()?.();
  });
  const next = async (): Promise<AttackAnswer> => {
    if (answers.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    const answer = answers.shift() as AttackAnswer;
    if (answer.type === 'failed') throw new Error(`${name}: ${answer.error}`);
    return answer;
  };
  const target = {
    httpBase: server.httpBase,
    wsBase: server.wsBase,
    password: PASSWORD,
    loginPrefix: `${name}_${RUN_ID}`,
  };
  child.send({ type: 'start', name, target } satisfies AttackCommand);
  await next();
  return {
    async stop(): Promise<AttackReport> {
      child.send({ type: 'stop' } satisfies AttackCommand);
      const stopped = await next();
      await once(child, 'exit');
      return stopped.type === 'stopped' ? stopped.report : {};
    },
  };
}

function figures(name: AttackName, quiet: Latencies, attacked: Latencies): Figure[] {
  const figure = (metric: string, server: number, baseline: number): Figure => ({
    scenario: `abuse: ${name}`,
    metric,
    unit: 'ms',
    server,
    baseline,
    better: 'lower',
    targetRatio: TARGET_RATIO,
    note: NOTE,
  });
  return [
    figure('good GET /v1/info p99', p99(attacked.httpMs), p99(quiet.httpMs)),
    figure('good send → ack p99', p99(attacked.ackMs), p99(quiet.ackMs)),
  ];
}

export const abuse: Scenario = {
  name: 'abuse',
  description: `good clients' p99 during each attack (${ATTACK_NAMES.join(', ')}) vs just before`,
  async run(context): Promise<ScenarioOutcome> {
    const seconds = context.full ? 15 : 5;
    const server = await startChatServer({ args: context.serverArgs, env: ATTACKED_SERVER_ENV });
    try {
      const pairs = await Promise.all(
        Array.from({ length: GOOD_PAIRS }, (_, n) => goodPair(server, n)),
      );
      const all: Figure[] = [];
      const details: Record<string, unknown> = {};
      const failures: string[] = [];
      for (const name of ATTACK_NAMES) {
        const quiet = await measure(server, pairs, seconds);
        const attack = await launch(name, server);
        const descriptors = openDescriptors(server.child.pid);
        const attacked = await measure(server, pairs, seconds);
        const rssBytes = server.child.rssBytes();
        const report = await attack.stop();
        all.push(...figures(name, quiet, attacked));
        details[name] = { report, serverDescriptors: descriptors, serverRssBytes: rssBytes };
        context.log(
          `${name}: info p99 ${p99(quiet.httpMs).toFixed(1)} → ${p99(attacked.httpMs).toFixed(1)} ms, ` +
            `ack p99 ${p99(quiet.ackMs).toFixed(1)} → ${p99(attacked.ackMs).toFixed(1)} ms; ${JSON.stringify(report)}`,
        );
        if (quiet.failures + attacked.failures > 0)
          failures.push(`abuse ${name}: a good client was refused`);
      }
      for (const pair of pairs) pair.socket.close();
      return { figures: all, details, failures };
    } finally {
      await server.stop();
    }
  },
};
