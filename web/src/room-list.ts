// The live room list, most recent first: each room's name, presence, last message with its time,
// typing and an unread badge; the tab's title counts what is unread everywhere.
import type { LiveSession, RoomState, User } from '../../client/src/index.js';
import { byId, el, reconcile } from './dom.js';
import { listTime, roomName, unreadBadge } from './format.js';
import { isOnline } from './presence.js';

const TITLE = 'e-chat';

export class RoomList {
  private readonly items = new Map<number, HTMLLIElement>();
  private current: number | undefined;

  constructor(
    private readonly live: LiveSession,
    private readonly me: User,
  ) {}

  /** The room on screen: marked in the list. */
  select(roomId: number | undefined): void {
    this.current = roomId;
    this.render();
  }

  focus(roomId: number): void {
    (this.items.get(roomId)?.firstElementChild as HTMLElement | null)?.focus();
  }

  render(): void {
    const rooms = this.live.rooms();
    const items = rooms.map((state) => this.item(state));
    if (items.length === 0) items.push(el('li', { className: 'hint' }, 'No rooms yet.'));
    reconcile(byId('room-list'), items);
    const unread = rooms.reduce((sum, state) => sum + state.unread, 0);
    document.title = unread > 0 ? `(${unreadBadge(unread)}) ${TITLE}` : TITLE;
  }

  /** Each room keeps its item and link, so a focused link stays focused as its content changes. */
  private item(state: RoomState): HTMLLIElement {
    const id = state.room.id;
    let item = this.items.get(id);
    if (!item) {
      item = el('li', {}, el('a', { href: `#room/${id}`, className: 'room-link' }));
      this.items.set(id, item);
    }
    const link = item.firstElementChild as HTMLAnchorElement;
    link.replaceChildren(...this.content(state));
    if (id === this.current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
    return item;
  }

  private content(state: RoomState): Node[] {
    const others = state.room.users.filter((user) => user.id !== this.me.id);
    const online = others.some((user) => isOnline(this.live, user.id));
    const last = state.lastMessage;
    const top = el(
      'span',
      { className: 'room-top' },
      others.length === 0 ? '' : presenceDot(online),
      el('span', { className: 'room-name' }, roomName(state.room, this.me)),
      last
        ? el(
            'time',
            { className: 'room-time', dateTime: last.created_at },
            listTime(last.created_at),
          )
        : '',
    );
    const bottom = el('span', { className: 'room-bottom' }, this.preview(state));
    if (state.unread > 0) bottom.append(badge(state.unread));
    return [top, bottom];
  }

  private preview(state: RoomState): HTMLElement {
    if (this.live.typingIn(state.room.id).length > 0) {
      return el('span', { className: 'preview typing-preview' }, 'typing…');
    }
    const last = state.lastMessage;
    if (!last) return el('span', { className: 'preview' }, 'No messages yet');
    const author = last.user_id === this.me.id ? 'You: ' : '';
    return el('span', { className: 'preview' }, `${author}${last.text}`);
  }
}

function presenceDot(online: boolean): HTMLElement {
  return el(
    'span',
    { className: online ? 'presence online' : 'presence', title: online ? 'online' : 'offline' },
    el('span', { className: 'visually-hidden' }, online ? 'online' : 'offline'),
  );
}

function badge(unread: number): HTMLElement {
  return el(
    'span',
    { className: 'badge' },
    unreadBadge(unread),
    el('span', { className: 'visually-hidden' }, ' unread'),
  );
}
