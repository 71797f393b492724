import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeRoomChannel,
  decodeRoomCreated,
  decodeSessionEnded,
  encodeReadMoved,
  encodeRoomCreated,
  encodeRoomEvent,
  encodeSessionEnded,
  encodeTyping,
} from '../../src/bus/redis-envelope.js';
import type { RoomEvent } from '../../src/domain/bus.js';

const event: RoomEvent = {
  roomId: 10,
  id: 8,
  previousId: 7,
  userId: 1,
  wire: '{"id":8,"text":"И тебе привет\\nвторая строка","user_id":1,"room_id":10}',
  storedAt: 1_700_000_000_123,
  origin: 3,
  clientId: 'c1 with\nnewline',
};

describe('redis envelope', () => {
  test('a room event crosses with its wire untouched and without its origin', () => {
    const payload = encodeRoomEvent('node-a', event);
    assert.ok(payload.endsWith(`\n${event.wire}`), 'the wire is sent as is');
    const { origin: _origin, ...shared } = event;
    assert.deepEqual(decodeRoomChannel(payload), {
      node: 'node-a',
      body: { kind: 'message', event: shared },
    });
    const withoutClientId = { ...shared, clientId: null };
    assert.deepEqual(decodeRoomChannel(encodeRoomEvent('node-a', withoutClientId)), {
      node: 'node-a',
      body: { kind: 'message', event: withoutClientId },
    });
  });

  test('a read marker crosses on the room channel', () => {
    const read = { roomId: 10, userId: 2, lastReadId: 57 };
    assert.deepEqual(decodeRoomChannel(encodeReadMoved('node-a', read)), {
      node: 'node-a',
      body: { kind: 'read', event: read },
    });
  });

  test('typing crosses on the room channel; a malformed one is dropped', () => {
    const signal = { roomId: 10, userId: 2 };
    assert.deepEqual(decodeRoomChannel(encodeTyping('node-a', signal)), {
      node: 'node-a',
      body: { kind: 'typing', event: signal },
    });
    assert.equal(decodeRoomChannel('t node-a 10'), undefined);
    assert.equal(decodeRoomChannel('t node-a 10 x'), undefined);
    assert.equal(decodeRoomChannel('t node-a 10 2\n{}'), undefined);
  });

  test('a new room carries its id and its JSON as is', () => {
    const wire = '{"id":4,"users":[{"id":1,"login":"a b\\nc"}]}';
    assert.deepEqual(decodeRoomCreated(encodeRoomCreated('node-a', 4, wire)), {
      node: 'node-a',
      body: { roomId: 4, wire },
    });
  });

  test('a session end carries the node and the session key', () => {
    assert.deepEqual(decodeSessionEnded(encodeSessionEnded('node-a', 'abc123')), {
      node: 'node-a',
      body: 'abc123',
    });
  });

  test('malformed payloads are ignored', () => {
    const roomChannel = [
      '',
      'no newline',
      'm n 1 2 3 4\nnull\n{}',
      'm n 1 2 x 4 5\nnull\n{}',
      'm  1 2 3 4 5\nnull\n{}',
      'm n 1 2 3 4 5\n{}',
      'm n 1 2 3 4 5\n7\n{}',
      'x n 1 2 3 4 5\nnull\n{}',
      'r n 1 2',
      'r n 1 2 3\n{}',
    ];
    for (const payload of roomChannel) {
      assert.equal(decodeRoomChannel(payload), undefined, payload);
    }
    for (const payload of ['', 'n 4', 'n x\n{}', ' 4\n{}']) {
      assert.equal(decodeRoomCreated(payload), undefined, payload);
    }
    for (const payload of ['', 'node', '\nkey', 'node\n']) {
      assert.equal(decodeSessionEnded(payload), undefined, payload);
    }
  });
});
