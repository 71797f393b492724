// The room sequencer puts a room's events back into id order, fills gaps from the store, drops repeats.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { RoomEvent } from '../../src/domain/bus.js';
import { RoomSequencer } from '../../src/realtime/room-sequencer.js';

const GAP_WAIT_MS = 100;

function event(id: number, previousId: number, origin?: number): RoomEvent {
  return {
    roomId: 1,
    id,
    previousId,
    userId: 1,
    wire: `{"id":${id}}`,
    storedAt: 0,
    clientId: null,
    origin,
  };
}

/** Lets the sequencer's awaited store read settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RoomSequencer', () => {
  let delivered: RoomEvent[];
  let stored: RoomEvent[];
  let fetches: number[];
  let failFetches: boolean;
  /** How many stored events one read returns. */
  let pageSize: number;
  /** While set, a store read waits for it: events can arrive meanwhile. */
  let fetchGate: Promise<void> | undefined;
  let sequencer: RoomSequencer;

  const deliveredIds = () => delivered.map((delivery) => delivery.id);

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    delivered = [];
    // The room's chain in the store: 10 → 14 → 15 → 21 → 30.
    stored = [event(10, 0), event(14, 10), event(15, 14), event(21, 15), event(30, 21)];
    fetches = [];
    failFetches = false;
    pageSize = Number.POSITIVE_INFINITY;
    fetchGate = undefined;
    sequencer = new RoomSequencer(10, {
      fetchAfter: async (afterId) => {
        fetches.push(afterId);
        await fetchGate;
        if (failFetches) throw new Error('store down');
        return stored.filter((message) => message.id > afterId).slice(0, pageSize);
      },
      deliver: (delivery) => delivered.push(delivery),
      gapWaitMs: GAP_WAIT_MS,
    });
  });
  afterEach(() => {
    sequencer.close();
    mock.timers.reset();
  });

  test('events in order are delivered at once', () => {
    sequencer.push(event(14, 10));
    sequencer.push(event(15, 14));
    assert.deepEqual(deliveredIds(), [14, 15]);
    assert.equal(sequencer.deliveredUpTo, 15);
  });

  test('out-of-order events are re-ordered by previousId', () => {
    sequencer.push(event(21, 15));
    sequencer.push(event(15, 14));
    assert.deepEqual(deliveredIds(), []);
    sequencer.push(event(14, 10));
    assert.deepEqual(deliveredIds(), [14, 15, 21]);
    mock.timers.tick(GAP_WAIT_MS);
    assert.deepEqual(fetches, [], 'no store read once the gap closed by itself');
  });

  test('duplicates and events already delivered are dropped', () => {
    sequencer.push(event(10, 0));
    sequencer.push(event(14, 10));
    sequencer.push(event(14, 10));
    sequencer.push(event(21, 15));
    sequencer.push(event(21, 15));
    sequencer.push(event(15, 14));
    sequencer.push(event(15, 14));
    assert.deepEqual(deliveredIds(), [14, 15, 21]);
  });

  test('a gap is filled from the store after gapWaitMs, keeping the waiting copy', async () => {
    const withAck = event(21, 15, 7);
    sequencer.push(withAck);
    mock.timers.tick(GAP_WAIT_MS - 1);
    await settle();
    assert.deepEqual(fetches, []);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(fetches, [10]);
    assert.deepEqual(deliveredIds(), [14, 15, 21, 30]);
    assert.equal(delivered[2], withAck, 'the bus copy carries the sender to acknowledge');
    sequencer.push(event(14, 10));
    sequencer.push(event(30, 21));
    assert.deepEqual(deliveredIds(), [14, 15, 21, 30]);
  });

  test('an event that arrives while the store is read is delivered itself, with its sender', async () => {
    let open = () => {};
    fetchGate = new Promise((resolve) => {
      open = resolve;
    });
    sequencer.push(event(21, 15));
    mock.timers.tick(GAP_WAIT_MS);
    await settle();
    assert.deepEqual(fetches, [10]);
    // Stored before the read began, published to this node only now.
    const withAck = event(30, 21, 7);
    sequencer.push(withAck);
    open();
    await settle();
    assert.deepEqual(deliveredIds(), [14, 15, 21, 30]);
    assert.equal(delivered[3], withAck, 'its sender is still acknowledged');
  });

  test('an unreachable store is asked again after another gapWaitMs', async () => {
    failFetches = true;
    sequencer.push(event(15, 14));
    mock.timers.tick(GAP_WAIT_MS);
    await settle();
    assert.deepEqual(deliveredIds(), []);
    failFetches = false;
    mock.timers.tick(GAP_WAIT_MS);
    await settle();
    assert.deepEqual(fetches, [10, 10]);
    assert.deepEqual(deliveredIds().slice(0, 2), [14, 15]);
  });

  test('catching up reads the store page by page, though no event points at what was missed', async () => {
    pageSize = 2;
    await sequencer.catchUp();
    assert.deepEqual(deliveredIds(), [14, 15, 21, 30]);
    assert.deepEqual(fetches, [10, 15, 30]);
    sequencer.push(event(30, 21));
    sequencer.push(event(31, 30));
    assert.deepEqual(deliveredIds(), [14, 15, 21, 30, 31], 'nothing twice, and on it goes');
  });

  test('catching up with nothing missed reads once and delivers nothing', async () => {
    stored = [event(10, 0)];
    await sequencer.catchUp();
    assert.deepEqual(fetches, [10]);
    assert.deepEqual(deliveredIds(), []);
  });

  test('catching up in a busy room stops once the store has nothing the bus did not bring', async () => {
    stored = [event(10, 0), event(14, 10), event(15, 14)];
    let release!: () => void;
    fetchGate = new Promise((resolve) => {
      release = resolve;
    });
    const catchingUp = sequencer.catchUp();
    // While the store is read, the bus brings what it has, and more.
    sequencer.push(event(14, 10));
    sequencer.push(event(15, 14));
    stored.push(event(16, 15));
    sequencer.push(event(16, 15));
    release();
    await catchingUp;
    assert.deepEqual(deliveredIds(), [14, 15, 16]);
    assert.deepEqual(fetches, [10], 'one read: everything it found had come');
  });

  test('a sequencer closed while catching up reads nothing more', async () => {
    pageSize = 1;
    let release!: () => void;
    fetchGate = new Promise((resolve) => {
      release = resolve;
    });
    const catchingUp = sequencer.catchUp();
    sequencer.close();
    release();
    await catchingUp;
    mock.timers.tick(10 * GAP_WAIT_MS);
    await settle();
    assert.deepEqual(fetches, [10]);
    assert.deepEqual(deliveredIds(), []);
  });

  test('a closed sequencer reads nothing more', async () => {
    sequencer.push(event(15, 14));
    sequencer.close();
    mock.timers.tick(10 * GAP_WAIT_MS);
    await settle();
    assert.deepEqual(fetches, []);
  });
});
