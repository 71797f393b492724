// Ids in URLs: only positive safe integers written plainly name anything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseId } from '../../src/domain/ids.js';

test('plain positive integers are ids', () => {
  assert.equal(parseId('1'), 1);
  assert.equal(parseId('42'), 42);
  assert.equal(parseId(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
});

test('anything else is no id', () => {
  const notIds = [
    undefined,
    '',
    '0',
    '-1',
    '+1',
    '01',
    '1.5',
    '1.0',
    '1e3',
    '0x10',
    ' 1',
    '1 ',
    'abc',
    '１',
    '9007199254740992',
    '9'.repeat(30),
  ];
  for (const text of notIds) assert.equal(parseId(text), undefined, JSON.stringify(text));
});

test('every safe positive integer round-trips through its decimal text', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
      assert.equal(parseId(String(id)), id);
    }),
  );
});
