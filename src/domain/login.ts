// What a login may be, and the folded key that makes logins unique regardless of case.
import { AppError } from '../errors.js';

export const LOGIN_MAX_CHARS = 64;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 1024;

const CONTROL_CHARACTER = /\p{Cc}/u;

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The login as stored: NFC, validated. Throws `invalid_json` naming the rule that failed. */
export function normaliseLogin(raw: string): string {
  if (!raw.isWellFormed()) throw new AppError('invalid_json', 'login is not valid Unicode');
  const login = raw.normalize('NFC');
  const length = codePoints(login);
  if (length < 1 || length > LOGIN_MAX_CHARS) {
    throw new AppError('invalid_json', `login must be 1 to ${LOGIN_MAX_CHARS} characters`);
  }
  if (CONTROL_CHARACTER.test(login)) {
    throw new AppError('invalid_json', 'login must not contain control characters');
  }
  if (login.trim() !== login) {
    throw new AppError('invalid_json', 'login must not start or end with spaces');
  }
  return login;
}

/** Throws `invalid_json` unless the password is well-formed Unicode of an allowed length. */
export function validatePassword(password: string, minChars = PASSWORD_MIN_CHARS): void {
  // A lone surrogate would be hashed as U+FFFD, so two different strings would match.
  if (!password.isWellFormed()) throw new AppError('invalid_json', 'password is not valid Unicode');
  const length = codePoints(password);
  if (length < minChars || length > PASSWORD_MAX_CHARS) {
    throw new AppError(
      'invalid_json',
      `password must be ${minChars} to ${PASSWORD_MAX_CHARS} characters`,
    );
  }
}

/**
 * The case-insensitive identity of a login: NFC, then full case folding, then NFC again.
 * Lower, upper, lower maps ß and ẞ to ss and ς to σ, as Unicode case folding does, and gives
 * the same key when applied to a key.
 * `Вася` and `вАСЯ` share one key; a unique index on it makes them one user.
 */
export function loginKey(text: string): string {
  return text.normalize('NFC').toLowerCase().toUpperCase().toLowerCase().normalize('NFC');
}
