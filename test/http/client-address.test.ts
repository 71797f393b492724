// What one per-address allowance covers, and how long failed logins lock an account.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lockSeconds } from '../../src/http/auth-throttle.js';
import { addressKey } from '../../src/http/client-address.js';

describe('addressKey', () => {
  test('IPv4 addresses count one by one, written plainly or mapped into IPv6', () => {
    assert.equal(addressKey('198.51.100.7'), '198.51.100.7');
    assert.equal(addressKey('::ffff:198.51.100.7'), '198.51.100.7');
    assert.notEqual(addressKey('198.51.100.7'), addressKey('198.51.100.8'));
  });

  test('an IPv6 /64 is one allowance, however it is written', () => {
    const key = addressKey('2001:db8:1:2::1');
    for (const address of ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002::abcd']) {
      assert.equal(addressKey(address), key, address);
    }
    assert.equal(key, '2001:db8:1:2::/64');
    assert.notEqual(addressKey('2001:db8:1:3::1'), key);
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });
});

describe('lockSeconds', () => {
  const options = { perAddressPerMinute: 30, freeFailures: 5, maxLockSeconds: 900 };
  test('free failures lock nothing; then 15 s, doubling, up to the maximum', () => {
    const locks = Array.from({ length: 10 }, (_, index) => lockSeconds(index + 1, options));
    assert.deepEqual(locks, [0, 0, 0, 0, 0, 15, 30, 60, 120, 240]);
    assert.equal(lockSeconds(12, options), 900);
    assert.equal(lockSeconds(1_000_000, options), 900);
  });
});
