// import-legacy: an e_chat_server database into our store, ids kept. Every rule the original
// did not enforce gets a deterministic resolution, noted as it happens and counted in the report.
import { legacyPasswordHash } from '../domain/legacy-password.js';
import { loginKey } from '../domain/login.js';
import { memberSetKey } from '../domain/member-set.js';
import { sessionKey } from '../domain/session-token.js';
import type { Interruption } from './interruption.js';
import { acceptableLogin, renamedLogins } from './legacy-logins.js';
import {
  type LegacyMembership,
  type LegacyMessage,
  type LegacyRoom,
  type LegacySession,
  LegacySource,
  type LegacyTable,
  type LegacyUser,
  type UnimportableMessage,
} from './legacy-source.js';
import type { Progress } from './progress.js';
import { openTargetStore, type StoreDatabase } from './store-database.js';
import {
  MESSAGES,
  ROOM_MEMBERS,
  ROOMS,
  type Row,
  SESSIONS,
  TABLES,
  type Table,
  USERS,
} from './tables.js';

/** Memberships naming a missing room are listed up to this many (they are counted all). */
const LISTED_ORPHAN_MEMBERSHIPS = 1000;

export interface ImportOptions {
  readonly from: string;
  /** Our store to import into (the configured DATABASE_URL). */
  readonly to: string;
  readonly timezone: string;
  readonly sessions: boolean;
  readonly progress: Progress;
  readonly interruption: Interruption;
  /** Unix seconds: imported sessions count as seen now, so they do not expire at once. */
  readonly now: number;
  /** Rows per page read and per transaction written. */
  readonly batchSize: number;
}

export interface TableReport {
  read: number;
  imported: number;
  alreadyPresent: number;
  unimportable: number;
}

export interface ImportReport {
  readonly tables: Record<string, TableReport>;
  renamedLogins: number;
  unusablePasswords: number;
  roomsSharingMembers: number;
  duplicateMemberships: number;
}

const emptyTable = (): TableReport => ({
  read: 0,
  imported: 0,
  alreadyPresent: 0,
  unimportable: 0,
});

export async function importLegacy(options: ImportOptions): Promise<ImportReport> {
  const source = await LegacySource.open(options.from, options.timezone);
  try {
    const target = await openTargetStore(options.to);
    try {
      return await new LegacyImport(source, target, options).run();
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

class LegacyImport {
  private readonly report: ImportReport = {
    tables: {},
    renamedLogins: 0,
    unusablePasswords: 0,
    roomsSharingMembers: 0,
    duplicateMemberships: 0,
  };

  constructor(
    private readonly source: LegacySource,
    private readonly target: StoreDatabase,
    private readonly options: ImportOptions,
  ) {}

  async run(): Promise<ImportReport> {
    await this.eachPage<LegacyUser>('users', USERS, (page, table) => this.importUsers(page, table));
    await this.eachPage<LegacyRoom>('rooms', ROOMS, (page, table) => this.importRooms(page, table));
    await this.reportOrphanMemberships();
    this.report.duplicateMemberships = await this.source.duplicateMemberships();
    await this.eachPage<LegacyMessage>('messages', MESSAGES, (page, table) =>
      this.importMessages(page, table),
    );
    await this.reportUnimportableMessages();
    await this.target.refreshRoomActivity();
    if (this.options.sessions) {
      // Sessions are known by the hash of their uuid: a repeated one is skipped on insert.
      await this.eachPage<LegacySession>('sessions', undefined, (page, table) =>
        this.importSessions(page, table),
      );
    }
    await this.target.moveSequences(TABLES);
    return this.report;
  }

  private note(line: string): void {
    this.options.progress.note(line);
  }

  /**
   * Streams one legacy table, page by page, with progress. Rows whose id `idTable` holds
   * already are counted as present and not passed on: a re-run imports only what is new.
   */
  private async eachPage<T extends { id: number }>(
    name: LegacyTable,
    idTable: Table | undefined,
    importPage: (rows: T[], report: TableReport) => Promise<void>,
  ): Promise<void> {
    const table = emptyTable();
    this.report.tables[name] = table;
    // Memberships come with their rooms.
    if (name === 'rooms') this.report.tables.memberships = emptyTable();
    const { rows, withoutId } = await this.source.count(name);
    if (withoutId > 0) {
      table.unimportable += withoutId;
      this.note(`${withoutId} ${name} rows have no id: not imported`);
    }
    const { progress, interruption } = this.options;
    progress.start(name, rows);
    for await (const page of this.source.pages<T>(name, this.options.batchSize)) {
      const present = idTable
        ? await this.target.existing(
            idTable,
            'id',
            page.map((row) => row.id),
          )
        : new Set();
      const fresh = page.filter((row) => !present.has(row.id));
      table.read += page.length;
      table.alreadyPresent += page.length - fresh.length;
      if (fresh.length > 0) await importPage(fresh, table);
      progress.advance(page.length);
      interruption.check();
    }
    progress.finish();
  }

  private async importUsers(users: LegacyUser[], table: TableReport): Promise<void> {
    const logins = users.map((user) => acceptableLogin(user.login, user.id));
    const taken = await this.target.existing(USERS, 'login_key', logins.map(loginKey));
    const rows: Row[] = [];
    for (const [index, user] of users.entries()) {
      const login = await this.freeLogin(logins[index] as string, user, taken);
      taken.add(loginKey(login));
      const password = legacyPasswordHash(user.password);
      if (!password.usable) {
        this.report.unusablePasswords += 1;
        this.note(`user ${user.id}: the password is not an MD5 digest; this user cannot log in`);
      }
      rows.push([user.id, login, loginKey(login), password.hash, user.created_at]);
    }
    table.imported += await this.target.insertRows(USERS, rows);
  }

  /** The login itself, or (its key taken by an older user) the first free renamed one. */
  private async freeLogin(login: string, user: LegacyUser, taken: Set<unknown>): Promise<string> {
    let chosen = login;
    if (taken.has(loginKey(login))) {
      for (const candidate of renamedLogins(login, user.id)) {
        const key = loginKey(candidate);
        if (!taken.has(key) && (await this.target.existing(USERS, 'login_key', [key])).size === 0) {
          chosen = candidate;
          break;
        }
      }
    }
    if (chosen !== user.login) {
      this.report.renamedLogins += 1;
      this.note(
        `user ${user.id}: login ${JSON.stringify(user.login)} imported as ${JSON.stringify(chosen)}`,
      );
    }
    return chosen;
  }

  private async importRooms(rooms: LegacyRoom[], table: TableReport): Promise<void> {
    const members = await this.membersByRoom(rooms);
    const keys = rooms.map((room) => memberSetKey(members.get(room.id) ?? []));
    const taken = await this.target.existing(ROOMS, 'member_set_key', keys);
    const roomRows: Row[] = [];
    const memberRows: Row[] = [];
    for (const [index, room] of rooms.entries()) {
      let key = keys[index] as string;
      if (taken.has(key)) {
        // Clients know this room by its id, so it stays; the older room keeps the member set.
        key = `${key}:${room.id}`;
        this.report.roomsSharingMembers += 1;
        this.note(`room ${room.id}: an older room has the same members; both kept`);
      }
      taken.add(key);
      // No messages yet and no creator: the original did not record one, nor limit creations.
      roomRows.push([room.id, key, room.created_at, room.created_at, 0, 0, null]);
      for (const userId of members.get(room.id) ?? []) memberRows.push([room.id, userId, 0]);
    }
    await this.target.transaction(async () => {
      table.imported += await this.target.insertRows(ROOMS, roomRows);
      (this.report.tables.memberships as TableReport).imported += await this.target.insertRows(
        ROOM_MEMBERS,
        memberRows,
      );
    });
  }

  /** Each room's distinct members that exist; memberships of missing users are reported. */
  private async membersByRoom(rooms: LegacyRoom[]): Promise<Map<number, number[]>> {
    const memberships = await this.source.membersOf(rooms.map((room) => room.id));
    (this.report.tables.memberships as TableReport).read += memberships.length;
    const users = await this.target.existing(USERS, 'id', [
      ...new Set(memberships.map((membership) => membership.user_id)),
    ]);
    const byRoom = new Map<number, number[]>();
    for (const membership of memberships) {
      if (!users.has(membership.user_id)) {
        this.unimportableMembership(membership, `user ${membership.user_id} does not exist`);
        continue;
      }
      const list = byRoom.get(membership.room_id) ?? [];
      list.push(membership.user_id);
      byRoom.set(membership.room_id, list);
    }
    return byRoom;
  }

  private unimportableMembership(membership: LegacyMembership, reason: string): void {
    (this.report.tables.memberships as TableReport).unimportable += 1;
    this.note(`membership of user ${membership.user_id} in room ${membership.room_id}: ${reason}`);
  }

  private async reportOrphanMemberships(): Promise<void> {
    const orphans = await this.source.membershipsWithoutRoom(LISTED_ORPHAN_MEMBERSHIPS + 1);
    for (const membership of orphans.slice(0, LISTED_ORPHAN_MEMBERSHIPS)) {
      this.unimportableMembership(membership, `room ${membership.room_id} does not exist`);
    }
    if (orphans.length > LISTED_ORPHAN_MEMBERSHIPS) {
      this.note(
        `more memberships name rooms that do not exist; the first ${LISTED_ORPHAN_MEMBERSHIPS} are listed`,
      );
    }
  }

  private async importMessages(messages: LegacyMessage[], table: TableReport): Promise<void> {
    const rows = messages.map(
      (message): Row => [
        message.id,
        message.room_id,
        message.user_id,
        message.text ?? '',
        null,
        message.previous_id,
        message.created_at,
        message.room_seq,
      ],
    );
    table.imported += await this.target.insertRows(MESSAGES, rows);
  }

  /** Messages whose author or room does not exist, each listed with its id and the reason. */
  private async reportUnimportableMessages(): Promise<void> {
    const table = this.report.tables.messages as TableReport;
    const pages = this.source.pages<UnimportableMessage>(
      'unimportableMessages',
      this.options.batchSize,
    );
    for await (const page of pages) {
      for (const message of page) {
        const reason = message.room_exists
          ? `user ${message.user_id} does not exist`
          : `room ${message.room_id} does not exist`;
        table.read += 1;
        table.unimportable += 1;
        this.note(`message ${message.id}: ${reason}; not imported`);
      }
    }
  }

  private async importSessions(sessions: LegacySession[], table: TableReport): Promise<void> {
    const users = await this.target.existing(USERS, 'id', [
      ...new Set(sessions.flatMap((session) => session.user_id ?? [])),
    ]);
    const rows: Row[] = [];
    for (const session of sessions) {
      if (session.uuid === null || !users.has(session.user_id)) {
        table.unimportable += 1;
        const reason = session.uuid === null ? 'no uuid' : `user ${session.user_id} does not exist`;
        this.note(`session ${session.id}: ${reason}; not imported`);
        continue;
      }
      rows.push([sessionKey(session.uuid), session.user_id, session.created_at, this.options.now]);
    }
    const inserted = await this.target.insertRows(SESSIONS, rows);
    table.imported += inserted;
    table.alreadyPresent += rows.length - inserted;
  }
}
