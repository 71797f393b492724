// The original protocol, one room per socket: resumes with `after=` after every drop (no gap, no
// duplicate), acknowledges sends by client_id and resends the unacknowledged ones on reconnect
// (the server stores each once).
import { Backoff } from './backoff.js';
import type { ChatClient } from './client.js';
import { newClientId } from './client-id.js';
import { Emitter } from './emitter.js';
import { ChatError } from './errors.js';
import { MessageOrder } from './message-order.js';
import { ReconnectingSocket } from './reconnecting-socket.js';
import { type Transport, webSocketUrl } from './socket.js';
import type { ErrorBody, Message } from './types.js';

export interface RoomSocketOptions {
  /**
   * Replay the messages after this id first (0: the whole history), e.g. the last one shown.
   * Without it the socket starts live, and resumes after the last message it has seen.
   */
  readonly after?: number;
}

export type RoomSocketStatus = 'connecting' | 'open' | 'offline' | 'closed';

export interface RoomSocketEvents {
  status: RoomSocketStatus;
  /** Each message of the room once, in id order: replayed, live, and own acknowledged ones. */
  message: Message;
  /** A refused frame without a client_id of ours. */
  error: ChatError;
  closed: ChatError;
}

interface Unacked {
  readonly text: string;
  readonly clientId: string;
  resolve(message: Message): void;
  reject(error: ChatError): void;
}

type RoomFrame = Message | (ErrorBody & { readonly client_id?: string });

export class RoomSocket extends Emitter<RoomSocketEvents> {
  private readonly order = new MessageOrder();
  private readonly unacked = new Map<string, Unacked>();
  private readonly socket: ReconnectingSocket;
  /** Waits after `too_many_requests` before a frame goes again. */
  private readonly rateBackoff: Backoff;
  private currentStatus: RoomSocketStatus = 'connecting';

  constructor(
    client: ChatClient,
    transport: Transport,
    readonly roomId: number,
    options: RoomSocketOptions = {},
  ) {
    super();
    if (options.after !== undefined) this.order.seenUpTo(roomId, options.after);
    this.rateBackoff = new Backoff(transport.backoff);
    this.socket = new ReconnectingSocket(
      transport.WebSocket,
      {
        url: () => {
          const after = this.order.lastId(roomId);
          return webSocketUrl(transport.baseUrl, `/v1/rooms/${roomId}/chat`, {
            session_id: transport.session(),
            ...(after !== undefined && { after: String(after) }),
          });
        },
        onOpen: () => this.onOpen(),
        onFrame: (frame) => this.onFrame(frame as RoomFrame),
        onDown: () => this.setStatus('offline'),
        onEnd: (reason) => this.onEnd(reason),
        diagnose: async () => {
          await client.room(roomId);
        },
      },
      transport.backoff,
    );
    this.socket.start();
  }

  get status(): RoomSocketStatus {
    return this.currentStatus;
  }

  /** Sends now or on the next connection; resolves with the stored message. */
  send(text: string, clientId = newClientId()): Promise<Message> {
    return new Promise((resolve, reject) => {
      this.unacked.set(clientId, { text, clientId, resolve, reject });
      this.socket.send({ text, client_id: clientId });
    });
  }

  /** Sends not acknowledged yet, oldest first. */
  pending(): { readonly text: string; readonly clientId: string }[] {
    return [...this.unacked.values()].map(({ text, clientId }) => ({ text, clientId }));
  }

  close(): void {
    this.socket.stop();
  }

  private onOpen(): void {
    this.socket.healthy();
    this.setStatus('open');
    for (const { text, clientId } of this.unacked.values()) {
      this.socket.send({ text, client_id: clientId });
    }
  }

  private onFrame(frame: RoomFrame): void {
    if (typeof frame !== 'object' || frame === null) return;
    if ('error' in frame) this.onRefused(frame);
    else this.onMessage(frame);
  }

  private onMessage(message: Message): void {
    const waiting =
      message.client_id === undefined ? undefined : this.unacked.get(message.client_id);
    if (waiting) {
      this.unacked.delete(waiting.clientId);
      this.rateBackoff.reset();
      waiting.resolve(message);
    }
    if (this.order.accept(message)) this.emit('message', message);
  }

  private onRefused(frame: ErrorBody & { readonly client_id?: string }): void {
    const error = new ChatError(frame.error.code, { message: frame.error.message });
    const waiting = frame.client_id === undefined ? undefined : this.unacked.get(frame.client_id);
    if (!waiting) this.emit('error', error);
    else if (error.retryable) {
      setTimeout(
        () => this.socket.send({ text: waiting.text, client_id: waiting.clientId }),
        this.rateBackoff.next(),
      );
    } else {
      this.unacked.delete(waiting.clientId);
      waiting.reject(error);
    }
  }

  private onEnd(reason: ChatError): void {
    for (const waiting of this.unacked.values()) waiting.reject(reason);
    this.unacked.clear();
    this.setStatus('closed');
    this.emit('closed', reason);
  }

  private setStatus(status: RoomSocketStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit('status', status);
  }
}
