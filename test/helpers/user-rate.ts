// Whether a message of the user passes the rate, for tests that count what passes.
import type { UserRate } from '../../src/domain/user-rate.js';

/** Takes one token of `userId`: true when the message passes, false when it is refused. */
export function passes(rate: UserRate, userId: number): boolean {
  return rate.take(userId) === undefined;
}
