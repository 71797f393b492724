// What a login may be, and the folded key that makes logins unique regardless of case.
import { AppError } from '../errors.js';
import { isGuessablePassword } from './common-passwords.js';
import { INVISIBLE } from './invisible.js';

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
  if (INVISIBLE.test(login)) {
    throw new AppError('invalid_json', 'login must not contain invisible characters');
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

/** The rules of a password being chosen: those of any password, and not one easy to guess. */
export function validateNewPassword(password: string): void {
  validatePassword(password);
  if (isGuessablePassword(password)) {
    throw new AppError('invalid_json', 'password is too common: easy to guess');
  }
}

/** NFC or NFKC, then full case folding: lower, upper, lower maps ß and ẞ to ss and ς to σ. */
function foldCase(text: string, form: 'NFC' | 'NFKC'): string {
  return text.normalize(form).toLowerCase().toUpperCase().toLowerCase().normalize(form);
}

/**
 * The identity of a login, whatever its case and compatibility form: fullwidth `Ｖ`, `𝔘` and the
 * `ﬁ` ligature are their plain letters. `Вася` and `вАСЯ` share one key; a unique index on it
 * makes them one user. Applied to a key, it gives the same key.
 */
export function loginKey(text: string): string {
  return foldCase(text, 'NFKC');
}

/**
 * The key a search compares: the login key with ё read as е, as Russian writing often does
 * (`Петр` finds `Пётр`). Only searches fold it: `Пётр` and `Петр` stay two logins.
 * The stores fold their `login_key` column the same way (`replace(login_key, 'ё', 'е')`).
 */
export function searchKey(text: string): string {
  return loginKey(text).replaceAll('ё', 'е');
}

/** The key of accounts registered before compatibility forms were folded: their rows keep it. */
export function legacyLoginKey(text: string): string {
  return foldCase(text, 'NFC');
}
