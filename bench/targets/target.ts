// What a WebSocket scenario needs from the system under test, the chat server or the bare baseline.
import type { Started } from './processes.js';

export interface Member {
  readonly userId: number;
  readonly sessionId: string;
}

export interface RoomPlan {
  readonly id: number;
  readonly members: readonly Member[];
}

export interface WsTarget {
  /** server, baseline (bare ws relay) or batched (the relay batching per turn). */
  readonly label: string;
  readonly child: Started;
  /** ws://127.0.0.1:port */
  readonly wsBase: string;
  /** Rooms with the given number of members, each member a user with a session. */
  provision(rooms: number, membersPerRoom: number): Promise<RoomPlan[]>;
  stop(): Promise<void>;
}

export function chatUrl(target: WsTarget, roomId: number, sessionId: string): string {
  return `${target.wsBase}/v1/rooms/${roomId}/chat?session_id=${encodeURIComponent(sessionId)}`;
}

export function streamUrl(target: WsTarget, sessionId: string): string {
  return `${target.wsBase}/v1/stream?session_id=${encodeURIComponent(sessionId)}`;
}
