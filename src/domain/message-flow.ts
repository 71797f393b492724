// The message flow between nodes: what is stored or changed goes out on the bus, what the bus
// brings in goes to this node's sockets, and what those sockets need to know of a room.
import type { Bus, RoomEvent } from './bus.js';
import type { ConversationEvents, ReadMoved, RoomCreated } from './conversation-events.js';
import { toRoomEvent } from './messages.js';
import type { MessageStore, StoredMessage } from './ports/messages.js';
import type { RoomStore } from './ports/rooms.js';
import { roomCreatedEvent } from './rooms.js';
import type { TypingPublisher, TypingSignal } from './typing.js';

/** What this node's sockets are told, whichever node the change happened on. */
export interface ConversationListener {
  message(event: RoomEvent): void;
  readMoved(event: ReadMoved): void;
  typing(signal: TypingSignal): void;
  roomCreated(event: RoomCreated): void;
  /** A session was logged out: its sockets close. */
  sessionEnded(sessionKey: string): void;
  /** The bus is back after an outage: what it carried meanwhile may not have come. */
  busResumed(): void;
}

/** What the realtime layer asks of rooms: subscriptions, last ids, stored messages. */
export interface RoomFeed {
  /** Resolves once the room's events from every node reach the listener. */
  subscribeRoom(roomId: number): Promise<void>;
  unsubscribeRoom(roomId: number): Promise<void>;
  /** Resolves once rooms created with the user on any node reach the listener. */
  subscribeUser(userId: number): Promise<void>;
  unsubscribeUser(userId: number): Promise<void>;
  /** Id of the room's latest message, 0 when it has none. */
  lastMessageId(roomId: number): Promise<number>;
  /** Stored messages of the room after `afterId` (and up to `upTo`), oldest first, one page. */
  messagesAfter(
    roomId: number,
    afterId: number,
    limit: number,
    upTo?: number,
  ): Promise<RoomEvent[]>;
  /** Ids of the rooms the user is a member of. */
  roomIdsOf(userId: number): Promise<number[]>;
  /** The room as its creation was announced, for a member who missed it; undefined if not one. */
  roomCreatedFor(roomId: number, userId: number): Promise<RoomCreated | undefined>;
}

export interface MessageFlowDeps {
  readonly store: Pick<MessageStore, 'history' | 'lastMessageId'> &
    Pick<RoomStore, 'roomIdsOf' | 'roomOfMember'>;
  readonly bus: Bus;
  /** Counts the messages stored (retries of a stored client id excluded). */
  readonly storedCounter: { inc(): void };
  /** Stops trusting a cached session once it is logged out anywhere. */
  readonly forgetSession: (sessionKey: string) => void;
}

export class MessageFlow implements ConversationEvents, RoomFeed, TypingPublisher {
  private resumed: (() => void) | undefined;

  constructor(private readonly deps: MessageFlowDeps) {}

  /** Stored → published: told by the batcher of each new message, in id order. */
  published(message: StoredMessage, origin: number | undefined): void {
    this.deps.storedCounter.inc();
    this.deps.bus.publish(toRoomEvent(message, Date.now(), origin));
  }

  roomCreated(event: RoomCreated): void {
    this.deps.bus.publishRoomCreated(event);
  }

  readMoved(event: ReadMoved): void {
    this.deps.bus.publishReadMoved(event);
  }

  publishTyping(signal: TypingSignal): void {
    this.deps.bus.publishTyping(signal);
  }

  /** A session was logged out on this node: its sockets close on every node. */
  sessionEnded(sessionKey: string): void {
    this.deps.bus.publishSessionEnded(sessionKey);
  }

  /** Bus → sockets: every event of the bus, from any node, reaches `listener`. */
  deliverTo(listener: ConversationListener): void {
    this.deps.bus.listen({
      onRoomEvent: (event) => listener.message(event),
      onReadMoved: (event) => listener.readMoved(event),
      onTyping: (signal) => listener.typing(signal),
      onRoomCreated: (event) => listener.roomCreated(event),
      onSessionEnded: (sessionKey) => {
        this.deps.forgetSession(sessionKey);
        listener.sessionEnded(sessionKey);
      },
      onResumed: () => {
        listener.busResumed();
        this.resumed?.();
      },
    });
  }

  /** Called when the bus comes back after an outage: logouts announced meanwhile were missed. */
  whenResumed(callback: () => void): void {
    this.resumed = callback;
  }

  subscribeRoom(roomId: number): Promise<void> {
    return this.deps.bus.subscribe(roomId);
  }

  unsubscribeRoom(roomId: number): Promise<void> {
    return this.deps.bus.unsubscribe(roomId);
  }

  subscribeUser(userId: number): Promise<void> {
    return this.deps.bus.subscribeUser(userId);
  }

  unsubscribeUser(userId: number): Promise<void> {
    return this.deps.bus.unsubscribeUser(userId);
  }

  lastMessageId(roomId: number): Promise<number> {
    return this.deps.store.lastMessageId(roomId);
  }

  async messagesAfter(
    roomId: number,
    afterId: number,
    limit: number,
    upTo?: number,
  ): Promise<RoomEvent[]> {
    const before = upTo === undefined ? undefined : upTo + 1;
    const messages = await this.deps.store.history(roomId, { after: afterId, before, limit });
    // Read back from the store, a message is dated by its created_at (to the second): a late
    // delivery (a gap filled, a new room caught up) is then measured as late, not as instant.
    return messages.map((message) => toRoomEvent(message, message.createdAt * 1000));
  }

  roomIdsOf(userId: number): Promise<number[]> {
    return this.deps.store.roomIdsOf(userId);
  }

  async roomCreatedFor(roomId: number, userId: number): Promise<RoomCreated | undefined> {
    const room = await this.deps.store.roomOfMember(roomId, userId);
    return room && roomCreatedEvent(room);
  }
}
