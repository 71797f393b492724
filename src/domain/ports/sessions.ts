// The sessions port: who is logged in, by the hash of their session id.
import type { User } from '../types.js';

export interface SessionRecord {
  readonly user: User;
  /** Unix seconds. */
  readonly lastSeenAt: number;
}

export interface SessionStore {
  createSession(tokenHash: string, userId: number, now: number): Promise<void>;
  /** The session if it was seen at or after `seenSince`. */
  findSession(tokenHash: string, seenSince: number): Promise<SessionRecord | undefined>;
  touchSession(tokenHash: string, now: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<boolean>;
  deleteIdleSessions(seenBefore: number): Promise<number>;
}
