// The shared token buckets port: buckets every node takes from (Redis), so that a limit per user
// holds across nodes.
import type { BucketShape } from '../token-bucket.js';

export interface SharedBuckets {
  /**
   * Takes `taken` tokens from each key's shared bucket of `shape`, all in one exchange; resolves
   * with each bucket's level afterwards (below zero when the nodes together took too many).
   */
  take(
    name: string,
    shape: BucketShape,
    taken: ReadonlyMap<string, number>,
  ): Promise<Map<string, number>>;
}
