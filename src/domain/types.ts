// The domain's public shapes, as clients see them.

export interface User {
  readonly id: number;
  readonly login: string;
}

export interface Room {
  readonly id: number;
  /** Ordered by id. */
  readonly users: User[];
}

/** A message as the API shows it: the field names are part of the contract. */
export interface MessageJson {
  readonly id: number;
  readonly text: string;
  readonly user_id: number;
  readonly room_id: number;
  readonly created_at: string;
}

/** Unix seconds, the one clock the domain reads. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);

/** A room as one member sees it in the API. */
export interface RoomJson extends Room {
  readonly last_message: MessageJson | null;
  /** The viewer's read marker: id of the last message they have read, 0 for none. */
  readonly last_read_id: number;
  /** Messages of others after the viewer's marker, exact up to the cap. */
  readonly unread: number;
}

/** A room with every member's read marker ("seen by"), by user id. */
export interface RoomInfoJson extends RoomJson {
  readonly read: { readonly user_id: number; readonly last_read_id: number }[];
}
