// The users port: accounts as the store keeps them.
import type { User } from '../types.js';

export interface Credentials {
  readonly user: User;
  readonly passwordHash: string;
}

export interface UserStore {
  /** Creates the user, or returns undefined when the folded login is taken. */
  createUser(
    login: string,
    loginKey: string,
    passwordHash: string,
    now: number,
  ): Promise<User | undefined>;
  findCredentials(loginKey: string): Promise<Credentials | undefined>;
  /** Sets the user's password hash if it is still `previousHash`. */
  replacePasswordHash(userId: number, previousHash: string, passwordHash: string): Promise<void>;
  /**
   * Users whose login key, with ё read as е (see `searchKey`), contains `queryKey`: exact match,
   * then prefix, then the rest.
   */
  searchUsers(queryKey: string, limit: number): Promise<User[]>;
  /** The ids among `ids` that belong to a user. */
  existingUserIds(ids: readonly number[]): Promise<number[]>;
}
