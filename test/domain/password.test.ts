// Passwords are kept only as salted argon2id hashes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argon2Hasher } from '../../src/domain/password.js';

const hasher = argon2Hasher({ memoryKib: 1024, iterations: 1 });

test('a hash is argon2id, salted, and never contains the password', async () => {
  const [first, second] = await Promise.all([hasher.hash('пароль123'), hasher.hash('пароль123')]);
  assert.match(first, /^\$argon2id\$/);
  assert.notEqual(first, second, 'each hash has its own salt');
  assert.ok(!first.includes('пароль123'));
});

test('verify accepts the password only', async () => {
  const hashed = await hasher.hash('correct horse');
  assert.equal(await hasher.verify(hashed, 'correct horse'), true);
  assert.equal(await hasher.verify(hashed, 'correct horse '), false);
  assert.equal(await hasher.verify(hashed, 'Correct horse'), false);
});

test('a damaged hash verifies nothing instead of throwing', async () => {
  assert.equal(await hasher.verify('not a hash', 'anything'), false);
  assert.equal(await hasher.verify('', ''), false);
});
