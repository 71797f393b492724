// Incoming typing signals: who is typing where, each for 6 s after their last signal or until a
// message of theirs arrives in that room.

export const TYPING_SHOWN_MS = 6000;

export type TypingListener = (roomId: number, userIds: number[]) => void;

export class TypingIndicators {
  /** room id → user id → the timer that ends their indicator. */
  private readonly rooms = new Map<number, Map<number, ReturnType<typeof setTimeout>>>();

  constructor(
    private readonly onChange: TypingListener,
    private readonly shownMs = TYPING_SHOWN_MS,
  ) {}

  typingIn(roomId: number): number[] {
    return [...(this.rooms.get(roomId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  typing(roomId: number, userId: number): void {
    let users = this.rooms.get(roomId);
    if (!users) {
      users = new Map();
      this.rooms.set(roomId, users);
    }
    const known = users.has(userId);
    clearTimeout(users.get(userId));
    users.set(
      userId,
      setTimeout(() => this.stop(roomId, userId), this.shownMs),
    );
    if (!known) this.onChange(roomId, this.typingIn(roomId));
  }

  /** A message of the user: they are done typing it. */
  stop(roomId: number, userId: number): void {
    const users = this.rooms.get(roomId);
    if (!users?.has(userId)) return;
    clearTimeout(users.get(userId));
    users.delete(userId);
    if (users.size === 0) this.rooms.delete(roomId);
    this.onChange(roomId, this.typingIn(roomId));
  }

  clear(): void {
    for (const [roomId, users] of this.rooms) {
      for (const userId of [...users.keys()]) this.stop(roomId, userId);
    }
  }
}
