// A live session over `/v1/stream`: one socket for all rooms that reconnects, catches up after
// every (re)connect as SPEC.md's recipe says, hands on each message once per room in id order, keeps
// room states (unread, markers) in step, sends through a queue, and tracks typing and presence.
import type { ChatClient } from './client.js';
import { Emitter } from './emitter.js';
import { ChatError } from './errors.js';
import { MessageOrder } from './message-order.js';
import { Outbox, type OutboxEvents, type PendingMessage } from './outbox.js';
import { Presence } from './presence.js';
import { ReconnectingSocket } from './reconnecting-socket.js';
import { type RoomState, RoomStates } from './room-states.js';
import { type Transport, webSocketUrl } from './socket.js';
import { type KeyValueStorage, memoryStorage } from './storage.js';
import type { Message, Room, StreamFrame, User } from './types.js';
import { TypingIndicators } from './typing-indicators.js';
import { TypingThrottle } from './typing-throttle.js';

export type SessionStatus = 'connecting' | 'catching-up' | 'live' | 'offline' | 'closed';

export interface LiveSessionOptions {
  /** Where unsent messages wait; `localStorage` keeps them across reloads. In memory by default. */
  readonly storage?: KeyValueStorage;
  /** Default: `e-chat.outbox.<user id>`, so two accounts in one browser keep apart. */
  readonly storageKey?: string;
  /** Rooms per request when catching up (1–500). */
  readonly roomsPageSize?: number;
}

export interface ReadEvent {
  readonly roomId: number;
  readonly userId: number;
  readonly lastReadId: number;
}

export interface LiveSessionEvents {
  status: SessionStatus;
  /** Each message of each room once, in id order per room (own ones too). */
  message: Message;
  /** A room appeared or its state changed (last message, unread count, markers). */
  room: RoomState;
  /** A member's marker moved (yours from another device, or someone's "seen"). */
  read: ReadEvent;
  typing: { readonly roomId: number; readonly userIds: number[] };
  presence: { readonly userId: number; readonly online: boolean };
  /** What is still waiting to be stored, oldest first. */
  pending: readonly PendingMessage[];
  sent: OutboxEvents['sent'];
  failed: OutboxEvents['failed'];
  /** Something went wrong that the session recovers from (a refused frame, a failed catch-up). */
  error: ChatError;
  /** The session is over: closed here, or logged out (`unauthorized`). */
  closed: ChatError;
}

type Phase = 'waiting' | 'catching-up' | 'live';

export class LiveSession extends Emitter<LiveSessionEvents> {
  private readonly order = new MessageOrder();
  private readonly states: RoomStates;
  private readonly presence = new Presence();
  private readonly typingIndicators: TypingIndicators;
  private readonly typingThrottle = new TypingThrottle();
  private readonly outbox: Outbox;
  private readonly socket: ReconnectingSocket;
  private currentStatus: SessionStatus = 'connecting';
  private phase: Phase = 'waiting';
  /** Frames that came before the catch-up ended, handled right after it. */
  private backlog: StreamFrame[] = [];
  /** Counts connections, so that a catch-up of a connection already gone stops. */
  private connection = 0;
  private caughtUpBefore = false;

  /** Opens a session for the client's user (read with `info`), already connecting. */
  static async open(
    client: ChatClient,
    transport: Transport,
    options: LiveSessionOptions,
  ): Promise<LiveSession> {
    const session = new LiveSession(client, transport, await client.info(), options);
    session.outbox.start();
    session.socket.start();
    return session;
  }

  private constructor(
    private readonly client: ChatClient,
    transport: Transport,
    readonly user: User,
    private readonly options: LiveSessionOptions,
  ) {
    super();
    this.states = new RoomStates(user.id);
    this.typingIndicators = new TypingIndicators((roomId, userIds) =>
      this.emit('typing', { roomId, userIds }),
    );
    this.outbox = new Outbox({
      storage: options.storage ?? memoryStorage(),
      storageKey: options.storageKey ?? `e-chat.outbox.${user.id}`,
      deliver: (pending) =>
        client.send(pending.roomId, pending.text, { clientId: pending.clientId }),
      ...(transport.backoff && { backoff: transport.backoff }),
    });
    this.outbox.on('changed', (pending) => this.emit('pending', pending));
    this.outbox.on('sent', (sent) => this.emit('sent', sent));
    this.outbox.on('failed', (failed) => this.emit('failed', failed));
    this.socket = new ReconnectingSocket(
      transport.WebSocket,
      {
        url: () =>
          webSocketUrl(transport.baseUrl, '/v1/stream', { session_id: transport.session() }),
        onOpen: () => this.onOpen(),
        onFrame: (frame) => this.onFrame(frame as StreamFrame),
        onDown: () => this.onDown(),
        onEnd: (reason) => this.onEnd(reason),
        diagnose: async () => {
          await client.info();
        },
      },
      transport.backoff,
    );
  }

  get status(): SessionStatus {
    return this.currentStatus;
  }

  /** Resolves when the session is (again) live: connected and caught up. */
  untilLive(): Promise<void> {
    if (this.currentStatus === 'live') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offStatus = this.on('status', (status) => {
        if (status !== 'live') return;
        offStatus();
        offClosed();
        resolve();
      });
      const offClosed = this.on('closed', (reason) => {
        offStatus();
        offClosed();
        reject(reason);
      });
    });
  }

  /** Queues a message (with a fresh client_id); resolves with it once stored. */
  send(roomId: number, text: string): Promise<Message> {
    return this.outbox.enqueue(roomId, text);
  }

  pending(roomId?: number): readonly PendingMessage[] {
    return this.outbox.pending(roomId);
  }

  /** Takes an unsent message out of the queue (false if it is on its way right now). */
  discard(clientId: string): boolean {
    return this.outbox.discard(clientId);
  }

  /** Tells the room's other members the user is typing; at most once per room every 2 s. */
  typing(roomId: number): boolean {
    if (this.phase !== 'live' || !this.typingThrottle.allow(roomId)) return false;
    return this.socket.send({ type: 'typing', room_id: roomId });
  }

  /** Marks the room read up to `messageId` (default: its last message). */
  async markRead(roomId: number, messageId?: number): Promise<RoomState | undefined> {
    const upTo = messageId ?? this.states.get(roomId)?.lastMessage?.id;
    if (upTo === undefined) return this.states.get(roomId);
    const position = await this.client.markRead(roomId, upTo);
    await this.applyRead({ roomId, userId: this.user.id, lastReadId: position.last_read_id });
    return this.states.get(roomId);
  }

  /** Every room known, most recently active first. */
  rooms(): RoomState[] {
    return this.states.all();
  }

  room(roomId: number): RoomState | undefined {
    return this.states.get(roomId);
  }

  /**
   * Reads a room's state from the server, every member's marker included ("seen by"), as a room
   * view opens or when frames alone cannot tell it; undefined (and an `error` event) on failure.
   */
  async refreshRoom(roomId: number): Promise<RoomState | undefined> {
    try {
      const room = await this.client.room(roomId);
      if (!this.order.lastId(roomId)) this.order.seenUpTo(roomId, room.last_message?.id ?? 0);
      const state = this.states.fromServer(room);
      this.emit('room', state);
      return state;
    } catch (error) {
      if (error instanceof ChatError) this.emit('error', error);
      return undefined;
    }
  }

  online(): number[] {
    return this.presence.list();
  }

  isOnline(userId: number): boolean {
    return this.presence.isOnline(userId);
  }

  typingIn(roomId: number): number[] {
    return this.typingIndicators.typingIn(roomId);
  }

  /**
   * While offline, reconnects now instead of at the end of the back-off, and sends the queue
   * now: for a page that hears the browser come back online.
   */
  reconnectNow(): void {
    this.socket.reconnectNow();
    this.outbox.wake();
  }

  /** Closes the stream for good; unsent messages stay in the storage for the next session. */
  close(): void {
    this.socket.stop();
  }

  private onOpen(): void {
    this.connection += 1;
    this.phase = 'waiting';
    this.backlog = [];
    this.setStatus('catching-up');
  }

  private onFrame(frame: StreamFrame): void {
    if (typeof frame !== 'object' || frame === null) return;
    if (this.phase === 'live') this.dispatch(frame);
    else if (frame.type === 'ready' && this.phase === 'waiting') void this.catchUp(frame.online);
    else this.backlog.push(frame);
  }

  private async catchUp(online: readonly number[]): Promise<void> {
    const connection = this.connection;
    this.phase = 'catching-up';
    this.resetPresence(online);
    try {
      await this.readRooms(connection);
    } catch (error) {
      if (connection !== this.connection) return;
      this.emit('error', error instanceof ChatError ? error : new ChatError('network'));
      this.socket.restart();
      return;
    }
    if (connection !== this.connection) return;
    this.phase = 'live';
    this.caughtUpBefore = true;
    const backlog = this.backlog;
    this.backlog = [];
    for (const frame of backlog) this.dispatch(frame);
    this.socket.healthy();
    this.setStatus('live');
    this.outbox.wake();
  }

  /** SPEC's recipe: the rooms list, then each room's messages past the last one handed on. */
  private async readRooms(connection: number): Promise<void> {
    const limit = this.options.roomsPageSize ?? 500;
    for await (const page of this.client.roomPages({ limit })) {
      for (const room of page) {
        if (connection !== this.connection) return;
        await this.catchUpRoom(room);
      }
    }
  }

  private async catchUpRoom(room: Room): Promise<void> {
    const latest = room.last_message?.id ?? 0;
    const handedOn = this.order.lastId(room.id);
    this.states.fromServer(room);
    if (!this.caughtUpBefore) {
      // First connect: history older than the session is not news; it is read by scrolling.
      this.order.seenUpTo(room.id, latest);
    } else if (latest > (handedOn ?? 0)) {
      for await (const message of this.client.history(room.id, { after: handedOn ?? 0 })) {
        this.deliver(message);
      }
    }
    this.emitRoom(room.id);
  }

  private dispatch(frame: StreamFrame): void {
    switch (frame.type) {
      case 'message':
        this.deliver(frame.message);
        break;
      case 'room':
        this.addRoom(frame.room);
        break;
      case 'read':
        void this.applyRead({
          roomId: frame.room_id,
          userId: frame.user_id,
          lastReadId: frame.last_read_id,
        });
        break;
      case 'typing':
        this.typingIndicators.typing(frame.room_id, frame.user_id);
        break;
      case 'presence':
        if (this.presence.set(frame.user_id, frame.online)) {
          this.emit('presence', { userId: frame.user_id, online: frame.online });
        }
        break;
      case 'error':
        this.emit('error', new ChatError(frame.error.code, { message: frame.error.message }));
        break;
    }
  }

  private deliver(message: Message): void {
    if (!this.order.accept(message)) return;
    this.typingIndicators.stop(message.room_id, message.user_id);
    const known = this.states.onMessage(message);
    this.emit('message', message);
    if (known) this.emit('room', known);
    else void this.refreshRoom(message.room_id);
  }

  private addRoom(room: Room): void {
    if (this.states.has(room.id)) return;
    this.states.fromServer(room);
    this.order.seenUpTo(room.id, room.last_message?.id ?? 0);
    this.emitRoom(room.id);
  }

  private async applyRead(read: ReadEvent): Promise<void> {
    this.emit('read', read);
    const state = this.states.onRead(read.roomId, read.userId, read.lastReadId);
    if (state === 'stale') await this.refreshRoom(read.roomId);
    else if (state) this.emit('room', state);
  }

  private resetPresence(online: readonly number[]): void {
    const before = new Set(this.presence.list());
    this.presence.reset(online);
    const after = new Set(online);
    for (const userId of before) {
      if (!after.has(userId)) this.emit('presence', { userId, online: false });
    }
    for (const userId of after) {
      if (!before.has(userId)) this.emit('presence', { userId, online: true });
    }
  }

  private emitRoom(roomId: number): void {
    const state = this.states.get(roomId);
    if (state) this.emit('room', state);
  }

  private onDown(): void {
    this.connection += 1;
    this.phase = 'waiting';
    this.typingIndicators.clear();
    this.setStatus('offline');
  }

  private onEnd(reason: ChatError): void {
    this.connection += 1;
    this.outbox.stop();
    this.typingIndicators.clear();
    this.setStatus('closed');
    this.emit('closed', reason);
  }

  private setStatus(status: SessionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit('status', status);
  }
}
