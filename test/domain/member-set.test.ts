// A room's identity is its exact member set: order and repeats must not matter, anything else must.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalMembers, memberSetKey } from '../../src/domain/member-set.js';

const ids = fc.array(fc.integer({ min: 1, max: 2 ** 53 - 1 }), { maxLength: 30 });

describe('member sets', () => {
  test('the canonical list is distinct ids, ascending', () => {
    assert.deepEqual(canonicalMembers([3, 1, 2, 3, 1]), [1, 2, 3]);
    assert.deepEqual(canonicalMembers([10, 9, 100]), [9, 10, 100], 'numeric, not text order');
    assert.deepEqual(canonicalMembers([]), []);
  });

  test('order and repeats do not change the key', () => {
    const listAndReordering = ids.chain((list) => {
      const withRepeats = [...list, ...list.slice(0, 3)];
      const size = withRepeats.length;
      return fc.tuple(
        fc.constant(list),
        fc.shuffledSubarray(withRepeats, { minLength: size, maxLength: size }),
      );
    });
    fc.assert(
      fc.property(listAndReordering, ([list, reordered]) => {
        assert.equal(memberSetKey(reordered), memberSetKey(list));
      }),
    );
  });

  test('different sets give different keys', () => {
    fc.assert(
      fc.property(ids, ids, (a, b) => {
        const same = canonicalMembers(a).join() === canonicalMembers(b).join();
        assert.equal(memberSetKey(a) === memberSetKey(b), same);
      }),
    );
    assert.notEqual(memberSetKey([1, 23]), memberSetKey([12, 3]));
    assert.notEqual(memberSetKey([1, 2]), memberSetKey([1, 2, 3]));
  });

  test('the key has a fixed size whatever the number of members', () => {
    const sizes = new Set(
      [[1], [1, 2], Array.from({ length: 1000 }, (_, i) => i + 1)].map(
        (list) => memberSetKey(list).length,
      ),
    );
    assert.equal(sizes.size, 1);
  });
});
