// Looking users up by a piece of their login.

import { searchKey } from './login.js';
import type { UserStore } from './ports/users.js';
import type { User } from './types.js';

export const USER_SEARCH_DEFAULT_LIMIT = 50;
export const USER_SEARCH_MAX_LIMIT = 200;

export class Users {
  constructor(private readonly store: UserStore) {}

  /** Case-insensitive substring search, ё and е alike; an empty query finds nobody, never everybody. */
  search(query: string | undefined, limit = USER_SEARCH_DEFAULT_LIMIT): Promise<User[]> {
    const key = searchKey((query ?? '').toWellFormed()).replaceAll('\u0000', '');
    if (key === '') return Promise.resolve([]);
    return this.store.searchUsers(key, limit);
  }
}
