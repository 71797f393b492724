// Logins of the original server that our rules refuse, made acceptable deterministically:
// control and invisible characters dropped, outer spaces trimmed, cut to length, and a case
// twin of an older user suffixed with its own id.
import { INVISIBLE } from '../domain/invisible.js';
import { LOGIN_MAX_CHARS, normaliseLogin } from '../domain/login.js';

const UNSEEN_CHARACTERS = new RegExp(`\\p{Cc}|${INVISIBLE.source}`, 'gu');

function cut(text: string, maxChars: number): string {
  return [...text].slice(0, maxChars).join('');
}

/** Whether our rules take the login as it is. */
function accepted(login: string): boolean {
  try {
    return normaliseLogin(login) === login;
  } catch {
    return false;
  }
}

/** The legacy login within our rules; `user_<id>` when nothing acceptable is left of it. */
export function acceptableLogin(raw: string | null, userId: number): string {
  const cleaned = cut(
    (raw ?? '').toWellFormed().normalize('NFC').replace(UNSEEN_CHARACTERS, '').trim(),
    LOGIN_MAX_CHARS,
  ).trim();
  return accepted(cleaned) ? cleaned : `user_${userId}`;
}

/** Candidates for a login whose key is taken: `login_<id>`, then `login_<id>_2`, … */
export function* renamedLogins(login: string, userId: number): Generator<string> {
  for (let attempt = 1; ; attempt++) {
    const suffix = attempt === 1 ? `_${userId}` : `_${userId}_${attempt}`;
    yield cut(login, LOGIN_MAX_CHARS - [...suffix].length).trimEnd() + suffix;
  }
}
