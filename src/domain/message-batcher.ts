// Groups the messages posted during one event-loop turn into one store transaction.
import type { NewMessage, Store, StoredMessage } from '../store/store.js';

interface Pending {
  readonly message: NewMessage;
  readonly origin: number | undefined;
  readonly resolve: (stored: StoredMessage) => void;
  readonly reject: (error: unknown) => void;
}

/** Told of each newly stored message, in id order, before any sender hears back. */
export type StoredListener = (message: StoredMessage, origin: number | undefined) => void;

/** Told when the listener threw: the message is stored all the same, and the writes go on. */
export type ListenerErrorReporter = (error: unknown) => void;

export class MessageBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Batches are written one after another, so ids and publication keep the same order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly onStored: StoredListener,
    private readonly onListenerError: ListenerErrorReporter,
    private readonly maxBatch = 1000,
  ) {}

  /** `origin` is passed through to the listener: it is the id of the sending connection. */
  append(message: NewMessage, origin?: number): Promise<StoredMessage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, origin, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when everything appended so far is stored (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) this.flush();
    await this.writing;
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.writing = this.writing.then(() => this.write(batch));
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    let stored: StoredMessage[];
    try {
      stored = await this.store.appendMessages(batch.map((pending) => pending.message));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const message = stored[index] as StoredMessage;
      if (!message.duplicate) this.tellStored(message, pending.origin);
      pending.resolve(message);
    });
  }

  /** One message's listener failing must not leave its batch unresolved nor stop later ones. */
  private tellStored(message: StoredMessage, origin: number | undefined): void {
    try {
      this.onStored(message, origin);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
