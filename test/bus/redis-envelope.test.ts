import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RoomEvent } from '../../src/bus/bus.js';
import {
  decodeRoomEvent,
  decodeSessionEnded,
  encodeRoomEvent,
  encodeSessionEnded,
} from '../../src/bus/redis-envelope.js';

const event: RoomEvent = {
  roomId: 10,
  id: 8,
  previousId: 7,
  wire: '{"id":8,"text":"И тебе привет\\nвторая строка","user_id":1,"room_id":10}',
  storedAt: 1_700_000_000_123,
  origin: 3,
  clientId: 'c1',
};

describe('redis envelope', () => {
  test('a room event crosses with its wire untouched and without local fields', () => {
    const payload = encodeRoomEvent('node-a', event);
    assert.ok(payload.endsWith(`\n${event.wire}`), 'the wire is sent as is');
    const { origin: _origin, clientId: _clientId, ...shared } = event;
    assert.deepEqual(decodeRoomEvent(payload), { node: 'node-a', body: shared });
  });

  test('a session end carries the node and the session key', () => {
    assert.deepEqual(decodeSessionEnded(encodeSessionEnded('node-a', 'abc123')), {
      node: 'node-a',
      body: 'abc123',
    });
  });

  test('malformed payloads are ignored', () => {
    for (const payload of ['', 'no newline', 'n 1 2 3\n{}', 'n 1 2 x 4\n{}', ' 1 2 3 4\n{}']) {
      assert.equal(decodeRoomEvent(payload), undefined, payload);
    }
    for (const payload of ['', 'node', '\nkey', 'node\n']) {
      assert.equal(decodeSessionEnded(payload), undefined, payload);
    }
  });
});
