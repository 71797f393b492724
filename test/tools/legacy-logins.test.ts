import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loginKey, normaliseLogin } from '../../src/domain/login.js';
import { acceptableLogin, renamedLogins } from '../../src/tools/legacy-logins.js';

describe('legacy logins', () => {
  test('a login our rules accept is kept as it is', () => {
    for (const login of ['Василий', `O'Brien`, 'a b'])
      assert.equal(acceptableLogin(login, 1), login);
  });

  test('one our rules refuse is cleaned, deterministically, into one they accept', () => {
    const cases: Array<[string | null, string]> = [
      ['  padded  ', 'padded'],
      ['tab\there', 'tabhere'],
      ['ж'.repeat(70), 'ж'.repeat(64)],
      ['\u0000\u0001', 'user_7'],
      ['', 'user_7'],
      [null, 'user_7'],
      ['e\u0301', 'é'],
      ['zero\u200bwidth\u00ad', 'zerowidth'],
    ];
    for (const [raw, expected] of cases) {
      const login = acceptableLogin(raw, 7);
      assert.equal(login, expected);
      assert.equal(normaliseLogin(login), login);
    }
  });

  test('renamed candidates carry the user id, stay within 64 characters and differ in key', () => {
    const [first, second] = renamedLogins('Вася', 12);
    assert.equal(first, 'Вася_12');
    assert.equal(second, 'Вася_12_2');
    const long = renamedLogins('ж'.repeat(64), 123_456).next().value as string;
    assert.equal([...long].length, 64);
    assert.ok(long.endsWith('_123456'));
    assert.notEqual(loginKey(long), loginKey('ж'.repeat(64)));
  });
});
