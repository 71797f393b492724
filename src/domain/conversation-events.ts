// What the domain announces besides stored messages: rooms created and read markers moved.
// The bus carries them to every node; the realtime layer turns them into stream frames.

export interface RoomCreated {
  readonly roomId: number;
  /** Every member, the creator included: each of their streams is told. */
  readonly memberIds: readonly number[];
  /** The room JSON as any member sees a new room (no message, nothing read), serialised once. */
  readonly wire: string;
}

export interface ReadMoved {
  readonly roomId: number;
  readonly userId: number;
  readonly lastReadId: number;
}

/** Told after the change is stored; implementations must not throw. */
export interface ConversationEvents {
  roomCreated(event: RoomCreated): void;
  readMoved(event: ReadMoved): void;
}
