// Passwords imported from the original e_chat_server: an unsalted MD5, accepted at login only
// until that login replaces it with an argon2id hash.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Marks a stored hash as legacy MD5; argon2 never parses it, so no other check accepts it. */
const LEGACY_MD5_PREFIX = 'legacy-md5:';
const MD5_HEX = /^[0-9A-F]{32}$/;

/**
 * The stored form of a legacy password column (UPPERCASE hex MD5). A value that is no MD5 is
 * stored as a legacy hash that matches nothing: `usable` says which it was.
 */
export function legacyPasswordHash(md5Hex: string | null): { hash: string; usable: boolean } {
  const hex = md5Hex?.trim().toUpperCase() ?? '';
  const usable = MD5_HEX.test(hex);
  return { hash: LEGACY_MD5_PREFIX + (usable ? hex : ''), usable };
}

export function isLegacyPasswordHash(stored: string): boolean {
  return stored.startsWith(LEGACY_MD5_PREFIX);
}

/** Constant-time: the MD5 of the password against the stored one, never the hash itself. */
export function matchesLegacyPassword(stored: string, password: string): boolean {
  const expected = Buffer.from(stored.slice(LEGACY_MD5_PREFIX.length), 'hex');
  const actual = createHash('md5').update(password, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
