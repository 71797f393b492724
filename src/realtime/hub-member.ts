// What the hub needs of a socket it fans out to: a room socket (a member of one room) or a
// stream (a member of every room of its user).
import type { Session } from '../domain/accounts.js';
import type { RoomEvent } from '../domain/bus.js';
import type { RoomCreated } from '../domain/conversation-events.js';
import type { Delivery } from './delivery.js';

export interface HubMember {
  /** Unique on this node: the origin of the messages this member sends. */
  readonly id: number;
  readonly session: Session;
  /** A message of a joined room from someone else, in id order. Returns whether it was written. */
  deliver(delivery: Delivery): boolean;
  /** This member's own message, now stored and published: acknowledge it in its place. */
  acknowledge(event: RoomEvent): void;
  /** A room's signal (a read marker, typing): a stream frame, which room sockets never see. */
  signal(frame: Buffer): void;
  /** Pings; a member that did not answer the previous ping is dropped. */
  heartbeat(): void;
  /** Starts the closing handshake; the member leaves the hub once its socket is gone. */
  close(code: number): void;
  /** Closes with `code`; resolves once the socket is gone, cut after `graceMs` if the client lingers. */
  shutDown(code: number, graceMs: number): Promise<void>;
}

/** A member told of the rooms created with its user: a stream. */
export interface Follower extends HubMember {
  roomCreated(event: RoomCreated): void;
}
