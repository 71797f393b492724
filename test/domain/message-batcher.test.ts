// The batcher stores the messages of one event-loop turn in one call, in order, and reports each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageBatcher } from '../../src/domain/message-batcher.js';
import type { NewMessage, Store, StoredMessage } from '../../src/store/store.js';

/** A store that keeps messages in memory and records each call. */
function fakeStore() {
  const calls: string[][] = [];
  let nextId = 1;
  const byClientId = new Map<string, StoredMessage>();
  const control = {
    calls,
    failure: undefined as Error | undefined,
    /** While set, appendMessages waits for it. */
    gate: undefined as Promise<void> | undefined,
  };
  const store = {
    async appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]> {
      calls.push(batch.map((message) => message.text));
      await control.gate;
      if (control.failure) throw control.failure;
      return batch.map((message) => {
        const first = message.clientId === null ? undefined : byClientId.get(message.clientId);
        if (first) return { ...first, duplicate: true };
        const stored = { ...message, id: nextId, previousId: nextId - 1, duplicate: false };
        nextId += 1;
        if (message.clientId !== null) byClientId.set(message.clientId, stored);
        return stored;
      });
    },
  };
  return { store: store as unknown as Store, control };
}

const failOnListenerError = (error: unknown) => assert.fail(`the listener threw: ${error}`);

function message(text: string, clientId: string | null = null): NewMessage {
  return { roomId: 1, userId: 1, text, clientId, createdAt: 0 };
}

describe('MessageBatcher', () => {
  test('the messages of one turn are stored in one call, in order', async () => {
    const { store, control } = fakeStore();
    const batcher = new MessageBatcher(store, () => undefined, failOnListenerError);
    const first = await Promise.all(['a', 'b', 'c'].map((text) => batcher.append(message(text))));
    const second = await Promise.all(['d', 'e'].map((text) => batcher.append(message(text))));
    assert.deepEqual(control.calls, [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    assert.deepEqual(
      [...first, ...second].map((stored) => [stored.id, stored.text]),
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
        [4, 'd'],
        [5, 'e'],
      ],
    );
  });

  test('the listener hears of each new message in order, before any sender hears back', async () => {
    const { store } = fakeStore();
    const log: string[] = [];
    const batcher = new MessageBatcher(
      store,
      (stored, origin) => {
        log.push(`stored ${stored.text} from ${origin}`);
      },
      failOnListenerError,
    );
    await batcher.append(message('first', 'c1'), 7);
    log.length = 0;
    await Promise.all(
      [message('x'), message('first again', 'c1'), message('y')].map((posted, origin) =>
        batcher.append(posted, origin).then((stored) => log.push(`resolved ${stored.text}`)),
      ),
    );
    assert.deepEqual(log, [
      'stored x from 0',
      'stored y from 2',
      'resolved x',
      'resolved first',
      'resolved y',
    ]);
  });

  test('a failed write rejects each of its messages, and later batches still go through', async () => {
    const { store, control } = fakeStore();
    const heard: string[] = [];
    const batcher = new MessageBatcher(
      store,
      (stored) => heard.push(stored.text),
      failOnListenerError,
    );
    control.failure = new Error('disk full');
    const failed = await Promise.allSettled(
      ['a', 'b'].map((text) => batcher.append(message(text))),
    );
    assert.deepEqual(
      failed.map((result) => result.status === 'rejected' && result.reason.message),
      ['disk full', 'disk full'],
    );
    control.failure = undefined;
    assert.equal((await batcher.append(message('c'))).text, 'c');
    assert.deepEqual(heard, ['c']);
  });

  test('large turns are split, and batches are written one after another', async () => {
    const { store, control } = fakeStore();
    let open!: () => void;
    control.gate = new Promise((resolve) => {
      open = resolve;
    });
    const batcher = new MessageBatcher(store, () => undefined, failOnListenerError, 2);
    const pending = ['a', 'b', 'c', 'd', 'e'].map((text) => batcher.append(message(text)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(control.calls, [['a', 'b']], 'the next batch waits for the first');
    open();
    const stored = await Promise.all(pending);
    assert.deepEqual(control.calls, [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(
      stored.map((each) => each.id),
      [1, 2, 3, 4, 5],
    );
  });

  test('drain stores what was appended without waiting for the turn to end', async () => {
    const { store, control } = fakeStore();
    const batcher = new MessageBatcher(store, () => undefined, failOnListenerError);
    const posted = batcher.append(message('late'));
    await batcher.drain();
    assert.deepEqual(control.calls, [['late']]);
    assert.equal((await posted).text, 'late');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(control.calls.length, 1);
  });

  // Before the fix this hung: a timeout makes a regression fail instead.
  test('a listener that throws is reported; its batch resolves and later writes go on', {
    timeout: 10_000,
  }, async () => {
    const { store } = fakeStore();
    const reported: unknown[] = [];
    const heard: string[] = [];
    const batcher = new MessageBatcher(
      store,
      (stored) => {
        if (stored.text === 'bad') throw new Error('publish failed');
        heard.push(stored.text);
      },
      (error) => reported.push(error),
    );
    const first = await Promise.all(['a', 'bad', 'b'].map((text) => batcher.append(message(text))));
    assert.deepEqual(
      first.map((stored) => stored.text),
      ['a', 'bad', 'b'],
    );
    const later = await batcher.append(message('c'));
    assert.equal(later.text, 'c');
    assert.deepEqual(heard, ['a', 'b', 'c']);
    assert.equal(reported.length, 1);
    assert.match(String(reported[0]), /publish failed/);
    await batcher.drain();
  });
});
