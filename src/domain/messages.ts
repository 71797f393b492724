// Messages: what a valid text is, how a stored message looks to clients, and room history.
import { AppError } from '../errors.js';
import type { RoomEvent } from './bus.js';
import { HistoryCache } from './history-cache.js';
import { isBlank } from './invisible.js';
import type { MessageBatcher } from './message-batcher.js';
import type { HistoryRange, MessageStore, StoredMessage } from './ports/messages.js';
import type { Clock, MessageJson } from './types.js';
import type { UserRate } from './user-rate.js';

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
export const CLIENT_ID_MAX_CHARS = 64;

export interface PostedMessage {
  readonly roomId: number;
  readonly userId: number;
  readonly text: string;
  readonly clientId: string | null;
}

declare const admitted: unique symbol;
/** A message that passed the rules and its author's rate: the only kind `post` stores. */
export type AdmittedMessage = PostedMessage & { readonly [admitted]: true };

/** A client id names one message per room and author: a short, storable string. */
export function isValidClientId(clientId: string): boolean {
  return (
    clientId.length > 0 &&
    clientId.length <= CLIENT_ID_MAX_CHARS &&
    // PostgreSQL cannot store NUL or a lone surrogate: one such id would fail its whole batch.
    clientId.isWellFormed() &&
    !clientId.includes('\u0000')
  );
}

/** Why a message is refused before it is stored. */
type MessageProblem = 'invalid_json' | 'invalid_message' | 'message_too_long';

/** The error a refused message is answered with. */
function problemError(problem: MessageProblem): AppError {
  return problem === 'invalid_json'
    ? new AppError(problem, 'client_id must be 1 to 64 characters')
    : new AppError(problem);
}

/** Why a text cannot be sent, or undefined when it can. */
export function textProblem(
  text: string,
  maxChars: number,
): 'invalid_message' | 'message_too_long' | undefined {
  if (isBlank(text) || !text.isWellFormed() || text.includes('\u0000')) {
    return 'invalid_message';
  }
  // UTF-16 length is at least the number of characters: count them only when it matters.
  if (text.length > maxChars && [...text].length > maxChars) return 'message_too_long';
  return undefined;
}

function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toMessageJson(message: StoredMessage): MessageJson {
  return {
    id: message.id,
    text: message.text,
    user_id: message.userId,
    room_id: message.roomId,
    created_at: isoSeconds(message.createdAt),
  };
}

/**
 * The message as the bus carries it, serialised once. `storedAt` (ms) dates it for the delivery
 * latency; `origin` is the sending connection, when it is on this node.
 */
export function toRoomEvent(message: StoredMessage, storedAt: number, origin?: number): RoomEvent {
  return {
    roomId: message.roomId,
    id: message.id,
    previousId: message.previousId,
    userId: message.userId,
    wire: JSON.stringify(toMessageJson(message)),
    storedAt,
    clientId: message.clientId,
    origin,
  };
}

export class Messages {
  private readonly latestPages = new HistoryCache();

  constructor(
    private readonly store: MessageStore,
    private readonly batcher: MessageBatcher,
    private readonly clock: Clock,
    private readonly maxChars: number,
    /** Messages per user, over all their connections and the nodes. */
    private readonly userRate: Pick<UserRate, 'take'>,
  ) {}

  /**
   * Checks a message against the rules, then counts it against its author's rate: the message
   * `post` takes, or why it is refused. One the rules refuse costs none of the rate.
   */
  admit(message: PostedMessage): AdmittedMessage | AppError {
    const problem = this.problem(message);
    if (problem) return problemError(problem);
    return this.userRate.take(message.userId) ?? (message as AdmittedMessage);
  }

  /** Stores an admitted message; resolves once it is durable. */
  post(message: AdmittedMessage, origin?: number): Promise<StoredMessage> {
    return this.batcher.append({ ...message, createdAt: this.clock() }, origin);
  }

  private problem(message: PostedMessage): MessageProblem | undefined {
    if (message.clientId !== null && !isValidClientId(message.clientId)) return 'invalid_json';
    return textProblem(message.text, this.maxChars);
  }

  /**
   * A page of the room's history as the API's JSON text; `lastMessageId` is the room's latest
   * message id, read with the caller's membership. The latest page is read up to it, so that the
   * page is one value of (room, limit, last id): kept in the cache until the room moves on.
   */
  async historyJson(roomId: number, range: HistoryRange, lastMessageId: number): Promise<string> {
    if (range.before !== undefined || range.after !== undefined) {
      return this.store.historyJson(roomId, range);
    }
    const cached = this.latestPages.get(roomId, range.limit, lastMessageId);
    if (cached !== undefined) return cached;
    const json = await this.store.historyJson(roomId, { ...range, before: lastMessageId + 1 });
    this.latestPages.set(roomId, range.limit, lastMessageId, json);
    return json;
  }
}
