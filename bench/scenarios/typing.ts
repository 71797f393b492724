// Typing: 100 members of one room, each on a stream, every one of them typing every 100 ms. The
// server relays at most one signal per user and room every 2 s, whatever the clients send.
import WebSocket from 'ws';
import { startChatServer } from '../targets/chat-server.js';
import { streamUrl } from '../targets/target.js';
import type { Scenario, ScenarioOutcome } from './context.js';

const MEMBERS = 100;
const EVERY_MS = 100;
/** Signals sent at 0, 100, … 5,900 ms: relays allowed at 0, 2,000 and 4,000 ms. */
const SIGNALS = 60;
const ALLOWED_RELAYS = Math.floor(((SIGNALS - 1) * EVERY_MS) / 2000) + 1;
const DRAIN_MS = 500;

interface Typist {
  readonly userId: number;
  readonly ws: WebSocket;
  /** Typing frames received, by the typing user's id. */
  readonly heard: Map<number, number>;
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
      const frame = JSON.stringify({ type: 'typing', room_id: room.id });
      const cpuBefore = target.child.cpuSeconds();
      for (let signal = 0; signal < SIGNALS; signal++) {
        for (const typist of typists) typist.ws.send(frame);
        await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
      const cpuSeconds = target.child.cpuSeconds() - cpuBefore;
      const counts = typists.flatMap((typist) => [...typist.heard.values()]);
      const most = Math.max(0, ...counts);
      const total = counts.reduce((sum, count) => sum + count, 0);
      const ownHeard = typists.some((typist) => typist.heard.has(typist.userId));
      const sent = SIGNALS * MEMBERS;
      context.log(
        `${sent} signals sent, ${total} relays received (${MEMBERS * (MEMBERS - 1) * ALLOWED_RELAYS} allowed), ` +
          `at most ${most} per user and receiver in ${(SIGNALS * EVERY_MS) / 1000} s; ` +
          `server CPU ${(cpuSeconds * 1000).toFixed(0)} ms`,
      );
      const failures = [
        ...(most > ALLOWED_RELAYS
          ? [`typing: ${most} relays of one user in ${ALLOWED_RELAYS} windows`]
          : []),
        ...(ownHeard ? ['typing: a typist heard their own signal'] : []),
      ];
      return {
        figures: [
          {
            scenario: `typing 1×${MEMBERS}, all every ${EVERY_MS} ms`,
            metric: 'relays of one user per receiver per 2 s (most)',
            unit: '',
            server: most / ALLOWED_RELAYS,
            baseline: undefined,
            better: 'lower',
            note: 'at most 1 allowed; the server drops the other signals silently',
          },
          {
            scenario: `typing 1×${MEMBERS}, all every ${EVERY_MS} ms`,
            metric: 'server CPU per signal sent',
            unit: 'µs',
            server: (1e6 * cpuSeconds) / sent,
            baseline: undefined,
            better: 'lower',
          },
        ],
        details: { sent, total, most, allowedRelays: ALLOWED_RELAYS, cpuSeconds },
        failures,
      };
    } finally {
      for (const typist of typists) typist.ws.terminate();
      await target.stop();
    }
  },
};
