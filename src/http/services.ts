// What the HTTP routes are given: the domain services and a few hooks into the rest of the app.
import type { Accounts } from '../domain/accounts.js';
import type { Messages } from '../domain/messages.js';
import type { ReadMarkers } from '../domain/read-markers.js';
import type { Rooms } from '../domain/rooms.js';
import type { SendLimiter } from '../domain/send-limiter.js';
import type { Users } from '../domain/users.js';
import type { Metrics } from '../metrics.js';
import type { AuthThrottle } from './auth-throttle.js';

export interface HttpServices {
  readonly accounts: Accounts;
  readonly users: Users;
  readonly rooms: Rooms;
  readonly messages: Messages;
  readonly readMarkers: ReadMarkers;
  /** Messages per session and second sent over HTTP. */
  readonly sendLimiter: SendLimiter;
  readonly metrics: Metrics;
  /** Closes every socket of a logged-out session, on every node. */
  readonly onLogout: (sessionKey: string) => void;
  /** Throws when storage or the bus cannot be reached. */
  readonly checkReady: () => Promise<void>;
  readonly authThrottle: AuthThrottle;
  /** Origins besides the server's own whose pages may register and log in. */
  readonly allowedOrigins: readonly string[] | undefined;
  /** What GET /metrics requires as a bearer token; unset refuses everyone. */
  readonly metricsToken: string | undefined;
}
