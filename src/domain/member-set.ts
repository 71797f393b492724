// A room is identified by its exact set of members: this key makes that set unique.
import { createHash } from 'node:crypto';

/** The canonical member list: distinct ids, ascending. */
export function canonicalMembers(ids: Iterable<number>): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** A fixed-size key of a member set, equal for equal sets whatever their order or repeats. */
export function memberSetKey(ids: Iterable<number>): string {
  return createHash('sha256').update(canonicalMembers(ids).join(',')).digest('base64url');
}
