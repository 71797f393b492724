// The `ws` events of every socket go to the one object that handles that socket, through
// listeners shared by all sockets (`this` is the socket): an idle socket holds no closures.
import type { WebSocket } from 'ws';

export interface SocketHandler {
  receive(data: Buffer, isBinary: boolean): void;
  pong(): void;
  /** The socket is gone. */
  closed(): void;
}

const handlerOf = new WeakMap<WebSocket, SocketHandler>();

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  handlerOf.get(this)?.receive(data, isBinary);
}
function onPong(this: WebSocket): void {
  handlerOf.get(this)?.pong();
}
function onClose(this: WebSocket): void {
  const handler = handlerOf.get(this);
  handlerOf.delete(this);
  handler?.closed();
}
/** After a protocol error (1002, 1007, 1009) `ws` closes the socket itself, close frame first. */
function onError(): void {}

export function handleSocket(ws: WebSocket, handler: SocketHandler): void {
  handlerOf.set(ws, handler);
  ws.on('message', onMessage);
  ws.on('pong', onPong);
  ws.on('close', onClose);
  ws.on('error', onError);
}
