// Rooms → open connections on this node: joins, leaves, ordered fan-out, and closing by session.
import type { Bus, RoomEvent } from '../bus/bus.js';
import { toRoomEvent } from '../domain/messages.js';
import type { MessageStore } from '../domain/ports/messages.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';
import { RoomSequencer } from './room-sequencer.js';

const GAP_FILL_PAGE = 200;
/** How long a client gets to answer a closing handshake before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

interface RoomChannel {
  readonly connections: Set<Connection>;
  /** Set once the bus subscription is live and the room's last id is known. */
  sequencer: RoomSequencer | undefined;
  /** Events that arrived while the sequencer was being set up. */
  readonly early: RoomEvent[];
  /** Resolves with the id of the room's last message when the subscription went live. */
  readonly ready: Promise<number>;
}

export interface HubDeps {
  readonly bus: Bus;
  readonly store: MessageStore;
  readonly metrics: Metrics;
  readonly gapWaitMs: number;
}

export class Hub {
  private readonly rooms = new Map<number, RoomChannel>();
  private readonly sessions = new Map<string, Set<Connection>>();
  /** Per room, the last subscribe or unsubscribe, so they reach the bus in order. */
  private readonly subscriptions = new Map<number, Promise<unknown>>();

  constructor(private readonly deps: HubDeps) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  /** Counted by session, while the open-sockets gauge counts by room: a leak shows in one of them. */
  get connectionCount(): number {
    let count = 0;
    for (const siblings of this.sessions.values()) count += siblings.size;
    return count;
  }

  /**
   * Adds the connection to its room's fan-out. Resolves with the id of the last message it will
   * NOT be sent: every later message of the room reaches it, in id order.
   */
  join(connection: Connection): Promise<number> {
    const channel = this.rooms.get(connection.roomId) ?? this.openChannel(connection.roomId);
    channel.connections.add(connection);
    const siblings = this.sessions.get(connection.session.key) ?? new Set();
    siblings.add(connection);
    this.sessions.set(connection.session.key, siblings);
    this.deps.metrics.openSockets.inc();
    return channel.sequencer ? Promise.resolve(channel.sequencer.deliveredUpTo) : channel.ready;
  }

  /** The connection's socket is gone. */
  leave(connection: Connection): void {
    const channel = this.rooms.get(connection.roomId);
    if (!channel?.connections.delete(connection)) return;
    this.deps.metrics.openSockets.dec();
    const siblings = this.sessions.get(connection.session.key);
    siblings?.delete(connection);
    if (siblings?.size === 0) this.sessions.delete(connection.session.key);
    if (channel.connections.size === 0) this.closeChannel(connection.roomId, channel);
  }

  onRoomEvent(event: RoomEvent): void {
    const channel = this.rooms.get(event.roomId);
    if (!channel) return;
    if (!channel.sequencer) channel.early.push(event);
    else if (event.origin !== undefined && event.id <= channel.sequencer.deliveredUpTo) {
      // A gap fill read this node's own message from the store before its publish came through:
      // the receivers have it, but its sender still waits for the acknowledgement.
      this.acknowledgeLate(channel, event);
    } else channel.sequencer.push(event);
  }

  private acknowledgeLate(channel: RoomChannel, event: RoomEvent): void {
    for (const connection of channel.connections) {
      if (connection.id === event.origin) connection.acknowledge(event);
    }
  }

  closeSession(sessionKey: string, code: number): void {
    for (const connection of this.sessions.get(sessionKey) ?? []) connection.close(code);
  }

  /** Closes every connection with `code`; resolves once their sockets are gone. */
  async closeAll(code: number, graceMs = CLOSE_GRACE_MS): Promise<void> {
    const connections = [...this.sessions.values()].flatMap((siblings) => [...siblings]);
    await Promise.all(connections.map((connection) => connection.shutDown(code, graceMs)));
  }

  /** Pings every connection; one that did not answer the previous ping is dropped. */
  heartbeat(): void {
    for (const channel of this.rooms.values()) {
      for (const connection of channel.connections) connection.heartbeat();
    }
  }

  private openChannel(roomId: number): RoomChannel {
    const channel: RoomChannel = {
      connections: new Set(),
      sequencer: undefined,
      early: [],
      ready: this.inOrder(roomId, async () => {
        await this.deps.bus.subscribe(roomId);
        const lastId = await this.deps.store.lastMessageId(roomId);
        if (this.rooms.get(roomId) === channel) this.startSequencer(roomId, channel, lastId);
        return lastId;
      }),
    };
    this.rooms.set(roomId, channel);
    return channel;
  }

  private startSequencer(roomId: number, channel: RoomChannel, lastId: number): void {
    const sequencer = new RoomSequencer(lastId, {
      fetchAfter: (afterId) => this.fetchAfter(roomId, afterId),
      deliver: (event) => this.fanOut(channel, event),
      gapWaitMs: this.deps.gapWaitMs,
    });
    channel.sequencer = sequencer;
    for (const event of channel.early.splice(0)) sequencer.push(event);
  }

  private closeChannel(roomId: number, channel: RoomChannel): void {
    this.rooms.delete(roomId);
    channel.sequencer?.close();
    void channel.ready
      .catch(() => undefined)
      .then(() => this.inOrder(roomId, () => this.deps.bus.unsubscribe(roomId)))
      .catch(() => undefined);
  }

  /** Runs subscription changes of one room one after another; forgets the room when idle. */
  private inOrder<T>(roomId: number, step: () => Promise<T>): Promise<T> {
    const previous = this.subscriptions.get(roomId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(step);
    this.subscriptions.set(roomId, next);
    const forget = () => {
      if (this.subscriptions.get(roomId) === next) this.subscriptions.delete(roomId);
    };
    next.then(forget, forget);
    return next;
  }

  private async fetchAfter(roomId: number, afterId: number): Promise<RoomEvent[]> {
    const messages = await this.deps.store.history(roomId, {
      after: afterId,
      limit: GAP_FILL_PAGE,
    });
    return messages.map((message) => toRoomEvent(message));
  }

  /** Serialised once by the storing node; the same bytes go to every receiving socket. */
  private fanOut(channel: RoomChannel, event: RoomEvent): void {
    const payload = Buffer.from(event.wire);
    let delivered = 0;
    for (const connection of channel.connections) {
      if (connection.id === event.origin) connection.acknowledge(event);
      else if (connection.deliver(event, payload)) delivered++;
    }
    this.deps.metrics.deliveries.inc(delivered);
    this.deps.metrics.deliveryLatency.observe((Date.now() - event.storedAt) / 1000);
  }
}
