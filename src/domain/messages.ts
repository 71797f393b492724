// Messages: what a valid text is, how a stored message looks to clients, and room history.
import type { RoomEvent } from '../bus/bus.js';
import { AppError, type ErrorCode } from '../errors.js';
import type { HistoryRange, Store, StoredMessage } from '../store/store.js';
import { isBlank } from './invisible.js';
import type { MessageBatcher } from './message-batcher.js';
import type { Clock, MessageJson } from './types.js';

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
export const CLIENT_ID_MAX_CHARS = 64;

export interface PostedMessage {
  readonly roomId: number;
  readonly userId: number;
  readonly text: string;
  readonly clientId: string | null;
}

/** Why a text cannot be sent, or undefined when it can. */
export function textProblem(text: string, maxChars: number): ErrorCode | undefined {
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

/** The message as the bus carries it, serialised once; `origin` is the sending connection, if local. */
export function toRoomEvent(message: StoredMessage, origin?: number): RoomEvent {
  return {
    roomId: message.roomId,
    id: message.id,
    previousId: message.previousId,
    wire: JSON.stringify(toMessageJson(message)),
    storedAt: Date.now(),
    origin,
    clientId: message.clientId,
  };
}

export class Messages {
  constructor(
    private readonly store: Store,
    private readonly batcher: MessageBatcher,
    private readonly clock: Clock,
    private readonly maxChars: number,
  ) {}

  /** Validates and stores a message; resolves once it is durable. */
  post(message: PostedMessage, origin?: number): Promise<StoredMessage> {
    const problem = textProblem(message.text, this.maxChars);
    if (problem) return Promise.reject(new AppError(problem));
    return this.batcher.append({ ...message, createdAt: this.clock() }, origin);
  }

  async history(roomId: number, range: HistoryRange): Promise<MessageJson[]> {
    const messages = await this.store.history(roomId, range);
    return messages.map(toMessageJson);
  }
}
