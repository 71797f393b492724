// Presence: a user is online while any WebSocket of theirs is open on any node, and goes offline
// only after a grace period without one. Changes are told once to the users sharing a room.

/** A change whose contacts could not be read (database down) is tried again this much later. */
const ANNOUNCE_RETRY_MS = 1000;

/** What the other nodes know: this node reports its present users, and hears theirs. */
export interface PresenceDirectory {
  /**
   * `changed(userId)` is called for every user already present elsewhere, then whenever a user
   * appears on or vanishes from every other node.
   */
  listen(changed: (userId: number) => void): void;
  /** The user is present on this node (a socket open, or within the grace period). */
  arrived(userId: number): void;
  departed(userId: number): void;
  /** Whether another node has the user present. */
  presentElsewhere(userId: number): boolean;
  close(): Promise<void>;
}

/** Who shares at least one room with a user: distinct ids, never the user, in one query. */
export interface ContactsPort {
  contactsOf(userId: number): Promise<number[]>;
}

export interface PresenceChange {
  readonly userId: number;
  readonly online: boolean;
}

/** The streams of this node: they hear the changes of their users' contacts. */
export interface PresenceAudience {
  /** Whether any stream is open on this node: without one, nobody here needs the contacts. */
  readonly listening: boolean;
  /** Sends the change to every stream on this node of these users. */
  tell(recipients: readonly number[], change: PresenceChange): void;
}

/** What the realtime layer reports and asks; `presenceOff` answers when presence is disabled. */
export interface PresencePort {
  /** The streams of this node, told of changes from now on. */
  announceTo(audience: PresenceAudience): void;
  /** A WebSocket of the user opened on this node. */
  connected(userId: number): void;
  /** A WebSocket of the user closed on this node. */
  disconnected(userId: number): void;
  /** The users sharing a room with the user, read once as a stream opens (none when off). */
  contactsOf(userId: number): Promise<number[]>;
  /**
   * Those of `userIds` online as the streams were last told: a `ready` list made with it at the
   * moment it is sent agrees with every `presence` frame that follows.
   */
  onlineAmong(userIds: readonly number[]): number[];
  close(): Promise<void>;
}

export interface PresenceLog {
  warn(details: object, message: string): void;
}

export interface PresenceOptions {
  readonly directory: PresenceDirectory;
  readonly contacts: ContactsPort;
  readonly graceMs: number;
  readonly log: PresenceLog;
}

/** Until the streams are attached, no one listens. */
const nobody: PresenceAudience = { listening: false, tell() {} };

/** PRESENCE=false: nothing is counted, stored or sent. */
export const presenceOff: PresencePort = {
  announceTo() {},
  connected() {},
  disconnected() {},
  contactsOf: async () => [],
  onlineAmong: () => [],
  close: async () => {},
};

export class Presence implements PresencePort {
  /** Open sockets per user on this node. */
  private readonly sockets = new Map<number, number>();
  /** Users whose last socket here closed, until their grace period ends. */
  private readonly leaving = new Map<number, NodeJS.Timeout>();
  /** Who the audience was last told is online. */
  private readonly announced = new Set<number>();
  /** Users whose contacts are being read: a change meanwhile is told once the read is done. */
  private readonly announcing = new Set<number>();
  private audience: PresenceAudience = nobody;

  constructor(private readonly options: PresenceOptions) {
    options.directory.listen((userId) => this.settle(userId));
  }

  announceTo(audience: PresenceAudience): void {
    this.audience = audience;
  }

  connected(userId: number): void {
    const open = this.sockets.get(userId) ?? 0;
    this.sockets.set(userId, open + 1);
    if (open > 0) return;
    const grace = this.leaving.get(userId);
    if (grace) {
      // Back within the grace period: for everyone else, the user never left.
      clearTimeout(grace);
      this.leaving.delete(userId);
      return;
    }
    this.options.directory.arrived(userId);
    this.settle(userId);
  }

  disconnected(userId: number): void {
    const open = this.sockets.get(userId);
    if (open === undefined) return;
    if (open > 1) {
      this.sockets.set(userId, open - 1);
      return;
    }
    this.sockets.delete(userId);
    const grace = setTimeout(() => this.left(userId), this.options.graceMs);
    grace.unref();
    this.leaving.set(userId, grace);
  }

  isOnline(userId: number): boolean {
    return (
      this.sockets.has(userId) ||
      this.leaving.has(userId) ||
      this.options.directory.presentElsewhere(userId)
    );
  }

  contactsOf(userId: number): Promise<number[]> {
    return this.options.contacts.contactsOf(userId);
  }

  onlineAmong(userIds: readonly number[]): number[] {
    return userIds.filter((userId) => this.announced.has(userId));
  }

  async close(): Promise<void> {
    for (const grace of this.leaving.values()) clearTimeout(grace);
    this.leaving.clear();
    await this.options.directory.close();
  }

  private left(userId: number): void {
    this.leaving.delete(userId);
    this.options.directory.departed(userId);
    this.settle(userId);
  }

  /** Tells the audience when the user's state differs from what it was last told. */
  private settle(userId: number): void {
    if (this.announcing.has(userId)) return;
    const online = this.isOnline(userId);
    if (online === this.announced.has(userId)) return;
    if (!this.audience.listening) {
      this.record(userId, online);
      return;
    }
    this.announcing.add(userId);
    this.options.contacts.contactsOf(userId).then(
      (contacts) => {
        this.announcing.delete(userId);
        // The state when the contacts are known: flips during the read are told as one.
        const now = this.isOnline(userId);
        if (now === this.announced.has(userId)) return;
        this.record(userId, now);
        this.audience.tell(contacts, { userId, online: now });
      },
      (error: unknown) => {
        this.announcing.delete(userId);
        this.options.log.warn({ err: error, userId }, 'presence change not announced yet');
        setTimeout(() => this.settle(userId), ANNOUNCE_RETRY_MS).unref();
      },
    );
  }

  private record(userId: number, online: boolean): void {
    if (online) this.announced.add(userId);
    else this.announced.delete(userId);
  }
}
