// Runs the steps given for one key one after another (subscribe, then unsubscribe, …), so they
// reach the bus in the order they were asked for; a key with nothing queued is forgotten.
export class KeyedQueue<Key> {
  private readonly tails = new Map<Key, Promise<unknown>>();

  run<T>(key: Key, step: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(step);
    this.tails.set(key, next);
    const forget = () => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    };
    next.then(forget, forget);
    return next;
  }
}
