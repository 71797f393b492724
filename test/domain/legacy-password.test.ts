import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  isLegacyPasswordHash,
  legacyPasswordHash,
  matchesLegacyPassword,
} from '../../src/domain/legacy-password.js';
import { argon2Hasher } from '../../src/domain/password.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

describe('legacy MD5 passwords', () => {
  test('the original UPPERCASE hex MD5 of the password matches; nothing else does', () => {
    const stored = legacyPasswordHash(md5('пароль')).hash;
    assert.ok(isLegacyPasswordHash(stored));
    assert.ok(matchesLegacyPassword(stored, 'пароль'));
    for (const other of [
      'Пароль',
      'пароль ',
      md5('пароль'),
      md5('пароль').toLowerCase(),
      stored,
      '',
    ]) {
      assert.equal(matchesLegacyPassword(stored, other), false, other);
    }
  });

  test('a lowercase or padded digest is read as the same MD5', () => {
    assert.equal(
      legacyPasswordHash(` ${md5('x').toLowerCase()} `).hash,
      legacyPasswordHash(md5('x')).hash,
    );
  });

  test('a column that is no MD5 becomes a hash that matches nothing', () => {
    for (const value of ['not-an-md5', '', null, 'Z'.repeat(32)]) {
      const { hash, usable } = legacyPasswordHash(value);
      assert.equal(usable, false);
      assert.equal(matchesLegacyPassword(hash, value ?? ''), false);
      assert.equal(matchesLegacyPassword(hash, ''), false);
    }
  });

  test('argon2 never accepts a legacy hash', async () => {
    const stored = legacyPasswordHash(md5('password1')).hash;
    const hasher = argon2Hasher({ memoryKib: 1024, iterations: 1 });
    assert.equal(await hasher.verify(stored, 'password1'), false);
  });
});
