// Limits on register and login: one allowance per client address for both, and per account a
// back-off after failed logins that the account's known devices pass.
import { RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors.js';
import type { Limiters } from '../limits/open-limiters.js';
import { addressKey } from './client-address.js';

/** Failed logins are counted over this window, starting with the first. */
const FAILURE_WINDOW_SECONDS = 3600;
/** The first lock; each further failure doubles it. */
const FIRST_LOCK_SECONDS = 15;
/** An address an account logged in from stays known this long (in-memory timers cap at 24 days). */
const KNOWN_ADDRESS_SECONDS = 14 * 24 * 3600;

export interface AuthThrottleOptions {
  readonly perAddressPerMinute: number;
  /** Failed logins of an account (per window) before each further one locks it. */
  readonly freeFailures: number;
  readonly maxLockSeconds: number;
}

/** How long the `failures`-th failed login in the window locks the account (0: not at all). */
export function lockSeconds(failures: number, options: AuthThrottleOptions): number {
  const past = failures - options.freeFailures;
  if (past <= 0) return 0;
  return Math.min(options.maxLockSeconds, FIRST_LOCK_SECONDS * 2 ** Math.min(past - 1, 30));
}

function retryAfter(res: RateLimiterRes): RateLimitedError {
  return new RateLimitedError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
}

/** A login under way: it reports how it ended, so that failures count and successes are known. */
export interface LoginAttempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

export class AuthThrottle {
  private readonly perAddress;
  private readonly failures;
  private readonly locks;
  private readonly knownAddresses;

  constructor(
    limiters: Limiters,
    private readonly options: AuthThrottleOptions,
  ) {
    this.perAddress = limiters.create({
      name: 'auth-address',
      points: options.perAddressPerMinute,
      durationSeconds: 60,
    });
    this.failures = limiters.create({
      name: 'login-failures',
      points: Number.MAX_SAFE_INTEGER,
      durationSeconds: FAILURE_WINDOW_SECONDS,
    });
    this.locks = limiters.create({ name: 'login-lock', points: 1, durationSeconds: 1 });
    this.knownAddresses = limiters.create({
      name: 'login-known',
      points: 1,
      durationSeconds: KNOWN_ADDRESS_SECONDS,
    });
  }

  /** Counts one register or login from `ip`; past the allowance, `RateLimitedError`. */
  async admitAddress(ip: string): Promise<void> {
    try {
      await this.perAddress.consume(addressKey(ip));
    } catch (rejection) {
      throw rejection instanceof RateLimiterRes ? retryAfter(rejection) : rejection;
    }
  }

  /**
   * Starts a login to `account` (its login key). A locked account is refused unless the request
   * comes from an address it logged in from before, or `holdsSession` says it carries one of the
   * account's sessions.
   */
  async beginLogin(
    account: string,
    ip: string,
    holdsSession: () => Promise<boolean>,
  ): Promise<LoginAttempt> {
    const known = knownKey(account, ip);
    const lock = await this.locks.get(account);
    const locked = lock !== null && lock.consumedPoints > 1;
    if (locked && !(await this.knownAddresses.get(known)) && !(await holdsSession())) {
      throw retryAfter(lock);
    }
    return {
      failed: async () => {
        const counted = await this.failures.penalty(account);
        const seconds = lockSeconds(counted.consumedPoints, this.options);
        if (seconds > 0) await this.locks.block(account, seconds);
      },
      succeeded: async () => {
        // A device let through a lock leaves it in place for everyone else.
        if (!locked) await Promise.all([this.failures.delete(account), this.locks.delete(account)]);
        await this.remember(account, ip);
      },
    };
  }

  /** Makes `ip` a known address of `account`, as a registration from it does. */
  async remember(account: string, ip: string): Promise<void> {
    await this.knownAddresses.set(knownKey(account, ip), 1, KNOWN_ADDRESS_SECONDS);
  }
}

/** The address first: it never contains the separator, so no two pairs share a key. */
function knownKey(account: string, ip: string): string {
  return `${addressKey(ip)}|${account}`;
}
