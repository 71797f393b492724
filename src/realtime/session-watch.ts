// Keeps this node's sockets in step with their sessions: one whose session expired or was deleted
// (idle sweep, a logout whose announcement was lost) closes with 4001; frames sent count as use.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Accounts } from '../domain/accounts.js';
import type { Hub } from './hub.js';

/**
 * Sessions checked per event-loop turn: on SQLite each check is a synchronous query, so a sweep
 * of thousands of sessions must let the other sockets and requests run in between.
 */
const CHECKS_PER_TURN = 100;

export interface SessionWatchLog {
  warn(details: object, message: string): void;
}

export interface SessionWatchDeps {
  readonly accounts: Pick<Accounts, 'stillLive'>;
  readonly hub: Pick<Hub, 'sessionKeys' | 'sessionEnded'>;
  readonly log: SessionWatchLog;
}

export class SessionWatch {
  /** Sessions whose sockets sent frames since the last check. */
  private used = new Set<string>();
  private checking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SessionWatchDeps) {}

  /** Checks every `intervalMs` until `stop`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.checkAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A client frame arrived on a socket of this session. */
  sessionUsed(key: string): void {
    this.used.add(key);
  }

  /** Closes the sockets of every session that no longer stands; one check at a time. */
  checkAll(): Promise<void> {
    this.checking ??= this.checkEach().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /**
   * A socket just joined its rooms: a logout between its authentication and now found nothing
   * to close, so the store is asked once more.
   */
  async confirm(key: string): Promise<void> {
    await this.check(key, false);
  }

  private async checkEach(): Promise<void> {
    const used = this.used;
    this.used = new Set();
    let failures = 0;
    let checked = 0;
    for (const key of [...this.deps.hub.sessionKeys()]) {
      if (!(await this.check(key, used.has(key)))) failures++;
      if (++checked % CHECKS_PER_TURN === 0) await nextTurn();
    }
    if (failures > 0) {
      this.deps.log.warn({ failures }, 'checking open sockets against their sessions failed');
    }
  }

  /** False when the store could not say: the sockets stay open, the next check asks again. */
  private async check(key: string, used: boolean): Promise<boolean> {
    try {
      if (!(await this.deps.accounts.stillLive(key, used))) this.deps.hub.sessionEnded(key);
      return true;
    } catch {
      return false;
    }
  }
}
