// Logins of the original server that our rules refuse, made acceptable deterministically:
// control characters dropped, outer spaces trimmed, cut to length, and a case twin of an
// older user suffixed with its own id.
import { LOGIN_MAX_CHARS } from '../domain/login.js';

const CONTROL_CHARACTERS = /\p{Cc}/gu;

function cut(text: string, maxChars: number): string {
  return [...text].slice(0, maxChars).join('');
}

/** The legacy login within our rules; `user_<id>` when nothing of it is left. */
export function acceptableLogin(raw: string | null, userId: number): string {
  const cleaned = cut(
    (raw ?? '').toWellFormed().normalize('NFC').replace(CONTROL_CHARACTERS, '').trim(),
    LOGIN_MAX_CHARS,
  ).trim();
  return cleaned === '' ? `user_${userId}` : cleaned;
}

/** Candidates for a login whose key is taken: `login_<id>`, then `login_<id>_2`, … */
export function* renamedLogins(login: string, userId: number): Generator<string> {
  for (let attempt = 1; ; attempt++) {
    const suffix = attempt === 1 ? `_${userId}` : `_${userId}_${attempt}`;
    yield cut(login, LOGIN_MAX_CHARS - [...suffix].length).trimEnd() + suffix;
  }
}
