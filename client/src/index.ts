// @e-chat/client: the typed client of e-chat-server, for browsers and Node ≥ 20.
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  ChatClient,
  type ChatClientOptions,
  type HistoryOptions,
  type HistoryPage,
} from './client.js';
export { ChatError, type ErrorCode, isChatError } from './errors.js';
export type { Fetch } from './http.js';
export type {
  LiveSession,
  LiveSessionEvents,
  LiveSessionOptions,
  ReadEvent,
  SessionStatus,
} from './live-session.js';
export type { PendingMessage } from './outbox.js';
export type {
  RoomSocket,
  RoomSocketEvents,
  RoomSocketOptions,
  RoomSocketStatus,
} from './room-socket.js';
export { type RoomState, UNREAD_CAP } from './room-states.js';
export { CLOSE_CODES, type WebSocketConstructor, type WebSocketLike } from './socket.js';
export { type KeyValueStorage, memoryStorage } from './storage.js';
export type * from './types.js';
