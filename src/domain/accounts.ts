// Accounts and sessions: register, log in and out, and who a session id belongs to.
import { AppError } from '../errors.js';
import { isLegacyPasswordHash, matchesLegacyPassword } from './legacy-password.js';
import {
  legacyLoginKey,
  loginKey,
  normaliseLogin,
  PASSWORD_MIN_CHARS,
  validateNewPassword,
  validatePassword,
} from './login.js';
import type { PasswordHasher } from './password.js';
import type { SessionRecord, SessionStore } from './ports/sessions.js';
import type { Credentials, UserStore } from './ports/users.js';
import { SessionCache } from './session-cache.js';
import { isWellFormedToken, newSessionToken, sessionKey } from './session-token.js';
import type { Clock, User } from './types.js';

export interface Session {
  readonly user: User;
  /** The hash of the session id: how the server names a session internally. */
  readonly key: string;
}

export interface SessionStart {
  readonly sessionId: string;
  readonly user: User;
}

export interface AccountsOptions {
  readonly sessionIdleSeconds: number;
  /** How long a session read from the store is trusted without reading it again (0: never). */
  readonly sessionCacheSeconds: number;
  readonly clock: Clock;
}

export class Accounts {
  /** A session's last-seen time is written at most this often, not on every request. */
  private readonly touchEverySeconds: number;
  private readonly cache: SessionCache;

  constructor(
    private readonly store: UserStore & SessionStore,
    private readonly passwords: PasswordHasher,
    private readonly options: AccountsOptions,
  ) {
    this.touchEverySeconds = Math.min(60, Math.floor(options.sessionIdleSeconds / 10));
    this.cache = new SessionCache(options.sessionCacheSeconds);
  }

  async register(rawLogin: string, password: string): Promise<SessionStart> {
    const login = normaliseLogin(rawLogin);
    validateNewPassword(password);
    const hashed = await this.passwords.hash(password);
    const user = await this.store.createUser(login, loginKey(login), hashed, this.options.clock());
    if (!user) throw new AppError('user_already_exists');
    return this.startSession(user);
  }

  async login(rawLogin: string, password: string): Promise<SessionStart> {
    const login = normaliseLogin(rawLogin);
    const credentials = await this.findCredentials(login);
    // A password breaking the rules is refused without hashing it, except that an account
    // imported from the original server may have one shorter than ours.
    validatePassword(password, credentials ? 1 : PASSWORD_MIN_CHARS);
    if (!credentials) throw new AppError('user_not_found');
    if (isLegacyPasswordHash(credentials.passwordHash)) {
      await this.upgradeLegacyPassword(credentials, password);
    } else if (!(await this.passwords.verify(credentials.passwordHash, password))) {
      throw new AppError('wrong_credentials');
    }
    return this.startSession(credentials.user);
  }

  /** An imported MD5 password is checked once, then replaced at once by our own hash. */
  private async upgradeLegacyPassword(credentials: Credentials, password: string): Promise<void> {
    if (!matchesLegacyPassword(credentials.passwordHash, password)) {
      throw new AppError('wrong_credentials');
    }
    const hashed = await this.passwords.hash(password);
    await this.store.replacePasswordHash(credentials.user.id, credentials.passwordHash, hashed);
  }

  /** Ends this session only; returns its key so its open sockets can be closed. */
  async logout(session: Session): Promise<void> {
    this.forgetSession(session.key);
    await this.store.deleteSession(session.key);
  }

  /** A session ended (here or on another node): stop trusting the cached copy. */
  forgetSession(key: string): void {
    this.cache.forget(key);
  }

  /** The session behind a session id, or `unauthorized`. */
  async authenticate(sessionId: string | undefined): Promise<Session> {
    if (sessionId === undefined || !isWellFormedToken(sessionId)) {
      throw new AppError('unauthorized');
    }
    const key = sessionKey(sessionId);
    const now = this.options.clock();
    const seenSince = now - this.options.sessionIdleSeconds;
    const cached = this.cache.get(key, now);
    if (cached && cached.lastSeenAt >= seenSince) {
      this.cache.update(key, await this.touched(key, cached, now));
      return { user: cached.user, key };
    }
    const stored = await this.store.findSession(key, seenSince);
    if (!stored) throw new AppError('unauthorized');
    this.cache.set(key, await this.touched(key, stored, now), now);
    return { user: stored.user, key };
  }

  /**
   * Whether the session still stands, read from the store rather than the cache: asked for the
   * sessions of open sockets. `used` (the client sent frames on them) counts as use, as a request does.
   */
  async stillLive(key: string, used: boolean): Promise<boolean> {
    const now = this.options.clock();
    const stored = await this.store.findSession(key, now - this.options.sessionIdleSeconds);
    if (!stored) {
      this.forgetSession(key);
      return false;
    }
    if (used) await this.touched(key, stored, now);
    return true;
  }

  /** The record after this use: its last-seen time is written only when it is old enough. */
  private async touched(key: string, record: SessionRecord, now: number): Promise<SessionRecord> {
    if (now - record.lastSeenAt < this.touchEverySeconds) return record;
    await this.store.touchSession(key, now);
    return { ...record, lastSeenAt: now };
  }

  /** Deletes expired sessions; run from time to time. */
  expireIdleSessions(): Promise<number> {
    return this.store.deleteIdleSessions(this.options.clock() - this.options.sessionIdleSeconds);
  }

  /** By the login's key, or for an account registered before keys folded look-alikes, its old one. */
  private async findCredentials(login: string): Promise<Credentials | undefined> {
    const key = loginKey(login);
    const legacyKey = legacyLoginKey(login);
    const found = await this.store.findCredentials(key);
    return found ?? (legacyKey === key ? undefined : this.store.findCredentials(legacyKey));
  }

  private async startSession(user: User): Promise<SessionStart> {
    const sessionId = newSessionToken();
    await this.store.createSession(sessionKey(sessionId), user.id, this.options.clock());
    return { sessionId, user };
  }
}
