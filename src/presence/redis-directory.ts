// The presence directory over Redis. Each node keeps its present users in a set of its own, with a
// version and a TTL it refreshes; it publishes each change with its version on one channel. Every
// node keeps a copy of the others' sets, fixed by re-reading a node whose version it missed, and
// drops a node whose keys expired (killed) or that left (shutdown: its keys expire after the grace).
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { atMost } from '../bus/redis-bus.js';
import type { PresenceDirectory } from '../domain/presence.js';

/** Own keys refreshed and other nodes checked this often: under 5 s, so an expiry is told within 5 s. */
const HEARTBEAT_MS = 4000;
/** A node not heard of this long is dead: a node killed with SIGKILL is dropped within ~24 s. */
const NODE_TTL_MS = 20_000;
/** After Redis comes back, nodes get this long to write their sets again before any is dropped. */
const REJOIN_MS = 2 * HEARTBEAT_MS;
const COMMAND_TIMEOUT_MS = 1000;
const RECONNECT_CAP_MS = 1000;
const START_WAIT_MS = 2000;

export interface DirectoryLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface RedisDirectoryOptions {
  readonly url: string;
  /** The cluster's REDIS_CHANNEL_PREFIX: keys and channel of one cluster stay apart from others. */
  readonly prefix: string;
  /** On shutdown this node's users stay listed this long, so reconnecting elsewhere does not flicker. */
  readonly graceMs: number;
  readonly log: DirectoryLog;
}

/** Another node's present users, as of its `version`. */
interface NodeView {
  version: number;
  readonly users: Set<number>;
}

export async function openRedisDirectory(
  options: RedisDirectoryOptions,
): Promise<PresenceDirectory> {
  const directory = new RedisDirectory(options);
  await directory.start();
  return directory;
}

class RedisDirectory implements PresenceDirectory {
  private readonly node = randomBytes(8).toString('hex');
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly nodesKey: string;
  /** This node's present users, as told by the domain. */
  private readonly here = new Set<number>();
  private version = 0;
  /** This node's set in Redis may be behind `here` (Redis was down): written whole at the next beat. */
  private behind = true;
  private readonly others = new Map<string, NodeView>();
  /** Per user, how many other nodes list them. */
  private readonly elsewhere = new Map<number, number>();
  /** Nodes being read again. */
  private readonly rereading = new Set<string>();
  /** Before this time (after Redis came back) no node is dropped for missing keys. */
  private rejoinUntil = 0;
  private changed: (userId: number) => void = () => {};
  private readonly heartbeat: NodeJS.Timeout;
  private down = false;
  /** The connections that were ready once: a later 'ready' is a reconnect. */
  private readonly wereReady = new Set<Redis>();
  private closing = false;

  constructor(private readonly options: RedisDirectoryOptions) {
    this.channel = `${options.prefix}presence`;
    this.nodesKey = `${options.prefix}presence:nodes`;
    const common: RedisOptions = {
      retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_CAP_MS),
      connectionName: `e-chat-server:presence:${this.node}`,
    };
    this.commands = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    this.subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', () => this.reportDown());
      client.on('close', () => this.reportDown());
      client.on('ready', () => this.rejoin(client));
    }
    this.subscriber.on('message', (_channel: string, payload: string) => this.receive(payload));
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async start(): Promise<void> {
    await atMost(START_WAIT_MS, this.subscriber.subscribe(this.channel));
    await atMost(START_WAIT_MS, this.beat());
  }

  listen(changed: (userId: number) => void): void {
    this.changed = changed;
    // The users found while starting, before anyone listened.
    for (const userId of this.elsewhere.keys()) changed(userId);
  }

  arrived(userId: number): void {
    this.here.add(userId);
    this.write('+', userId);
  }

  departed(userId: number): void {
    this.here.delete(userId);
    this.write('-', userId);
  }

  presentElsewhere(userId: number): boolean {
    return this.elsewhere.has(userId);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    if (this.commands.status === 'ready') {
      const linger = Math.max(this.options.graceMs, 1);
      await this.commands
        .multi()
        .pexpire(this.usersKey(this.node), linger)
        .pexpire(this.nodeKey(this.node), linger)
        .exec()
        .catch(() => undefined);
    }
    const clients = [this.commands, this.subscriber];
    await Promise.all(clients.map((client) => atMost(COMMAND_TIMEOUT_MS, client.quit())));
    for (const client of clients) client.disconnect();
  }

  private nodeKey(node: string): string {
    return `${this.options.prefix}presence:node:${node}`;
  }

  private usersKey(node: string): string {
    return `${this.options.prefix}presence:users:${node}`;
  }

  private connected(): boolean {
    return this.commands.status === 'ready' && !this.closing;
  }

  /** One change of this node's set, with its version, atomically stored and published. */
  private write(op: '+' | '-', userId: number): void {
    if (this.behind || !this.connected()) {
      this.behind = true;
      return;
    }
    this.version += 1;
    const users = this.usersKey(this.node);
    const change = this.commands.multi();
    if (op === '+') change.sadd(users, userId);
    else change.srem(users, userId);
    change
      .pexpire(users, NODE_TTL_MS)
      .set(this.nodeKey(this.node), this.version, 'PX', NODE_TTL_MS)
      .publish(this.channel, `${this.node} ${this.version} ${op}${userId}`);
    this.run(change);
  }

  /** Runs a transaction; when it fails, this node's set is written whole at the next beat. */
  private run(transaction: ReturnType<Redis['multi']>): Promise<void> {
    return transaction.exec().then(
      (replies) => {
        if (!replies || replies.some(([error]) => error)) this.behind = true;
      },
      () => {
        this.behind = true;
      },
    );
  }

  private async beat(): Promise<void> {
    if (!this.connected()) return;
    await (this.behind ? this.rewrite() : this.refresh());
    await this.survey().catch(() => undefined);
  }

  /** Writes this node's whole set again, under a new version every node re-reads. */
  private rewrite(): Promise<void> {
    // Cleared before sending: a change made meanwhile queues after this transaction, in order.
    this.behind = false;
    this.version += 1;
    const users = this.usersKey(this.node);
    const transaction = this.commands.multi().del(users);
    if (this.here.size > 0) transaction.sadd(users, ...this.here).pexpire(users, NODE_TTL_MS);
    transaction
      .set(this.nodeKey(this.node), this.version, 'PX', NODE_TTL_MS)
      .sadd(this.nodesKey, this.node)
      .pexpire(this.nodesKey, NODE_TTL_MS)
      .publish(this.channel, `${this.node} ${this.version} *`);
    return this.run(transaction);
  }

  private refresh(): Promise<void> {
    return this.run(
      this.commands
        .multi()
        .set(this.nodeKey(this.node), this.version, 'PX', NODE_TTL_MS)
        .pexpire(this.usersKey(this.node), NODE_TTL_MS)
        .sadd(this.nodesKey, this.node)
        .pexpire(this.nodesKey, NODE_TTL_MS),
    );
  }

  /** Compares every other node's version with the copy here; O(nodes), not O(users). */
  private async survey(): Promise<void> {
    const nodes = (await this.commands.smembers(this.nodesKey)).filter(
      (node) => node !== this.node,
    );
    const versions =
      nodes.length > 0 ? await this.commands.mget(nodes.map((node) => this.nodeKey(node))) : [];
    const listed = new Set<string>();
    nodes.forEach((node, index) => {
      const version = versions[index];
      if (version === null || version === undefined) this.expired(node);
      else {
        listed.add(node);
        if (Number(version) !== this.others.get(node)?.version) void this.reread(node);
      }
    });
    for (const node of this.others.keys()) if (!listed.has(node)) this.expired(node);
  }

  private expired(node: string): void {
    if (Date.now() < this.rejoinUntil) return;
    this.replace(node, undefined);
    this.commands.srem(this.nodesKey, node).catch(() => undefined);
  }

  private async reread(node: string): Promise<void> {
    if (this.rereading.has(node) || !this.connected()) return;
    this.rereading.add(node);
    try {
      const replies = await this.commands
        .multi()
        .get(this.nodeKey(node))
        .smembers(this.usersKey(node))
        .exec();
      const [[, version], [, members]] = replies as [[unknown, string | null], [unknown, string[]]];
      if (version === null) this.expired(node);
      else if (Number(version) > (this.others.get(node)?.version ?? -1)) {
        this.replace(node, { version: Number(version), users: new Set(members.map(Number)) });
      }
    } catch {
      // The next beat compares versions again.
    } finally {
      this.rereading.delete(node);
    }
  }

  /** One change from another node: applied when it is the next version, else that node is re-read. */
  private receive(payload: string): void {
    const [node, rawVersion, change] = payload.split(' ');
    if (!node || node === this.node || !rawVersion || !change) return;
    const version = Number(rawVersion);
    const view = this.others.get(node);
    if (!view || change === '*' || version !== view.version + 1) {
      if (version > (view?.version ?? -1)) void this.reread(node);
      return;
    }
    const userId = Number(change.slice(1));
    if (!Number.isSafeInteger(userId)) return;
    view.version = version;
    if (change.startsWith('+') && !view.users.has(userId)) {
      view.users.add(userId);
      this.count(userId, +1);
    } else if (change.startsWith('-') && view.users.delete(userId)) {
      this.count(userId, -1);
    }
  }

  /** Replaces (or, with undefined, forgets) the copy of a node's set, telling who came and went. */
  private replace(node: string, next: NodeView | undefined): void {
    const previous = this.others.get(node)?.users ?? new Set<number>();
    if (next) this.others.set(node, next);
    else this.others.delete(node);
    const now = next?.users ?? new Set<number>();
    for (const userId of previous) if (!now.has(userId)) this.count(userId, -1);
    for (const userId of now) if (!previous.has(userId)) this.count(userId, +1);
  }

  private count(userId: number, delta: 1 | -1): void {
    const nodes = (this.elsewhere.get(userId) ?? 0) + delta;
    if (nodes > 0) this.elsewhere.set(userId, nodes);
    else this.elsewhere.delete(userId);
    if (nodes === 0 || (nodes === 1 && delta > 0)) this.changed(userId);
  }

  private reportDown(): void {
    if (this.down || this.closing) return;
    this.down = true;
    this.options.log.warn(
      {},
      'presence: redis unreachable, only this node is counted until it is back',
    );
  }

  /** Redis is (back) up: write this node's set again and compare with the others soon. */
  private rejoin(client: Redis): void {
    if (this.closing) return;
    if (this.down) this.options.log.info({}, 'presence: redis reachable again');
    this.down = false;
    this.behind = true;
    if (this.wereReady.has(client)) this.rejoinUntil = Date.now() + REJOIN_MS;
    this.wereReady.add(client);
    void this.beat();
  }
}
