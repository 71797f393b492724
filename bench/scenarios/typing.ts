// Typing: 100 members of one room, each on a stream, every one of them typing every 100 ms. The
// server relays at most one signal per user and room every 2 s, whatever the clients send: the
// receivers count the relays of each typist, and no count may exceed the 2 s windows the sending
// spanned.
import WebSocket from 'ws';
import { TYPING_EVERY_MS } from '../../src/domain/typing.js';
import { startChatServer } from '../targets/chat-server.js';
import { streamUrl } from '../targets/target.js';
import type { Scenario, ScenarioOutcome } from './context.js';

const MEMBERS = 100;
const EVERY_MS = 100;
/** Signals at 0, 100, … 4,900 ms: relays allowed at 0, 2,000 and 4,000 ms, far from a 4th window. */
const SIGNALS = 50;
const DRAIN_MS = 500;

interface Typist {
  readonly userId: number;
  readonly ws: WebSocket;
  /** Typing frames received, by the typing user's id. */
  readonly heard: Map<number, number>;
}

interface Tally {
  readonly sent: number;
  /** Relays received by all typists together. */
  readonly total: number;
  /** The most relays of one typist that one receiver got, and the fewest. */
  readonly most: number;
  readonly fewest: number;
  /** Windows of 2 s the sending spanned: the most relays per typist and receiver allowed. */
  readonly allowed: number;
  readonly spanMs: number;
  readonly cpuSeconds: number;
  readonly ownHeard: boolean;
}

function openTypist(url: string, userId: number): Promise<Typist> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const typist: Typist = { userId, ws, heard: new Map() };
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; user_id?: number };
      if (frame.type === 'ready') resolve(typist);
      if (frame.type === 'typing' && frame.user_id !== undefined) {
        typist.heard.set(frame.user_id, (typist.heard.get(frame.user_id) ?? 0) + 1);
      }
    });
    ws.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every typist sends `SIGNALS` signals, `EVERY_MS` apart; returns the span from first to last. */
async function typeAway(typists: readonly Typist[], roomId: number): Promise<number> {
  const frame = JSON.stringify({ type: 'typing', room_id: roomId });
  const startedAt = performance.now();
  let lastAt = startedAt;
  for (let signal = 0; signal < SIGNALS; signal++) {
    if (signal > 0) await sleep(EVERY_MS);
    lastAt = performance.now();
    for (const typist of typists) typist.ws.send(frame);
  }
  return lastAt - startedAt;
}

function tally(typists: readonly Typist[], spanMs: number, cpuSeconds: number): Tally {
  const others = MEMBERS - 1;
  const counts = typists.flatMap((typist) => {
    const heard = [...typist.heard].filter(([userId]) => userId !== typist.userId);
    // A typist never heard counts as 0.
    return [...heard.map(([, count]) => count), ...Array(others - heard.length).fill(0)];
  });
  return {
    sent: SIGNALS * MEMBERS,
    total: counts.reduce((sum, count) => sum + count, 0),
    most: Math.max(...counts),
    fewest: Math.min(...counts),
    allowed: Math.floor(spanMs / TYPING_EVERY_MS) + 1,
    spanMs,
    cpuSeconds,
    ownHeard: typists.some((typist) => typist.heard.has(typist.userId)),
  };
}

function problems(result: Tally): string[] {
  return [
    ...(result.most > result.allowed
      ? [`typing: ${result.most} relays of one user in ${result.allowed} windows of 2 s`]
      : []),
    ...(result.fewest < 1 ? ['typing: a receiver never heard one of the typists'] : []),
    ...(result.ownHeard ? ['typing: a typist heard their own signal'] : []),
  ];
}

function outcome(result: Tally): ScenarioOutcome {
  const scenario = `typing 1×${MEMBERS}, all every ${EVERY_MS} ms`;
  const sendingSeconds = (result.spanMs + EVERY_MS) / 1000;
  const figure = { scenario, baseline: undefined, better: 'lower' } as const;
  return {
    figures: [
      {
        ...figure,
        metric: 'relays of one user per receiver per 2 s (most)',
        unit: '',
        server: result.most / result.allowed,
        note: `a count over ${result.allowed} windows of 2 s: at most 1 allowed; the other signals are dropped silently`,
      },
      { ...figure, metric: 'signals sent per s', unit: '', server: result.sent / sendingSeconds },
      {
        ...figure,
        metric: 'relays received per s',
        unit: '',
        server: result.total / sendingSeconds,
      },
      {
        ...figure,
        metric: 'server CPU (share of one core)',
        unit: '%',
        server: (100 * result.cpuSeconds) / (sendingSeconds + DRAIN_MS / 1000),
      },
      {
        ...figure,
        metric: 'server CPU per relay received',
        unit: 'µs',
        server: (1e6 * result.cpuSeconds) / Math.max(1, result.total),
      },
    ],
    details: result,
    failures: problems(result),
  };
}

export const typing: Scenario = {
  name: 'typing',
  description: `1 room × ${MEMBERS} streams, everyone typing every ${EVERY_MS} ms: relays per user per 2 s`,
  async run(context): Promise<ScenarioOutcome> {
    const target = await startChatServer({ args: context.serverArgs });
    const typists: Typist[] = [];
    try {
      const [room] = await target.provision(1, MEMBERS);
      if (!room) throw new Error('no room');
      for (const member of room.members) {
        typists.push(await openTypist(streamUrl(target, member.sessionId), member.userId));
      }
      const cpuBefore = target.child.cpuSeconds();
      const spanMs = await typeAway(typists, room.id);
      await sleep(DRAIN_MS);
      const result = tally(typists, spanMs, target.child.cpuSeconds() - cpuBefore);
      context.log(
        `${result.sent} signals sent in ${(spanMs / 1000).toFixed(1)} s, ${result.total} relays received ` +
          `(${MEMBERS * (MEMBERS - 1) * result.allowed} allowed), per typist and receiver ` +
          `${result.fewest}–${result.most} (${result.allowed} allowed); server CPU ${(result.cpuSeconds * 1000).toFixed(0)} ms, ` +
          `${((1e6 * result.cpuSeconds) / result.sent).toFixed(1)} µs per signal sent`,
      );
      return outcome(result);
    } finally {
      for (const typist of typists) typist.ws.terminate();
      await target.stop();
    }
  },
};
