// The tables of our schema that a copy moves, in foreign-key order. A table a migration adds is
// one more entry here.

export type ColumnType = 'integer' | 'text';

export interface Table {
  readonly name: string;
  /** Every column, in the order rows are read and written. */
  readonly columns: readonly { readonly name: string; readonly type: ColumnType }[];
  /** The primary key's columns: rows are read in this order, page by page. */
  readonly key: readonly string[];
  /** True when `id` is generated: its sequence must move past the copied ids. */
  readonly generatedId: boolean;
}

export type Row = readonly (number | string | null)[];

/** The key columns' values of a row: where the next page starts. */
export function keyOf(table: Table, row: Row): Row {
  return table.key.map(
    (name) => row[table.columns.findIndex((column) => column.name === name)] ?? null,
  );
}

function table(
  name: string,
  columns: Record<string, ColumnType>,
  key: readonly string[],
  generatedId = false,
): Table {
  const list = Object.entries(columns).map(([column, type]) => ({ name: column, type }));
  return { name, columns: list, key, generatedId };
}

export const USERS = table(
  'users',
  { id: 'integer', login: 'text', login_key: 'text', password_hash: 'text', created_at: 'integer' },
  ['id'],
  true,
);

export const SESSIONS = table(
  'sessions',
  { token_hash: 'text', user_id: 'integer', created_at: 'integer', last_seen_at: 'integer' },
  ['token_hash'],
);

export const ROOMS = table(
  'rooms',
  {
    id: 'integer',
    member_set_key: 'text',
    created_at: 'integer',
    last_activity_at: 'integer',
    last_message_id: 'integer',
    message_count: 'integer',
    created_by: 'integer',
  },
  ['id'],
  true,
);

export const ROOM_MEMBERS = table(
  'room_members',
  { room_id: 'integer', user_id: 'integer', last_read_id: 'integer' },
  ['room_id', 'user_id'],
);

export const MESSAGES = table(
  'messages',
  {
    id: 'integer',
    room_id: 'integer',
    user_id: 'integer',
    text: 'text',
    client_id: 'text',
    previous_id: 'integer',
    created_at: 'integer',
    room_seq: 'integer',
  },
  ['id'],
  true,
);

export const TABLES: readonly Table[] = [USERS, SESSIONS, ROOMS, ROOM_MEMBERS, MESSAGES];
