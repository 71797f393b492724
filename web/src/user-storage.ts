// What this browser keeps for one user besides the send queue: drafts per room and messages the
// server refused, so neither is lost to a room switch or a reload; logout clears all of it.
import { hasFields, readStoredList } from '../../client/src/storage.js';

const PREFIX = 'e-chat.';

export interface FailedMessage {
  readonly clientId: string;
  readonly roomId: number;
  readonly text: string;
  /** The server's reason, e.g. `message_too_long`. */
  readonly code: string;
}

export class UserStorage {
  constructor(private readonly userId: number) {}

  draft(roomId: number): string {
    return localStorage.getItem(this.draftKey(roomId)) ?? '';
  }

  saveDraft(roomId: number, text: string): void {
    if (text === '') localStorage.removeItem(this.draftKey(roomId));
    else localStorage.setItem(this.draftKey(roomId), text);
  }

  failed(roomId?: number): FailedMessage[] {
    const all = readStoredList(localStorage, this.failedKey(), isFailed);
    return roomId === undefined ? all : all.filter((message) => message.roomId === roomId);
  }

  addFailed(message: FailedMessage): void {
    this.writeFailed([...this.failed(), message]);
  }

  removeFailed(clientId: string): void {
    this.writeFailed(this.failed().filter((message) => message.clientId !== clientId));
  }

  /** Everything of this user, the library's send queue (`e-chat.outbox.<id>`) included. */
  clear(): void {
    const mine = [`${PREFIX}outbox.${this.userId}`, this.failedKey()];
    const draftPrefix = `${PREFIX}draft.${this.userId}.`;
    for (let index = localStorage.length - 1; index >= 0; index -= 1) {
      const key = localStorage.key(index);
      if (key !== null && (mine.includes(key) || key.startsWith(draftPrefix))) {
        localStorage.removeItem(key);
      }
    }
  }

  private writeFailed(messages: FailedMessage[]): void {
    if (messages.length === 0) localStorage.removeItem(this.failedKey());
    else localStorage.setItem(this.failedKey(), JSON.stringify(messages));
  }

  private draftKey(roomId: number): string {
    return `${PREFIX}draft.${this.userId}.${roomId}`;
  }

  private failedKey(): string {
    return `${PREFIX}failed.${this.userId}`;
  }
}

const isFailed = hasFields<FailedMessage>({
  clientId: 'string',
  roomId: 'number',
  text: 'string',
  code: 'string',
});
