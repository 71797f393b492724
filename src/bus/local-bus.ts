// The Bus of a single node: events go straight to this process's listener.

import type { Bus, BusListener, RoomEvent } from '../domain/bus.js';
import type { ReadMoved, RoomCreated } from '../domain/conversation-events.js';
import type { TypingSignal } from '../domain/typing.js';

export class LocalBus implements Bus {
  private listener: BusListener | undefined;

  listen(listener: BusListener): void {
    this.listener = listener;
  }

  publish(event: RoomEvent): void {
    this.listener?.onRoomEvent(event);
  }

  publishReadMoved(event: ReadMoved): void {
    this.listener?.onReadMoved(event);
  }

  publishTyping(signal: TypingSignal): void {
    this.listener?.onTyping(signal);
  }

  publishRoomCreated(event: RoomCreated): void {
    this.listener?.onRoomCreated(event);
  }

  async subscribe(): Promise<void> {}

  async unsubscribe(): Promise<void> {}

  async subscribeUser(): Promise<void> {}

  async unsubscribeUser(): Promise<void> {}

  publishSessionEnded(sessionKey: string): void {
    this.listener?.onSessionEnded(sessionKey);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listener = undefined;
  }
}
