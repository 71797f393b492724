// The send queue: messages not yet stored, in order, kept in a storage so that a reconnect, a room
// switch or a reload loses none; each one retried with the same client_id until the server stores
// it (the server then stores it once) or refuses it for good.
import { Backoff, type BackoffOptions } from './backoff.js';
import { newClientId } from './client-id.js';
import { Emitter } from './emitter.js';
import { ChatError } from './errors.js';
import { hasFields, type KeyValueStorage, readStoredList } from './storage.js';
import type { Message } from './types.js';

/** How many settled client ids are remembered (see `settled`). */
export const SETTLED_KEPT = 1000;

export interface PendingMessage {
  readonly clientId: string;
  readonly roomId: number;
  readonly text: string;
  /** When it was queued, ISO 8601: shown next to a message still pending. */
  readonly queuedAt: string;
}

/** Stores one message on the server (an HTTP send), resolving with the stored message. */
export type Deliver = (pending: PendingMessage) => Promise<Message>;

export interface OutboxEvents {
  /** Stored by the server: `message` is what every member receives. */
  sent: { readonly pending: PendingMessage; readonly message: Message };
  /** Refused for good (too long, room gone…): taken out of the queue. */
  failed: { readonly pending: PendingMessage; readonly error: ChatError };
  /** The queue changed: what is still pending, oldest first. */
  changed: readonly PendingMessage[];
}

export interface OutboxOptions {
  readonly storage: KeyValueStorage;
  readonly storageKey: string;
  readonly deliver: Deliver;
  readonly backoff?: BackoffOptions;
}

interface Waiter {
  resolve(message: Message): void;
  reject(error: ChatError): void;
}

export class Outbox extends Emitter<OutboxEvents> {
  private items: PendingMessage[];
  private readonly waiters = new Map<string, Waiter>();
  /**
   * Stored, refused or discarded here: gone from the storage even if another page wrote it.
   * Only the latest SETTLED_KEPT, the oldest forgotten first: a copy written back long after it
   * settled is one another page still holds in its own queue (read as it started) and sends
   * itself with the same client_id, which the server stores once; keeping it does no harm.
   */
  private readonly settled = new Set<string>();
  private readonly backoff: Backoff;
  private inFlight: string | undefined;
  private running = false;
  private draining = false;
  private endPause: (() => void) | undefined;

  constructor(private readonly options: OutboxOptions) {
    super();
    // What a previous page left in the storage; anything unreadable there is dropped.
    this.items = readStoredList(options.storage, options.storageKey, isPending);
    this.backoff = new Backoff(options.backoff);
  }

  /** Queues a message; resolves with the stored message, rejects if the server refuses it. */
  enqueue(roomId: number, text: string, clientId = newClientId()): Promise<Message> {
    const pending = { clientId, roomId, text, queuedAt: new Date().toISOString() };
    const sent = new Promise<Message>((resolve, reject) => {
      this.waiters.set(clientId, { resolve, reject });
    });
    this.items.push(pending);
    this.changed();
    this.drain();
    return sent;
  }

  /** What is not stored yet, oldest first; only one room's when `roomId` is given. */
  pending(roomId?: number): readonly PendingMessage[] {
    return roomId === undefined ? [...this.items] : this.items.filter((p) => p.roomId === roomId);
  }

  /** Takes a message out of the queue, unless it is being sent right now. */
  discard(clientId: string): boolean {
    if (clientId === this.inFlight) return false;
    const before = this.items.length;
    this.items = this.items.filter((pending) => pending.clientId !== clientId);
    if (this.items.length === before) return false;
    this.remember(clientId);
    this.waiters.get(clientId)?.reject(new ChatError('invalid_message', { message: 'discarded' }));
    this.waiters.delete(clientId);
    this.changed();
    return true;
  }

  /** Starts (or resumes) sending what is queued. */
  start(): void {
    this.running = true;
    this.drain();
  }

  /** Stops after the send in flight; the queue stays as it is. */
  stop(): void {
    this.running = false;
    this.endPause?.();
  }

  /** Retries now instead of at the end of the current wait (the connection is back). */
  wake(): void {
    this.backoff.reset();
    this.endPause?.();
  }

  private async drain(): Promise<void> {
    if (this.draining || !this.running) return;
    this.draining = true;
    try {
      for (let head = this.items[0]; head && this.running; head = this.items[0]) {
        await this.sendOne(head);
      }
    } finally {
      this.draining = false;
    }
  }

  private async sendOne(pending: PendingMessage): Promise<void> {
    this.inFlight = pending.clientId;
    try {
      const message = await this.options.deliver(pending);
      this.backoff.reset();
      this.settle(pending)?.resolve(message);
      this.emit('sent', { pending, message });
    } catch (error) {
      const failure =
        error instanceof ChatError ? error : new ChatError('network', { cause: error });
      if (failure.code === 'unauthorized') this.running = false;
      else if (failure.retryable) await this.pause(failure);
      else {
        this.settle(pending)?.reject(failure);
        this.emit('failed', { pending, error: failure });
      }
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Takes a message out of the queue; returns whoever waits for it on this page. */
  private settle(pending: PendingMessage): Waiter | undefined {
    this.remember(pending.clientId);
    const waiter = this.waiters.get(pending.clientId);
    this.items = this.items.filter((item) => item !== pending);
    this.waiters.delete(pending.clientId);
    this.changed();
    return waiter;
  }

  private remember(clientId: string): void {
    this.settled.add(clientId);
    const [oldest] = this.settled;
    if (this.settled.size > SETTLED_KEPT && oldest !== undefined) this.settled.delete(oldest);
  }

  /** Waits the server's Retry-After, else the back-off, or until woken. */
  private pause(failure: ChatError): Promise<void> {
    const delay = Math.max(
      failure.retryAfter === undefined ? 0 : failure.retryAfter * 1000,
      this.backoff.next(),
    );
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endPause = undefined;
        resolve();
      };
      const timer = setTimeout(end, delay);
      this.endPause = end;
    });
  }

  /**
   * Writes the queue back, keeping what another page of the same storage (a second tab) queued
   * meanwhile: a reload of either then finds both. Messages this queue settled are not kept.
   */
  private changed(): void {
    const { storage, storageKey } = this.options;
    const own = new Set(this.items.map((pending) => pending.clientId));
    const others = readStoredList(storage, storageKey, isPending).filter(
      (pending) => !own.has(pending.clientId) && !this.settled.has(pending.clientId),
    );
    storage.setItem(storageKey, JSON.stringify([...others, ...this.items]));
    this.emit('changed', this.pending());
  }
}

const isPending = hasFields<PendingMessage>({
  clientId: 'string',
  roomId: 'number',
  text: 'string',
  queuedAt: 'string',
});
