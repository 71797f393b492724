// Every storage port at once: what a database adapter implements, and its lifecycle.
import type { ContactsPort } from '../presence.js';
import type { MessageStore } from './messages.js';
import type { ReadMarkerStore } from './read-markers.js';
import type { RoomStore } from './rooms.js';
import type { SessionStore } from './sessions.js';
import type { UserStore } from './users.js';

export interface Store
  extends UserStore,
    SessionStore,
    RoomStore,
    MessageStore,
    ReadMarkerStore,
    ContactsPort {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
