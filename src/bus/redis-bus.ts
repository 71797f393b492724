// The Bus over Redis pub/sub: events reach this node at once and the other nodes through the
// room's channel (messages, read markers) or the members' channels (new rooms).
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Bus, BusListener, RoomEvent } from '../domain/bus.js';
import type { ReadMoved, RoomCreated } from '../domain/conversation-events.js';
import type { TypingSignal } from '../domain/typing.js';
import {
  decodeRoomChannel,
  decodeRoomCreated,
  decodeSessionEnded,
  encodeReadMoved,
  encodeRoomCreated,
  encodeRoomEvent,
  encodeSessionEnded,
  encodeTyping,
} from './redis-envelope.js';

/** Reconnect quickly (100 ms, 200 ms, … at most 1 s apart) so nodes resume soon after Redis does. */
const RECONNECT_CAP_MS = 1000;
/** A command without an answer by then means Redis is unreachable: /readyz must not hang. */
const COMMAND_TIMEOUT_MS = 1000;
/** How long a WebSocket join waits for Redis to confirm the room's subscription. */
const SUBSCRIBE_WAIT_MS = 2000;
/** How long start-up waits for Redis before serving local sockets anyway. */
const START_WAIT_MS = 2000;
/** A broken connection is reported at most this often. */
const WARN_EVERY_MS = 10_000;
/** The most rooms whose last unpublished message is kept to be published again. */
const UNSENT_ROOMS_MAX = 10_000;

export interface BusLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface RedisBusOptions {
  readonly url: string;
  /** Prefix of every channel, so clusters (or test runs) sharing one Redis stay apart. */
  readonly channelPrefix: string;
  readonly log: BusLog;
}

type Role = 'publisher' | 'subscriber';

export async function openRedisBus(options: RedisBusOptions): Promise<Bus> {
  const bus = new RedisBus(options);
  await bus.start();
  return bus;
}

/** Settles when `promise` does or after `ms`, whichever comes first; never rejects. */
export async function atMost(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.catch(() => undefined), elapsed]);
  clearTimeout(timer);
}

class RedisBus implements Bus {
  /** Random per process: tells this node's envelopes from the others'. */
  private readonly node = randomBytes(8).toString('hex');
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly sessionChannel: string;
  private readonly userChannelPrefix: string;
  private listener: BusListener | undefined;
  private closing = false;
  /** Per connection: when it was last reported broken, and the errors not reported since. */
  private readonly trouble = new Map<Role, { reportedAt: number; unreported: number }>();
  /**
   * By room channel, the last message that could not be published: published once the publisher
   * is back, so that the other nodes see what they missed before it and read it from the store.
   */
  private readonly unsent = new Map<string, string>();

  constructor(private readonly options: RedisBusOptions) {
    const common: RedisOptions = {
      retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_CAP_MS),
      connectionName: `e-chat-server:${this.node}`,
    };
    // No offline queue: while Redis is down a publish fails at once instead of piling up in memory;
    // each room's last message is published again once Redis is back, and the receivers'
    // sequencers fill the gap before it from the store.
    this.publisher = this.connect('publisher', {
      ...common,
      enableOfflineQueue: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    // (Un)subscriptions made while Redis is down wait for it; ioredis resubscribes on reconnect.
    this.subscriber = this.connect('subscriber', { ...common, maxRetriesPerRequest: null });
    this.subscriber.on('message', (channel: string, payload: string) =>
      this.receive(channel, payload),
    );
    this.sessionChannel = `${options.channelPrefix}session-ended`;
    this.userChannelPrefix = `${options.channelPrefix}user:`;
  }

  async start(): Promise<void> {
    await atMost(
      START_WAIT_MS,
      Promise.all([this.ready(this.publisher), this.ready(this.subscriber)]),
    );
    await this.settle(this.subscriber.subscribe(this.sessionChannel));
  }

  listen(listener: BusListener): void {
    this.listener = listener;
  }

  publish(event: RoomEvent): void {
    this.listener?.onRoomEvent(event);
    const channel = this.roomChannel(event.roomId);
    const payload = encodeRoomEvent(this.node, event);
    this.send(channel, payload, () => this.keepUnsent(channel, payload));
  }

  publishReadMoved(event: ReadMoved): void {
    this.listener?.onReadMoved(event);
    this.send(this.roomChannel(event.roomId), encodeReadMoved(this.node, event));
  }

  publishTyping(signal: TypingSignal): void {
    this.listener?.onTyping(signal);
    this.send(this.roomChannel(signal.roomId), encodeTyping(this.node, signal));
  }

  publishRoomCreated(event: RoomCreated): void {
    this.listener?.onRoomCreated(event);
    const payload = encodeRoomCreated(this.node, event.roomId, event.wire);
    for (const userId of event.memberIds) this.send(this.userChannel(userId), payload);
  }

  subscribe(roomId: number): Promise<void> {
    return this.settle(this.subscriber.subscribe(this.roomChannel(roomId)));
  }

  unsubscribe(roomId: number): Promise<void> {
    return this.settle(this.subscriber.unsubscribe(this.roomChannel(roomId)));
  }

  subscribeUser(userId: number): Promise<void> {
    return this.settle(this.subscriber.subscribe(this.userChannel(userId)));
  }

  unsubscribeUser(userId: number): Promise<void> {
    return this.settle(this.subscriber.unsubscribe(this.userChannel(userId)));
  }

  publishSessionEnded(sessionKey: string): void {
    this.listener?.onSessionEnded(sessionKey);
    this.send(this.sessionChannel, encodeSessionEnded(this.node, sessionKey));
  }

  async ping(): Promise<void> {
    if (this.subscriber.status !== 'ready') throw new Error('redis is not connected');
    // Fails at once when disconnected (no offline queue), or after the command timeout.
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.listener = undefined;
    // QUIT after the last publishes, so messages stored during shutdown still reach the other nodes;
    // a Redis that is down gets no say in how long shutdown takes.
    const clients = [this.publisher, this.subscriber];
    await Promise.all(clients.map((client) => atMost(COMMAND_TIMEOUT_MS, client.quit())));
    for (const client of clients) client.disconnect();
  }

  private roomChannel(roomId: number): string {
    return `${this.options.channelPrefix}room:${roomId}`;
  }

  private userChannel(userId: number): string {
    return `${this.userChannelPrefix}${userId}`;
  }

  private connect(role: Role, options: RedisOptions): Redis {
    const client = new Redis(this.options.url, options);
    client.on('error', (error: Error) => this.reportTrouble(role, error.message));
    client.on('close', () => this.reportTrouble(role, 'connection closed'));
    client.on('ready', () => this.recovered(role));
    return client;
  }

  private ready(client: Redis): Promise<void> {
    if (client.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => client.once('ready', () => resolve()));
  }

  private send(channel: string, payload: string, failed?: () => void): void {
    if (this.publisher.status !== 'ready') {
      this.reportTrouble('publisher', 'not connected: an event was delivered on this node only');
      failed?.();
      return;
    }
    this.publisher.publish(channel, payload).catch((error: Error) => {
      this.reportTrouble('publisher', error.message);
      failed?.();
    });
  }

  private keepUnsent(channel: string, payload: string): void {
    this.unsent.delete(channel);
    this.unsent.set(channel, payload);
    const [oldest] = this.unsent.keys();
    if (this.unsent.size > UNSENT_ROOMS_MAX && oldest !== undefined) this.unsent.delete(oldest);
  }

  private publishUnsent(): void {
    const unsent = [...this.unsent];
    this.unsent.clear();
    for (const [channel, payload] of unsent) {
      this.send(channel, payload, () => this.keepUnsent(channel, payload));
    }
  }

  /**
   * Waits for Redis to confirm a (un)subscription while it is connected, but never holds a
   * WebSocket join for long: a command queued while Redis is down is sent once it is back.
   */
  private async settle(command: Promise<unknown>): Promise<void> {
    const confirmed = command.catch((error: Error) =>
      this.reportTrouble('subscriber', error.message),
    );
    if (this.subscriber.status === 'ready') await atMost(SUBSCRIBE_WAIT_MS, confirmed);
  }

  private receive(channel: string, payload: string): void {
    if (channel === this.sessionChannel) {
      const ended = decodeSessionEnded(payload);
      if (ended && ended.node !== this.node) this.listener?.onSessionEnded(ended.body);
    } else if (channel.startsWith(this.userChannelPrefix)) {
      this.receiveRoomCreated(Number(channel.slice(this.userChannelPrefix.length)), payload);
    } else {
      this.receiveRoomEvent(payload);
    }
  }

  private receiveRoomEvent(payload: string): void {
    const envelope = decodeRoomChannel(payload);
    if (!envelope || envelope.node === this.node) return;
    const { body } = envelope;
    if (body.kind === 'message') this.listener?.onRoomEvent(body.event);
    else if (body.kind === 'typing') this.listener?.onTyping(body.event);
    else this.listener?.onReadMoved(body.event);
  }

  private receiveRoomCreated(userId: number, payload: string): void {
    const envelope = decodeRoomCreated(payload);
    if (!envelope || envelope.node === this.node) return;
    this.listener?.onRoomCreated({ ...envelope.body, memberIds: [userId] });
  }

  private reportTrouble(role: Role, problem: string): void {
    if (this.closing) return;
    const now = Date.now();
    const trouble = this.trouble.get(role);
    if (trouble && now - trouble.reportedAt < WARN_EVERY_MS) {
      trouble.unreported += 1;
      return;
    }
    this.options.log.warn(
      { connection: role, problem, unreported: trouble?.unreported ?? 0 },
      'redis connection trouble: local sockets are still served',
    );
    this.trouble.set(role, { reportedAt: now, unreported: 0 });
  }

  private recovered(role: Role): void {
    if (!this.trouble.delete(role) || this.closing) return;
    this.options.log.info({ connection: role }, 'redis connection restored');
    if (role === 'publisher') {
      this.publishUnsent();
      return;
    }
    // ioredis resubscribes just after 'ready': a PING answered after that says the subscriptions
    // are live again, so nothing published from then on is missed by what the listener reads.
    void Promise.resolve()
      .then(() => this.subscriber.ping())
      .then(
        () => this.listener?.onResumed(),
        () => undefined,
      );
  }
}
