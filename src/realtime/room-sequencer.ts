// Puts one room's events back into id order, whichever node they come from, and fills gaps from the store.
import type { RoomEvent } from '../domain/bus.js';

export interface SequencerDeps {
  /** Stored events of the room after `afterId`, oldest first (one page). */
  fetchAfter(afterId: number): Promise<RoomEvent[]>;
  /** Called once per event, in id order. */
  deliver(event: RoomEvent): void;
  /** How long an event waits for the one before it before the store is asked. */
  readonly gapWaitMs: number;
}

export class RoomSequencer {
  /** Early events, by the id of the message they wait for. */
  private readonly waiting = new Map<number, RoomEvent>();
  private gapTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private lastId: number,
    private readonly deps: SequencerDeps,
  ) {}

  /** Id of the last event delivered: every later one of the room will be delivered, in order. */
  get deliveredUpTo(): number {
    return this.lastId;
  }

  push(event: RoomEvent): void {
    if (event.id <= this.lastId) return;
    if (event.previousId <= this.lastId) {
      this.emit(event);
      this.releaseWaiting();
    } else {
      this.waiting.set(event.previousId, event);
      this.gapTimer ??= setTimeout(() => void this.fillGap(), this.deps.gapWaitMs);
    }
  }

  /**
   * The bus may have lost events (it was down): delivers what the store has after the last, page
   * after page while the store has events the bus did not bring.
   */
  async catchUp(): Promise<void> {
    while (!this.closed && (await this.fillGap()) > 0) {}
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.gapTimer);
    this.waiting.clear();
  }

  private emit(event: RoomEvent): void {
    this.lastId = event.id;
    this.deps.deliver(event);
  }

  private releaseWaiting(): void {
    for (let next = this.waiting.get(this.lastId); next; next = this.waiting.get(this.lastId)) {
      this.waiting.delete(next.previousId);
      this.emit(next);
    }
    if (this.waiting.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  /**
   * The message a waiting event needs never came over the bus: read it from the store. Returns
   * how many stored events it delivered that the bus had not brought meanwhile.
   */
  private async fillGap(): Promise<number> {
    if (this.closed) return 0;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    let fromStore = 0;
    try {
      const page = await this.deps.fetchAfter(this.lastId);
      if (this.closed) return 0;
      // Read after the store answered: an event that came meanwhile carries its acknowledgement.
      const waitingById = new Map([...this.waiting.values()].map((event) => [event.id, event]));
      for (const stored of page) {
        if (stored.id <= this.lastId) continue;
        // A waiting event carries the sender's acknowledgement: prefer it to the stored copy.
        this.emit(waitingById.get(stored.id) ?? stored);
        fromStore++;
      }
    } catch {
      // The store is unreachable: retry on the next timer; receivers can catch up with after=.
    }
    for (const [previousId, event] of this.waiting) {
      if (event.id <= this.lastId) this.waiting.delete(previousId);
    }
    this.releaseWaiting();
    if (this.waiting.size > 0) {
      this.gapTimer ??= setTimeout(() => void this.fillGap(), this.deps.gapWaitMs);
    }
    return fromStore;
  }
}
