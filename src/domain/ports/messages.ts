// The messages port: appending batches and reading a room's history.

export interface NewMessage {
  readonly roomId: number;
  readonly userId: number;
  readonly text: string;
  /** The sender's idempotency key, unique per room and user; null when the frame had none. */
  readonly clientId: string | null;
  /** Unix seconds. */
  readonly createdAt: number;
}

export interface StoredMessage extends NewMessage {
  readonly id: number;
  /** Id of the room's message stored just before this one (0 for the first): lets receivers spot gaps. */
  readonly previousId: number;
  /** True when the client id was already stored: nothing new was written. */
  readonly duplicate: boolean;
}

export interface HistoryRange {
  /** Only messages with a smaller id; the latest of them. */
  readonly before?: number | undefined;
  /** Only messages with a larger id; the oldest of them. */
  readonly after?: number | undefined;
  readonly limit: number;
}

export interface MessageStore {
  /**
   * Stores a batch in one transaction, in order; a repeated client id yields the first message.
   * Each author's read marker moves to the last message they sent, in the same transaction.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]>;
  /** Messages of a room in `range`, oldest first. */
  history(roomId: number, range: HistoryRange): Promise<StoredMessage[]>;
  /**
   * The same messages as the API's JSON array text, built by the database: byte for byte
   * `JSON.stringify` of their `MessageJson`s, without a row object or a Date per message.
   */
  historyJson(roomId: number, range: HistoryRange): Promise<string>;
  /** Id of the room's latest message, 0 when it has none. */
  lastMessageId(roomId: number): Promise<number>;
}
