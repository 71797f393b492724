// The fan-out port: how a stored message reaches every node that has sockets in its room.

export interface RoomEvent {
  readonly roomId: number;
  readonly id: number;
  /** The room's message before this one: a receiver that has not seen it knows of a gap. */
  readonly previousId: number;
  /** The message JSON, serialised once by the node that stored it. */
  readonly wire: string;
  /** When it was stored (ms since epoch), to measure delivery latency. */
  readonly storedAt: number;
  /** The local connection that sent it; never crosses to another node. */
  readonly origin?: number | undefined;
  /** The sender's client id, for its acknowledgement; never crosses to another node. */
  readonly clientId?: string | null | undefined;
}

export interface BusListener {
  onRoomEvent(event: RoomEvent): void;
  /** A session was logged out somewhere: its sockets must close. */
  onSessionEnded(sessionKey: string): void;
}

export interface Bus {
  listen(listener: BusListener): void;
  /** Delivers to this node at once and to the other nodes subscribed to the room. */
  publish(event: RoomEvent): void;
  /** Resolves once the room's events from every node reach the listener. */
  subscribe(roomId: number): Promise<void>;
  unsubscribe(roomId: number): Promise<void>;
  publishSessionEnded(sessionKey: string): void;
  /** Throws when the broker cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
