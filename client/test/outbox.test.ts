// The send queue: in order, retried with the same client_id on transient errors, dropped on
// permanent ones, kept across a reload through its storage, held while the session is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatError } from '../src/errors.js';
import { type Deliver, Outbox, type PendingMessage, SETTLED_KEPT } from '../src/outbox.js';
import { type KeyValueStorage, memoryStorage } from '../src/storage.js';
import type { Message } from '../src/types.js';

const KEY = 'outbox';

function stored(pending: PendingMessage, id: number): Message {
  return {
    id,
    room_id: pending.roomId,
    user_id: 1,
    text: pending.text,
    created_at: '2026-01-01T00:00:00Z',
    client_id: pending.clientId,
  };
}

/** A server double: answers each attempt with the next scripted outcome, then stores. */
function server(script: Array<ChatError | 'store'> = []) {
  const attempts: PendingMessage[] = [];
  let nextId = 0;
  const deliver: Deliver = async (pending) => {
    attempts.push(pending);
    const outcome = script.shift() ?? 'store';
    if (outcome !== 'store') throw outcome;
    nextId += 1;
    return stored(pending, nextId);
  };
  return { attempts, deliver };
}

function outbox(deliver: Deliver, storage: KeyValueStorage = memoryStorage()): Outbox {
  return new Outbox({ storage, storageKey: KEY, deliver, backoff: { initialMs: 1, maxMs: 5 } });
}

test('messages go one after another, in the order queued, across rooms', async () => {
  const { attempts, deliver } = server();
  const queue = outbox(deliver);
  queue.start();
  const sent = await Promise.all([
    queue.enqueue(1, 'a'),
    queue.enqueue(2, 'b'),
    queue.enqueue(1, 'c'),
  ]);
  assert.deepEqual(
    sent.map((message) => [message.id, message.text]),
    [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ],
  );
  assert.deepEqual(
    attempts.map((pending) => pending.text),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(queue.pending(), []);
});

test('rate limits and outages are retried with the same client_id until stored', async () => {
  const { attempts, deliver } = server([
    new ChatError('too_many_requests', { status: 429, retryAfter: 0 }),
    new ChatError('unavailable', { status: 503 }),
    new ChatError('network'),
  ]);
  const queue = outbox(deliver);
  queue.start();
  const message = await queue.enqueue(1, 'Привет', 'c-1');
  assert.equal(message.client_id, 'c-1');
  assert.equal(attempts.length, 4);
  assert.ok(attempts.every((pending) => pending.clientId === 'c-1'));
});

test('a message refused for good is dropped and reported; the next one still goes', async () => {
  const { deliver } = server([new ChatError('message_too_long', { status: 422 })]);
  const queue = outbox(deliver);
  const failed: string[] = [];
  queue.on('failed', ({ pending, error }) => failed.push(`${pending.text}:${error.code}`));
  queue.start();
  const [refused, next] = await Promise.allSettled([
    queue.enqueue(1, 'long'),
    queue.enqueue(1, 'ok'),
  ]);
  assert.equal(refused.status, 'rejected');
  assert.equal((refused as PromiseRejectedResult).reason.code, 'message_too_long');
  assert.equal(next.status, 'fulfilled');
  assert.deepEqual(failed, ['long:message_too_long']);
});

test('what was not sent before a reload is sent by the next page, with the same client_id', async () => {
  const storage = memoryStorage();
  const offline = outbox(server().deliver, storage);
  void offline.enqueue(1, 'one', 'c-1');
  void offline.enqueue(2, 'two', 'c-2');
  assert.deepEqual(
    offline.pending(1).map((pending) => pending.text),
    ['one'],
  );

  const { attempts, deliver } = server();
  const reloaded = outbox(deliver, storage);
  assert.equal(reloaded.pending().length, 2);
  const sent: Message[] = [];
  const done = new Promise<void>((resolve) => {
    reloaded.on('sent', ({ message }) => {
      sent.push(message);
      if (sent.length === 2) resolve();
    });
  });
  reloaded.start();
  await done;
  assert.deepEqual(
    attempts.map((pending) => pending.clientId),
    ['c-1', 'c-2'],
  );
  assert.equal(storage.getItem(KEY), '[]');
});

test('unreadable storage content is ignored, not thrown', () => {
  const storage = memoryStorage();
  storage.setItem(KEY, '{not json');
  assert.deepEqual(outbox(server().deliver, storage).pending(), []);
  storage.setItem(KEY, JSON.stringify([{ clientId: 1 }, null]));
  assert.deepEqual(outbox(server().deliver, storage).pending(), []);
});

test('a refused session holds the queue intact until started again', async () => {
  const { attempts, deliver } = server([new ChatError('unauthorized', { status: 401 })]);
  const queue = outbox(deliver);
  queue.start();
  const sent = queue.enqueue(1, 'kept');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(attempts.length, 1);
  assert.equal(queue.pending().length, 1);
  queue.start();
  assert.equal((await sent).text, 'kept');
});

test('a queued message can be discarded, not the one on its way', async () => {
  let release: () => void = () => undefined;
  const queue = outbox(async (pending) => {
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return stored(pending, 1);
  });
  queue.start();
  const first = queue.enqueue(1, 'first', 'c-1');
  const second = queue.enqueue(1, 'second', 'c-2');
  assert.equal(queue.discard('c-1'), false);
  assert.equal(queue.discard('c-2'), true);
  await assert.rejects(second);
  release();
  assert.equal((await first).text, 'first');
  assert.deepEqual(queue.pending(), []);
});

test('two pages on one storage (two tabs) keep each other’s messages for the next reload', async () => {
  const storage = memoryStorage();
  const never: Deliver = () => new Promise(() => {});
  const first = outbox(never, storage);
  const second = outbox(never, storage);
  first.start();
  second.start();
  void first.enqueue(1, 'из первой');
  void second.enqueue(1, 'из второй');
  const reloaded = outbox(never, storage);
  assert.deepEqual(
    reloaded.pending().map((pending) => pending.text),
    ['из первой', 'из второй'],
  );
  const { attempts, deliver } = server();
  const sender = outbox(deliver, storage);
  const drained = new Promise<void>((resolve) => {
    sender.on('changed', (pending) => pending.length === 0 && resolve());
  });
  sender.start();
  await drained;
  assert.equal(attempts.length, 2);
  // What the sender stored leaves the storage, though the other pages still hold it.
  assert.deepEqual(outbox(never, storage).pending(), []);
});

test('a page remembers only the latest settled client ids, oldest forgotten first', async () => {
  const storage = memoryStorage();
  const queue = outbox(server().deliver, storage);
  queue.start();
  const sends = Array.from({ length: SETTLED_KEPT + 1 }, (_, n) => queue.enqueue(1, 'x', `c-${n}`));
  await Promise.all(sends);
  // Another page writes back copies of the first and the last, as a stale queue would.
  const copy = (clientId: string) => ({ clientId, roomId: 1, text: 'x', queuedAt: '' });
  storage.setItem(KEY, JSON.stringify([copy('c-0'), copy(`c-${SETTLED_KEPT}`)]));
  void queue.enqueue(2, 'next', 'c-next');
  assert.deepEqual(
    outbox(server().deliver, storage)
      .pending()
      .map((pending) => pending.clientId),
    ['c-0', 'c-next'],
  );
});
