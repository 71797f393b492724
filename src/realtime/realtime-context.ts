// What every socket of this node shares: the hub, the domain, the limits, and whether frames are
// still accepted.
import type { Session } from '../domain/accounts.js';
import type { RoomFeed } from '../domain/message-flow.js';
import type { Messages } from '../domain/messages.js';
import { type PresencePort, presenceOff } from '../domain/presence.js';
import type { Metrics } from '../metrics.js';
import type { FrameRate } from './frame-rate.js';
import type { Hub } from './hub.js';
import type { OutboundLimits } from './outbound.js';

/** Why a client frame is refused before it is read, on either kind of socket. */
export type FrameRefusal = 'unavailable' | 'too_many_requests';

/** Where a stream's `typing` frame goes once it is known to name one of the user's rooms. */
export interface TypingRelay {
  typing(session: Session, roomId: number): void;
}

/** Told of every client frame: sending on a socket counts as using its session. */
export interface SessionActivity {
  sessionUsed(key: string): void;
}

export interface RealtimeLimits extends OutboundLimits {
  readonly messagesPerSecond: number;
  readonly metrics: Metrics;
}

export class RealtimeContext {
  /** False once shutdown begins: frames are then refused, not acted on. */
  accepting = true;
  /** Unset, typing frames are checked and then dropped. */
  typing: TypingRelay | undefined;
  /** Who is online, for a stream's `ready`; off unless the server turns it on. */
  presence: Pick<PresencePort, 'contactsOf' | 'onlineAmong'> = presenceOff;
  /** Unset, socket use is not counted as session use. */
  sessions: SessionActivity | undefined;
  private lastMemberId = 0;

  constructor(
    readonly hub: Hub,
    readonly feed: RoomFeed,
    readonly messages: Messages,
    readonly limits: RealtimeLimits,
  ) {}

  /** A new id for a socket of this node: the origin of what it sends. */
  newMemberId(): number {
    this.lastMemberId += 1;
    return this.lastMemberId;
  }

  /** Why a client frame of `session` is refused before it is acted on, if it is; counts it against `rate`. */
  refusal(rate: FrameRate, session: Session): FrameRefusal | undefined {
    if (!this.accepting) return 'unavailable';
    this.sessions?.sessionUsed(session.key);
    return rate.exceeded() ? 'too_many_requests' : undefined;
  }
}
