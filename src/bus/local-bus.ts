// The Bus of a single node: events go straight to this process's hub.
import type { Bus, BusListener, RoomEvent } from './bus.js';

export class LocalBus implements Bus {
  private listener: BusListener | undefined;

  listen(listener: BusListener): void {
    this.listener = listener;
  }

  publish(event: RoomEvent): void {
    this.listener?.onRoomEvent(event);
  }

  async subscribe(): Promise<void> {}

  async unsubscribe(): Promise<void> {}

  publishSessionEnded(sessionKey: string): void {
    this.listener?.onSessionEnded(sessionKey);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listener = undefined;
  }
}
