// The fan-out port: how stored messages and conversation events reach every node that needs them.
import type { ReadMoved, RoomCreated } from './conversation-events.js';
import type { TypingSignal } from './typing.js';

export interface RoomEvent {
  readonly roomId: number;
  readonly id: number;
  /** The room's message before this one: a receiver that has not seen it knows of a gap. */
  readonly previousId: number;
  /** The author: their own streams get the message with its client id. */
  readonly userId: number;
  /** The message JSON, serialised once by the node that stored it. */
  readonly wire: string;
  /** When it was stored (ms since epoch), to measure delivery latency. */
  readonly storedAt: number;
  /** The author's client id, for the acknowledgement and the author's streams. */
  readonly clientId: string | null;
  /** The local connection that sent it; never crosses to another node. */
  readonly origin?: number | undefined;
}

export interface BusListener {
  onRoomEvent(event: RoomEvent): void;
  onReadMoved(event: ReadMoved): void;
  onTyping(signal: TypingSignal): void;
  /** Told with the members that have streams on this node, at least. */
  onRoomCreated(event: RoomCreated): void;
  /** A session was logged out somewhere: its sockets must close. */
  onSessionEnded(sessionKey: string): void;
  /** The bus is back after an outage: what other nodes published meanwhile never came. */
  onResumed(): void;
}

export interface Bus {
  listen(listener: BusListener): void;
  /** Delivers to this node at once and to the other nodes subscribed to the room. */
  publish(event: RoomEvent): void;
  /** Like a message: to this node and the nodes subscribed to the room. */
  publishReadMoved(event: ReadMoved): void;
  /** Like a read marker: to this node and the nodes subscribed to the room. */
  publishTyping(signal: TypingSignal): void;
  /** To this node and the nodes subscribed to any of the members. */
  publishRoomCreated(event: RoomCreated): void;
  /** Resolves once the room's events from every node reach the listener. */
  subscribe(roomId: number): Promise<void>;
  unsubscribe(roomId: number): Promise<void>;
  /** Resolves once rooms created with the user on any node reach the listener. */
  subscribeUser(userId: number): Promise<void>;
  unsubscribeUser(userId: number): Promise<void>;
  publishSessionEnded(sessionKey: string): void;
  /** Throws when the broker cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
