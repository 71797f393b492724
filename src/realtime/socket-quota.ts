// How many WebSockets one session and one user may hold open on this node. A slot is taken before
// the upgrade and held until the TCP connection is gone, whatever ended it.
import type { Duplex } from 'node:stream';
import type { Session } from '../domain/accounts.js';
import { RateLimitedError } from '../errors.js';

/** A refused client may try again this much later: a slot frees when one of its sockets closes. */
const RETRY_AFTER_SECONDS = 5;

export interface SocketQuotaLimits {
  readonly perSession: number;
  readonly perUser: number;
}

export class SocketQuota {
  private readonly bySession = new Map<string, number>();
  private readonly byUser = new Map<number, number>();

  constructor(private readonly limits: SocketQuotaLimits) {}

  /** Takes a slot for `connection`, given back when it closes; throws `too_many_requests` when none is left. */
  take(session: Session, connection: Duplex): void {
    // Gone during the checks: it holds nothing, and its close will not come again.
    if (connection.closed) return;
    const userId = session.user.id;
    const sessionCount = this.bySession.get(session.key) ?? 0;
    const userCount = this.byUser.get(userId) ?? 0;
    if (sessionCount >= this.limits.perSession || userCount >= this.limits.perUser) {
      throw new RateLimitedError(RETRY_AFTER_SECONDS);
    }
    this.bySession.set(session.key, sessionCount + 1);
    this.byUser.set(userId, userCount + 1);
    connection.once('close', () => {
      decrement(this.bySession, session.key);
      decrement(this.byUser, userId);
    });
  }
}

function decrement<K>(counts: Map<K, number>, key: K): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
