import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoomEvent } from '../../src/bus/bus.js';
import { LocalBus } from '../../src/bus/local-bus.js';
import type { MessageStore } from '../../src/domain/ports/messages.js';
import { createMetrics } from '../../src/metrics.js';
import type { Connection } from '../../src/realtime/connection.js';
import { Hub } from '../../src/realtime/hub.js';

/** Just what the hub reads of a connection, recording what it is handed. */
function fakeConnection(id: number, roomId: number) {
  const delivered: number[] = [];
  const acknowledged: number[] = [];
  const connection = {
    id,
    roomId,
    session: { key: `session-${id}`, user: { id, login: `user${id}` } },
    deliver: (event: RoomEvent) => delivered.push(event.id) > 0,
    acknowledge: (event: RoomEvent) => acknowledged.push(event.id),
  };
  return { connection: connection as unknown as Connection, delivered, acknowledged };
}

function event(id: number, previousId: number, origin?: number): RoomEvent {
  return { roomId: 7, id, previousId, wire: '{}', storedAt: Date.now(), origin, clientId: 'c' };
}

test('a sender whose message a gap fill delivered first still gets its acknowledgement', async () => {
  const store = {
    lastMessageId: async () => 5,
    history: async () => [],
  } as unknown as MessageStore;
  const hub = new Hub({ bus: new LocalBus(), store, metrics: createMetrics(), gapWaitMs: 50 });
  const sender = fakeConnection(1, 7);
  const receiver = fakeConnection(2, 7);
  await hub.join(sender.connection);
  await hub.join(receiver.connection);

  hub.onRoomEvent(event(6, 5)); // the copy read back from the store, sender unknown
  hub.onRoomEvent(event(6, 5, 1)); // the sender's own publish, arriving late

  assert.deepEqual(receiver.delivered, [6]);
  assert.deepEqual(sender.acknowledged, [6]);
  hub.leave(sender.connection);
  hub.leave(receiver.connection);
});
