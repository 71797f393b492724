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
