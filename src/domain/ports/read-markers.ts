// The read markers port: how far each member has read a room. Markers only move forward.

export interface MarkerMove {
  /** Where the marker is now. */
  readonly lastReadId: number;
  /** False when it was already there or ahead. */
  readonly moved: boolean;
}

export interface ReadMarkerStore {
  /**
   * Moves the member's marker to the smaller of `messageId` and the room's last message id, if
   * that is ahead of it; undefined when `userId` is not a member. Two calls racing never move
   * it back. (Sending a message moves its author's marker inside `appendMessages`.)
   */
  markRead(roomId: number, userId: number, messageId: number): Promise<MarkerMove | undefined>;
}
