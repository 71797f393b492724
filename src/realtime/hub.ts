// This node's sockets by room, session and user: joins and leaves by room id, ordered fan-out,
// room signals, new rooms for the user's streams, and closing by session.
import type { RoomEvent } from '../domain/bus.js';
import type { ReadMoved, RoomCreated } from '../domain/conversation-events.js';
import type { ConversationListener, RoomFeed } from '../domain/message-flow.js';
import type { PresenceAudience, PresenceChange, PresencePort } from '../domain/presence.js';
import type { TypingSignal } from '../domain/typing.js';
import type { Metrics } from '../metrics.js';
import { CLOSE_CODES } from './close-codes.js';
import { Delivery } from './delivery.js';
import type { Follower, HubMember } from './hub-member.js';
import { KeyedQueue } from './keyed-queue.js';
import { RoomSequencer } from './room-sequencer.js';
import { presenceFrame, readFrame, typingFrame } from './stream-frames.js';

const GAP_FILL_PAGE = 200;
/** How long a client gets to answer a closing handshake before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

interface RoomChannel {
  readonly members: Set<HubMember>;
  /** Set once the bus subscription is live and the room's last id is known. */
  sequencer: RoomSequencer | undefined;
  /** Events that arrived while the sequencer was being set up. */
  readonly early: RoomEvent[];
  /** Resolves with the id of the room's last message when the subscription went live. */
  readonly ready: Promise<number>;
}

/** What the hub reports of its members' comings and goings. */
export type PresenceReporter = Pick<PresencePort, 'connected' | 'disconnected'>;

export interface HubDeps {
  readonly feed: RoomFeed;
  /** Told of every member added and removed; none when presence is off. */
  readonly presence?: PresenceReporter;
  readonly metrics: Pick<Metrics, 'openSockets' | 'deliveries' | 'deliveryLatency'>;
  readonly gapWaitMs: number;
}

export class Hub implements ConversationListener, PresenceAudience {
  private readonly channels = new Map<number, RoomChannel>();
  /** Every member of this node, with the ids of the rooms it joined. */
  private readonly members = new Map<HubMember, Set<number>>();
  private readonly sessions = new Map<string, Set<HubMember>>();
  /** By user id: the members told of rooms created with that user. */
  private readonly followers = new Map<number, Set<Follower>>();
  /** Per room and per user, subscriptions reach the bus in the order they were asked for. */
  private readonly roomSubscriptions = new KeyedQueue<number>();
  private readonly userSubscriptions = new KeyedQueue<number>();
  /** How many times the bus came back after an outage: a channel set up across one catches up. */
  private resumes = 0;

  constructor(private readonly deps: HubDeps) {}

  get roomCount(): number {
    return this.channels.size;
  }

  /** Counted by session, while the open-sockets gauge counts members: a leak shows in one of them. */
  get connectionCount(): number {
    let count = 0;
    for (const siblings of this.sessions.values()) count += siblings.size;
    return count;
  }

  /** A new member: closed with its session, pinged, closed on shutdown. */
  add(member: HubMember): void {
    if (this.members.has(member)) return;
    this.members.set(member, new Set());
    const siblings = this.sessions.get(member.session.key) ?? new Set();
    siblings.add(member);
    this.sessions.set(member.session.key, siblings);
    this.deps.metrics.openSockets.inc();
    this.deps.presence?.connected(member.session.user.id);
  }

  /** The member's socket is gone: it leaves every room it joined. */
  remove(member: HubMember): void {
    const rooms = this.members.get(member);
    if (!rooms) return;
    this.members.delete(member);
    for (const roomId of rooms) this.leaveChannel(member, roomId);
    const siblings = this.sessions.get(member.session.key);
    siblings?.delete(member);
    if (siblings?.size === 0) this.sessions.delete(member.session.key);
    this.deps.metrics.openSockets.dec();
    this.deps.presence?.disconnected(member.session.user.id);
  }

  /**
   * Adds the member to the room's fan-out. Resolves with the id of the last message it will NOT
   * be sent: every later message of the room reaches it, in id order. A member already removed
   * joins nothing.
   */
  join(member: HubMember, roomId: number): Promise<number> {
    const rooms = this.members.get(member);
    if (!rooms) return Promise.resolve(0);
    const channel = this.channels.get(roomId) ?? this.openChannel(roomId);
    channel.members.add(member);
    rooms.add(roomId);
    return channel.sequencer ? Promise.resolve(channel.sequencer.deliveredUpTo) : channel.ready;
  }

  isJoined(member: HubMember, roomId: number): boolean {
    return this.members.get(member)?.has(roomId) ?? false;
  }

  /**
   * Tells the follower of the rooms created with its user from now on, whichever node creates
   * them; resolves once that holds.
   */
  follow(follower: Follower): Promise<void> {
    const userId = follower.session.user.id;
    const followers = this.followers.get(userId);
    if (followers) {
      followers.add(follower);
      // Resolves after the subscription already under way, if any.
      return this.userSubscriptions.run(userId, async () => {});
    }
    this.followers.set(userId, new Set([follower]));
    return this.userSubscriptions.run(userId, () => this.deps.feed.subscribeUser(userId));
  }

  unfollow(follower: Follower): void {
    const userId = follower.session.user.id;
    const followers = this.followers.get(userId);
    if (!followers?.delete(follower) || followers.size > 0) return;
    this.followers.delete(userId);
    this.userSubscriptions
      .run(userId, () => this.deps.feed.unsubscribeUser(userId))
      .catch(() => undefined);
  }

  message(event: RoomEvent): void {
    const channel = this.channels.get(event.roomId);
    if (!channel) return;
    if (!channel.sequencer) channel.early.push(event);
    else if (event.origin !== undefined && event.id <= channel.sequencer.deliveredUpTo) {
      // A gap fill read this node's own message from the store before its publish came through:
      // the receivers have it, but its sender still waits for the acknowledgement.
      this.acknowledgeLate(channel, event);
    } else channel.sequencer.push(event);
  }

  /** What other nodes stored or created while the bus was down is read from the store. */
  busResumed(): void {
    this.resumes += 1;
    for (const channel of this.channels.values()) void channel.sequencer?.catchUp();
    void this.announceMissedRooms();
  }

  readMoved(event: ReadMoved): void {
    this.signal(event.roomId, readFrame(event));
  }

  /** Sends `frame` to the streams in the room, but not to those of `exceptUserId`. */
  signal(roomId: number, frame: string, exceptUserId?: number): void {
    const channel = this.channels.get(roomId);
    if (!channel) return;
    const payload = Buffer.from(frame);
    for (const member of channel.members) {
      if (member.session.user.id !== exceptUserId) member.signal(payload);
    }
  }

  /** To the room's streams, but not to the typist's own. */
  typing(signal: TypingSignal): void {
    this.signal(signal.roomId, typingFrame(signal), signal.userId);
  }

  /** Streams follow their user: presence changes are told only where one is open. */
  get listening(): boolean {
    return this.followers.size > 0;
  }

  tell(recipients: readonly number[], change: PresenceChange): void {
    const payload = Buffer.from(presenceFrame(change));
    for (const userId of recipients) {
      for (const follower of this.followers.get(userId) ?? []) follower.signal(payload);
    }
  }

  roomCreated(event: RoomCreated): void {
    for (const userId of event.memberIds) {
      for (const follower of this.followers.get(userId) ?? []) {
        follower.roomCreated(event);
      }
    }
  }

  /** The sessions of this node's members. */
  sessionKeys(): IterableIterator<string> {
    return this.sessions.keys();
  }

  sessionEnded(sessionKey: string): void {
    for (const member of this.sessions.get(sessionKey) ?? []) member.close(CLOSE_CODES.loggedOut);
  }

  /** Closes every member with `code`; resolves once their sockets are gone. */
  async closeAll(code: number, graceMs = CLOSE_GRACE_MS): Promise<void> {
    const members = [...this.members.keys()];
    await Promise.all(members.map((member) => member.shutDown(code, graceMs)));
  }

  heartbeat(): void {
    for (const member of this.members.keys()) member.heartbeat();
  }

  /**
   * Rooms created with followed users while the bus was down: their streams are told now. A room
   * of the user that a stream has not joined can only be a new one (members never leave);
   * `roomCreated` ignores one the stream has joined meanwhile.
   */
  private async announceMissedRooms(): Promise<void> {
    for (const [userId, followers] of [...this.followers]) {
      try {
        for (const roomId of await this.deps.feed.roomIdsOf(userId)) {
          if ([...followers].every((follower) => this.isJoined(follower, roomId))) continue;
          const event = await this.deps.feed.roomCreatedFor(roomId, userId);
          if (event) for (const follower of followers) follower.roomCreated(event);
        }
      } catch {
        // The store is unreachable too: these streams learn of the rooms when they reconnect.
      }
    }
  }

  private acknowledgeLate(channel: RoomChannel, event: RoomEvent): void {
    for (const member of channel.members) {
      if (member.id === event.origin) member.acknowledge(event);
    }
  }

  private leaveChannel(member: HubMember, roomId: number): void {
    const channel = this.channels.get(roomId);
    if (!channel?.members.delete(member)) return;
    if (channel.members.size === 0) this.closeChannel(roomId, channel);
  }

  private openChannel(roomId: number): RoomChannel {
    const channel: RoomChannel = {
      members: new Set(),
      sequencer: undefined,
      early: [],
      ready: this.roomSubscriptions.run(roomId, async () => {
        const resumesBefore = this.resumes;
        await this.deps.feed.subscribeRoom(roomId);
        const lastId = await this.deps.feed.lastMessageId(roomId);
        if (this.channels.get(roomId) !== channel) return lastId;
        const sequencer = this.startSequencer(roomId, channel, lastId);
        // The last id may have been read while the bus was down: what came after it is read too.
        if (this.resumes !== resumesBefore) void sequencer.catchUp();
        return lastId;
      }),
    };
    this.channels.set(roomId, channel);
    return channel;
  }

  private startSequencer(roomId: number, channel: RoomChannel, lastId: number): RoomSequencer {
    const sequencer = new RoomSequencer(lastId, {
      fetchAfter: (afterId) => this.deps.feed.messagesAfter(roomId, afterId, GAP_FILL_PAGE),
      deliver: (event) => this.fanOut(channel, event),
      gapWaitMs: this.deps.gapWaitMs,
    });
    channel.sequencer = sequencer;
    for (const event of channel.early.splice(0)) sequencer.push(event);
    return sequencer;
  }

  private closeChannel(roomId: number, channel: RoomChannel): void {
    this.channels.delete(roomId);
    channel.sequencer?.close();
    void channel.ready
      .catch(() => undefined)
      .then(() => this.roomSubscriptions.run(roomId, () => this.deps.feed.unsubscribeRoom(roomId)))
      .catch(() => undefined);
  }

  /** Serialised once by the storing node; each frame shape is encoded once for every socket. */
  private fanOut(channel: RoomChannel, event: RoomEvent): void {
    const delivery = new Delivery(event);
    let delivered = 0;
    for (const member of channel.members) {
      if (member.id === event.origin) member.acknowledge(event);
      else if (member.deliver(delivery)) delivered++;
    }
    this.deps.metrics.deliveries.inc(delivered);
    this.deps.metrics.deliveryLatency.observe((Date.now() - event.storedAt) / 1000);
  }
}
