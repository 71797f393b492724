// Looking users up by a piece of their login.
import type { Store } from '../store/store.js';
import { loginKey } from './login.js';
import type { User } from './types.js';

export const USER_SEARCH_DEFAULT_LIMIT = 50;
export const USER_SEARCH_MAX_LIMIT = 200;

export class Users {
  constructor(private readonly store: Store) {}

  /** Case-insensitive substring search; an empty query finds nobody, never everybody. */
  search(query: string | undefined, limit = USER_SEARCH_DEFAULT_LIMIT): Promise<User[]> {
    const key = loginKey((query ?? '').toWellFormed()).replaceAll('\u0000', '');
    if (key === '') return Promise.resolve([]);
    return this.store.searchUsers(key, limit);
  }
}
