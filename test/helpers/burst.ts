// A burst of sends with a fault played a quarter of the way in, and the check that follows every
// fault test: each acknowledged message is in the history exactly once, under the id it was
// acknowledged with.
import assert from 'node:assert/strict';
import type { Frame } from './ws.js';

interface Stored {
  readonly id: number;
  readonly text: string;
}

export interface Burst<M extends Stored> {
  readonly count: number;
  /** Texts are `<prefix> 0`, `<prefix> 1`…: unique across the bursts of one room. */
  readonly prefix: string;
  /** Queues one send (through a client that resends by client_id); resolves with its ack. */
  send(text: string): Promise<M>;
  /** Played once, a quarter of the way in, while sends are on their way. */
  readonly fault?: () => Promise<void>;
  /** Sends not acknowledged yet: the fault must find some. */
  readonly unsent?: () => number;
}

/** Sends the burst a few at a time; resolves with the texts and what each send resolved with. */
export async function sendBurst<M extends Stored>(
  burst: Burst<M>,
): Promise<{ texts: string[]; acks: M[] }> {
  const texts = Array.from({ length: burst.count }, (_, n) => `${burst.prefix} ${n}`);
  const sends: Promise<M>[] = [];
  let faulted: Promise<void> | undefined;
  for (const [n, text] of texts.entries()) {
    sends.push(burst.send(text));
    if (burst.fault && n === Math.floor(burst.count / 4)) {
      if (burst.unsent) assert.ok(burst.unsent() > 0, 'sends are on their way as the fault hits');
      faulted = burst.fault();
    }
    if (n % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await faulted;
  return { texts, acks: await Promise.all(sends) };
}

/** Every text once in `history`, each under the id its ack gave, nothing else from these bursts. */
export function assertStoredOnce(
  history: readonly Frame[],
  bursts: readonly { texts: string[]; acks: Stored[] }[],
): void {
  const ids = new Map<string, number[]>();
  for (const message of history)
    ids.set(message.text, [...(ids.get(message.text) ?? []), message.id]);
  for (const { texts, acks } of bursts) {
    texts.forEach((text, n) => {
      assert.deepEqual(ids.get(text), [acks[n]?.id], `"${text}" stored once, as acknowledged`);
    });
  }
  const sent = bursts.reduce((total, burst) => total + burst.texts.length, 0);
  assert.equal(history.length, sent, 'nothing stored that was not sent');
}
