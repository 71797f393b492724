// The server's JSON, as SPEC.md defines it: users, messages, rooms, read markers and stream frames.

export interface User {
  readonly id: number;
  readonly login: string;
}

export interface Message {
  readonly id: number;
  readonly text: string;
  readonly user_id: number;
  readonly room_id: number;
  /** UTC, second precision: `2015-08-05T22:18:45Z`. */
  readonly created_at: string;
  /** Only on the author's own acknowledgements and stream frames. */
  readonly client_id?: string;
}

export interface Room {
  readonly id: number;
  readonly users: readonly User[];
  /** The room's latest message, or null. Absent on servers without conversation state. */
  readonly last_message?: Message | null;
  /** The caller's read marker (0 when nothing is read). */
  readonly last_read_id?: number;
  /** Messages of other users above the caller's marker, exact up to 1000 ("1000 or more"). */
  readonly unread?: number;
}

export interface ReadMarker {
  readonly user_id: number;
  readonly last_read_id: number;
}

/** `GET /v1/rooms/:id`: the room and every member's marker. */
export interface RoomDetails extends Room {
  readonly read?: readonly ReadMarker[];
}

export interface ReadPosition {
  readonly room_id: number;
  readonly last_read_id: number;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message?: string };
}

/** Every frame the server sends on `/v1/stream`. */
export type StreamFrame =
  | { readonly type: 'ready'; readonly online: readonly number[] }
  | { readonly type: 'message'; readonly message: Message }
  | { readonly type: 'room'; readonly room: Room }
  | {
      readonly type: 'read';
      readonly room_id: number;
      readonly user_id: number;
      readonly last_read_id: number;
    }
  | { readonly type: 'typing'; readonly room_id: number; readonly user_id: number }
  | { readonly type: 'presence'; readonly user_id: number; readonly online: boolean }
  | ({ readonly type: 'error'; readonly client_id?: string } & ErrorBody);
