// The user's messages of the open room that are not stored: on their way ("Sending…", from the
// library's queue) or refused by the server (kept by the page, with Retry and Discard).
import type { ChatContext } from './chat-context.js';
import { byId } from './dom.js';
import { codeText } from './error-text.js';
import { failedItem, pendingItem } from './message-items.js';
import type { FailedMessage } from './user-storage.js';

export class Outgoing {
  private roomId: number | undefined;

  constructor(private readonly chat: ChatContext) {}

  render(roomId: number | undefined): void {
    this.roomId = roomId;
    const list = byId('outgoing');
    if (roomId === undefined) {
      list.replaceChildren();
      return;
    }
    const actions = {
      retry: (message: FailedMessage) => this.retry(message),
      discard: (message: FailedMessage) => this.discard(message),
    };
    list.replaceChildren(
      ...this.chat.live.pending(roomId).map((pending) => pendingItem(pending)),
      ...this.chat.storage
        .failed(roomId)
        .map((failed) => failedItem(failed, codeText(failed.code), actions)),
    );
  }

  private retry(message: FailedMessage): void {
    this.chat.storage.removeFailed(message.clientId);
    void this.chat.live.send(message.roomId, message.text).catch(() => undefined);
    byId('text').focus();
  }

  private discard(message: FailedMessage): void {
    this.chat.storage.removeFailed(message.clientId);
    this.render(this.roomId);
    byId('text').focus();
  }
}
