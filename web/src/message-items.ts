// The pieces of a conversation on screen: a message, a day separator, the "new messages" line,
// and a message of the user's own that is still on its way or was refused.
import type { Message, PendingMessage } from '../../client/src/index.js';
import { el } from './dom.js';
import { clockTime, dayLabel } from './format.js';
import type { FailedMessage } from './user-storage.js';

export function messageItem(message: Message, author: string, mine: boolean): HTMLLIElement {
  const date = new Date(message.created_at);
  return el(
    'li',
    { className: mine ? 'message mine' : 'message', dataset: { id: String(message.id) } },
    el(
      'div',
      { className: 'meta' },
      el('span', { className: 'author' }, author),
      el(
        'time',
        { dateTime: message.created_at, title: date.toLocaleString() },
        clockTime(message.created_at),
      ),
    ),
    el('p', { className: 'text' }, message.text),
  );
}

export function daySeparator(iso: string): HTMLLIElement {
  return el('li', { className: 'day', role: 'separator' }, dayLabel(iso));
}

export function newMessagesLine(): HTMLLIElement {
  return el('li', { className: 'new-marker', role: 'separator' }, 'New messages');
}

export function pendingItem(pending: PendingMessage): HTMLLIElement {
  return el(
    'li',
    { className: 'message mine pending', dataset: { clientId: pending.clientId } },
    el('p', { className: 'text' }, pending.text),
    el('span', { className: 'state' }, 'Sending…'),
  );
}

export interface FailedActions {
  retry(message: FailedMessage): void;
  discard(message: FailedMessage): void;
}

export function failedItem(
  message: FailedMessage,
  reason: string,
  actions: FailedActions,
): HTMLLIElement {
  return el(
    'li',
    { className: 'message mine failed', dataset: { clientId: message.clientId } },
    el('p', { className: 'text' }, message.text),
    el(
      'div',
      { className: 'state' },
      `Not sent: ${reason}. `,
      el(
        'button',
        { type: 'button', className: 'quiet small', onclick: () => actions.retry(message) },
        'Retry',
      ),
      el(
        'button',
        { type: 'button', className: 'quiet small', onclick: () => actions.discard(message) },
        'Discard',
      ),
    ),
  );
}
