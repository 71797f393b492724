// The storage port: everything the domain needs from a database, in the domain's words.
import type { Room, User } from '../domain/types.js';

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

export interface Credentials {
  readonly user: User;
  readonly passwordHash: string;
}

export interface SessionRecord {
  readonly user: User;
  /** Unix seconds. */
  readonly lastSeenAt: number;
}

export interface Store {
  /** Creates the user, or returns undefined when the folded login is taken. */
  createUser(
    login: string,
    loginKey: string,
    passwordHash: string,
    now: number,
  ): Promise<User | undefined>;
  findCredentials(loginKey: string): Promise<Credentials | undefined>;
  /** Sets the user's password hash if it is still `previousHash`. */
  replacePasswordHash(userId: number, previousHash: string, passwordHash: string): Promise<void>;
  /** Users whose folded login contains `queryKey`: exact match, then prefix, then the rest. */
  searchUsers(queryKey: string, limit: number): Promise<User[]>;
  /** The ids among `ids` that belong to a user. */
  existingUserIds(ids: readonly number[]): Promise<number[]>;

  createSession(tokenHash: string, userId: number, now: number): Promise<void>;
  /** The session if it was seen at or after `seenSince`. */
  findSession(tokenHash: string, seenSince: number): Promise<SessionRecord | undefined>;
  touchSession(tokenHash: string, now: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<boolean>;
  deleteIdleSessions(seenBefore: number): Promise<number>;

  /** Id of the room with exactly these members, created if there is none. */
  findOrCreateRoom(
    memberSetKey: string,
    memberIds: readonly number[],
    now: number,
  ): Promise<number>;
  /** The rooms `userId` belongs to, most recently active first, members by id. */
  roomsOf(userId: number): Promise<Room[]>;
  /** The room if `userId` is one of its members. */
  roomOfMember(roomId: number, userId: number): Promise<Room | undefined>;
  isMember(roomId: number, userId: number): Promise<boolean>;

  /** Stores a batch in one transaction, in order; a repeated client id yields the first message. */
  appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]>;
  /** Messages of a room in `range`, oldest first. */
  history(roomId: number, range: HistoryRange): Promise<StoredMessage[]>;
  /** Id of the room's latest message, 0 when it has none. */
  lastMessageId(roomId: number): Promise<number>;

  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
