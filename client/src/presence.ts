// Who is online among the users sharing a room with the caller: `ready.online`, then changes.

export class Presence {
  private readonly online = new Set<number>();

  /** The full list a `ready` frame carries, after every (re)connect. */
  reset(userIds: readonly number[]): void {
    this.online.clear();
    for (const id of userIds) this.online.add(id);
  }

  /** True when this changes what was known. */
  set(userId: number, online: boolean): boolean {
    if (this.online.has(userId) === online) return false;
    if (online) this.online.add(userId);
    else this.online.delete(userId);
    return true;
  }

  isOnline(userId: number): boolean {
    return this.online.has(userId);
  }

  list(): number[] {
    return [...this.online].sort((a, b) => a - b);
  }
}
