// Passwords too easy to guess to protect an account (ASVS 6.2.4), from zxcvbn-ts's maintained list.
import { dictionary } from '@zxcvbn-ts/language-common';
import { isBlank } from './invisible.js';

/** Lowercase, most used first. */
const COMMON = new Set(dictionary['passwords-common']);

/** One character repeated: `aaaaaaaa`, `11111111`. */
const REPEATED = /^(.)\1*$/su;

export function isGuessablePassword(password: string): boolean {
  return COMMON.has(password.toLowerCase()) || REPEATED.test(password) || isBlank(password);
}
