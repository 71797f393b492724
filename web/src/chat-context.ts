// What the screens of a logged-in user share: the library's client and live session, the user,
// what the browser keeps for them, and the logins of everyone they share a room with.
import type { ChatClient, LiveSession, User } from '../../client/src/index.js';
import type { UserStorage } from './user-storage.js';

export interface ChatContext {
  readonly client: ChatClient;
  readonly live: LiveSession;
  readonly me: User;
  readonly storage: UserStorage;
  /** The login of a user met in any room, or `user 12` for one not known yet. */
  login(userId: number): string;
  /** Shows what went wrong instead of failing silently. */
  notify(error: unknown): void;
}
