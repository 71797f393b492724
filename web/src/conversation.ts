// The open room: a window of its history (older pages load as the reader scrolls up, the oldest
// go as live messages come), live messages in id order with day separators and grouped authors,
// the "new messages" line and a jump to the latest, "seen" on the user's last message, who is
// typing, and what the user sent that is not stored yet; the room is marked read while its latest
// message is in view.
import { isChatError, type Message, type RoomState } from '../../client/src/index.js';
import type { ChatContext } from './chat-context.js';
import { byId, reconcile } from './dom.js';
import { continues, dayKey, listOfNames } from './format.js';
import { daySeparator, messageItem, newMessagesLine } from './message-items.js';
import { Outgoing } from './outgoing.js';
import { RoomHeader } from './room-header.js';
import { PAGE, RoomHistories, RoomHistory } from './room-history.js';

/** At most this many pages load at once to reach the first unread message. */
const UNREAD_PAGES = 4;
/** Closer than this to the bottom (px) counts as reading the latest. */
const BOTTOM_SLACK = 40;
/** Closer than this to the top (px) loads the page before. */
const TOP_SLACK = 200;

export class Conversation {
  private roomId: number | undefined;
  /** Bumped by every room change, so an answer for a room already left is dropped. */
  private visit = 0;
  private readonly histories = new RoomHistories();
  private history = new RoomHistory();
  /** The elements of the messages and days on screen, kept from one render to the next. */
  private items = new Map<number, HTMLLIElement>();
  private separators = new Map<string, HTMLLIElement>();
  private readonly marker = newMessagesLine();
  private readonly seen = document.createElement('p');
  /** The first message the user had not read when the room opened (or arrived out of view). */
  private markerId: number | undefined;
  private loadingOlder = false;
  private markingUpTo = 0;
  private unseen = 0;
  private readonly scroller = byId('scroller');
  private readonly listening = new AbortController();
  private readonly header: RoomHeader;
  private readonly outgoing: Outgoing;

  constructor(private readonly chat: ChatContext) {
    this.header = new RoomHeader(chat);
    this.outgoing = new Outgoing(chat);
    this.seen.className = 'seen';
    this.scroller.onscroll = () => this.scrolled();
    byId('older').onclick = () => this.loadOlder().catch(chat.notify);
    byId('jump').onclick = () => this.scrollToLatest();
    const { signal } = this.listening;
    document.addEventListener('visibilitychange', () => this.markRead(), { signal });
    window.addEventListener('focus', () => this.markRead(), { signal });
  }

  /** The screen closes: this view stops listening to the page. */
  close(): void {
    this.listening.abort();
    void this.open(undefined);
  }

  /** Shows a room (or none): what this page has of it at once, then the latest from the server. */
  async open(roomId: number | undefined): Promise<void> {
    const visit = ++this.visit;
    this.reset(roomId);
    if (roomId === undefined) return;
    const history = this.histories.of(roomId);
    this.history = history;
    this.renderOutgoing();
    // At once only if the "new messages" line has its place in what the page kept.
    const lastReadId = this.chat.live.room(roomId)?.lastReadId;
    const shownAtOnce = history.loaded && history.reaches(lastReadId);
    if (shownAtOnce) this.show(lastReadId);
    const { page, state } = await this.readLatest(roomId);
    if (visit !== this.visit) return;
    if (!state) {
      // Offline: what the page kept, line or not, rather than nothing.
      if (history.loaded && !shownAtOnce) this.show(lastReadId);
      return;
    }
    if (!history.loaded) history.hasOlder = page.length === PAGE;
    history.add(page);
    await this.loadUnread(state.lastReadId, visit);
    if (visit !== this.visit) return;
    history.loaded = true;
    if (shownAtOnce) this.update();
    else this.show(state.lastReadId);
  }

  /** The room's latest page and state; nothing when offline with the room kept by the page. */
  private async readLatest(roomId: number): Promise<{ page: Message[]; state?: RoomState }> {
    try {
      const [page, state] = await Promise.all([
        this.chat.client.messages(roomId, { limit: PAGE }),
        this.chat.live.refreshRoom(roomId),
      ]);
      return { page, ...(state && { state }) };
    } catch (error) {
      // The banner says why nothing new comes; what the page kept of the room shows.
      if (this.history.loaded && isChatError(error) && error.retryable) return { page: [] };
      throw error;
    }
  }

  /** A message of any room, from the stream or as the answer to the user's own send. */
  onMessage(message: Message): void {
    if (message.room_id !== this.roomId) {
      this.histories.onMessage(message);
      return;
    }
    if (this.history.has(message.id)) return;
    const wasAtBottom = this.atBottom();
    const mine = message.user_id === this.chat.me.id;
    if (!wasAtBottom && !mine) {
      this.unseen += 1;
      this.markerId ??= message.id;
    }
    if (this.history.addLive(message, wasAtBottom || mine)) this.update();
    // Only what arrives is read out, not every message a room shows as it opens.
    if (!mine)
      byId('announcer').textContent = `${this.chat.login(message.user_id)}: ${message.text}`;
    if (wasAtBottom || mine) this.scrollToBottom();
    this.scrolled();
  }

  /** Connected again: a room that could not load when it opened loads now. */
  onLive(): void {
    if (this.roomId !== undefined && !this.history.loaded) void this.open(this.roomId);
  }

  /** The room's state moved (a marker, a name, presence): the header and "seen" follow. */
  onRoomState(state: RoomState): void {
    if (state.room.id !== this.roomId) return;
    this.header.render(this.roomId);
    this.renderSeen();
  }

  onTyping(roomId: number, userIds: readonly number[]): void {
    if (roomId === this.roomId) this.header.typing(userIds);
  }

  onPresence(): void {
    this.header.render(this.roomId);
  }

  /** The user's messages of this room not stored yet; the reader stays at the bottom. */
  renderOutgoing(): void {
    const wasAtBottom = this.atBottom();
    this.outgoing.render(this.roomId);
    if (wasAtBottom) this.scrollToBottom();
  }

  /** The first view of the room: the line above what was unread, scrolled to it or the bottom. */
  private show(lastReadId: number | undefined): void {
    this.markerId = this.history.messages.find(
      (message) => message.id > (lastReadId ?? Infinity) && message.user_id !== this.chat.me.id,
    )?.id;
    this.update();
    if (this.markerId === undefined) this.scrollToBottom();
    else this.marker.scrollIntoView({ block: 'center' });
    this.scrolled();
  }

  /** Renders what changed and keeps the reader at the bottom if they were there. */
  private update(): void {
    const wasAtBottom = this.atBottom();
    this.render();
    this.header.render(this.roomId);
    if (wasAtBottom) this.scrollToBottom();
  }

  private reset(roomId: number | undefined): void {
    this.history.keepLatestPage();
    this.roomId = roomId;
    this.history = new RoomHistory();
    this.items.clear();
    this.separators.clear();
    this.markerId = undefined;
    this.loadingOlder = false;
    this.markingUpTo = 0;
    this.unseen = 0;
    byId('messages').replaceChildren();
    this.outgoing.render(undefined);
    this.header.typing([]);
    byId('older').hidden = true;
    byId('jump').hidden = true;
    this.header.render(this.roomId);
    if (roomId !== undefined) this.header.typing(this.chat.live.typingIn(roomId));
  }

  /** Shows the window; elements of messages and days no longer in it are forgotten. */
  private render(): void {
    const nodes: Node[] = [];
    const items = new Map<number, HTMLLIElement>();
    const separators = new Map<string, HTMLLIElement>();
    let previous: Message | undefined;
    for (const message of this.history.messages) {
      const day = dayKey(message.created_at);
      if (!previous || dayKey(previous.created_at) !== day) {
        const separator = this.separators.get(day) ?? daySeparator(message.created_at);
        separators.set(day, separator);
        nodes.push(separator);
      }
      if (message.id === this.markerId) nodes.push(this.marker);
      const mine = message.user_id === this.chat.me.id;
      const item =
        this.items.get(message.id) ?? messageItem(message, this.chat.login(message.user_id), mine);
      item.classList.toggle(
        'grouped',
        message.id !== this.markerId && continues(previous, message),
      );
      items.set(message.id, item);
      nodes.push(item);
      previous = message;
    }
    this.items = items;
    this.separators = separators;
    reconcile(byId('messages'), nodes);
    byId('older').hidden = !this.history.hasOlder || !this.history.loaded;
    this.renderSeen();
  }

  /** "Seen" (or "Seen by …" in a group) under the user's last message once others read it. */
  private renderSeen(): void {
    const state = this.roomId === undefined ? undefined : this.chat.live.room(this.roomId);
    const mine = this.history.messages.findLast((message) => message.user_id === this.chat.me.id);
    const others = state?.room.users.filter((user) => user.id !== this.chat.me.id) ?? [];
    const readers = others.filter(
      (user) => (state?.read.get(user.id) ?? 0) >= (mine?.id ?? Infinity),
    );
    if (!mine || readers.length === 0) {
      this.seen.remove();
      return;
    }
    this.seen.textContent =
      others.length === 1 ? 'Seen' : `Seen by ${listOfNames(readers.map((user) => user.login))}`;
    this.items.get(mine.id)?.append(this.seen);
  }

  /** Older pages until the first unread message is in, so the "new messages" line has its place. */
  private async loadUnread(lastReadId: number, visit: number): Promise<void> {
    for (let pages = 1; pages < UNREAD_PAGES; pages += 1) {
      const roomId = this.roomId;
      const history = this.history;
      const oldest = history.messages[0];
      if (visit !== this.visit || roomId === undefined || !oldest || !history.hasOlder) return;
      if (oldest.id <= lastReadId) return;
      const page = await this.chat.client.messages(roomId, { before: oldest.id, limit: PAGE });
      history.hasOlder = page.length === PAGE;
      history.add(page);
    }
  }

  private async loadOlder(): Promise<void> {
    const roomId = this.roomId;
    const history = this.history;
    const oldest = history.messages[0];
    if (roomId === undefined || !oldest || !history.hasOlder || this.loadingOlder) return;
    if (!history.loaded) return;
    const visit = this.visit;
    this.loadingOlder = true;
    try {
      const page = await this.chat.client.messages(roomId, { before: oldest.id, limit: PAGE });
      if (visit !== this.visit) return;
      const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
      history.hasOlder = page.length === PAGE;
      history.add(page);
      this.render();
      this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    } finally {
      if (visit === this.visit) this.loadingOlder = false;
    }
  }

  private scrolled(): void {
    if (this.scroller.scrollTop < TOP_SLACK) void this.loadOlder().catch(this.chat.notify);
    const atBottom = this.atBottom();
    if (atBottom && this.history.behind) {
      void this.openAgainAtLatest().catch(this.chat.notify);
      return;
    }
    if (atBottom) this.unseen = 0;
    const jump = byId('jump');
    jump.hidden = atBottom || this.roomId === undefined;
    jump.textContent = this.unseen > 0 ? `${this.unseen} new ↓` : 'Jump to latest ↓';
    this.markRead();
  }

  /** The reader is at the end of a window that is not the room's latest: the room opens again. */
  private async openAgainAtLatest(): Promise<void> {
    const roomId = this.roomId;
    const last = this.history.messages.at(-1);
    const visit = this.visit;
    this.history.forget();
    if (roomId === undefined) return;
    // What they scrolled through counts as read: the "new messages" line goes after it.
    if (last) await this.chat.live.markRead(roomId, last.id).catch(() => undefined);
    if (visit === this.visit) await this.open(roomId);
  }

  /** Marks the room read up to its last message while that is in view of a visible page. */
  private markRead(): void {
    const roomId = this.roomId;
    const state = roomId === undefined ? undefined : this.chat.live.room(roomId);
    const last = state?.lastMessage?.id ?? 0;
    if (roomId === undefined || !state || document.visibilityState !== 'visible') return;
    if (!this.atBottom() || !this.history.endsAtLatest()) return;
    if (last <= Math.max(state.lastReadId, this.markingUpTo)) return;
    this.markingUpTo = last;
    this.chat.live.markRead(roomId, last).catch(() => {
      this.markingUpTo = 0;
    });
  }

  private scrollToLatest(): void {
    this.scrollToBottom();
    byId('text').focus();
  }

  private scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private atBottom(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < BOTTOM_SLACK;
  }
}
