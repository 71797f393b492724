// The latest-page cache: valid only for the room's last message id it was read at, and bounded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HistoryCache } from '../../src/domain/history-cache.js';

describe('HistoryCache', () => {
  test('a page is served only while the room’s last message id is the one it was read at', () => {
    const cache = new HistoryCache();
    cache.set(1, 50, 7, '[7]');
    assert.equal(cache.get(1, 50, 7), '[7]');
    assert.equal(cache.get(1, 50, 8), undefined, 'a newer message makes it stale');
    assert.equal(cache.get(1, 20, 7), undefined, 'another limit is another page');
    assert.equal(cache.get(2, 50, 7), undefined, 'another room');
    cache.set(1, 50, 8, '[7,8]');
    assert.equal(cache.get(1, 50, 7), undefined);
    assert.equal(cache.get(1, 50, 8), '[7,8]');
  });

  test('holds at most its budget of characters, dropping the least recently read first', () => {
    const cache = new HistoryCache(10);
    cache.set(1, 50, 1, 'aaaa');
    cache.set(2, 50, 1, 'bbbb');
    assert.equal(cache.get(1, 50, 1), 'aaaa');
    cache.set(3, 50, 1, 'cccc');
    assert.equal(cache.get(2, 50, 1), undefined);
    assert.equal(cache.get(1, 50, 1), 'aaaa');
    assert.equal(cache.get(3, 50, 1), 'cccc');
    cache.set(4, 50, 1, 'x'.repeat(11));
    assert.equal(cache.get(4, 50, 1), undefined, 'a page over the budget is not kept');
  });
});
