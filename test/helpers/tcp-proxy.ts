// A TCP relay to a local service that a test can cut and restore, to play an outage without
// touching the machine's shared service.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private stalled = false;

  private constructor(
    private readonly targetHost: string,
    private targetPort: number,
    /** Fixed on the first start, so clients find the proxy again after a restart. */
    public port = 0,
  ) {}

  /** A relay from a free port of 127.0.0.1 to the target. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.resume();
    return proxy;
  }

  /** Accepts connections again, on the same port. */
  async resume(): Promise<void> {
    this.stalled = false;
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Cuts every open connection and refuses new ones, as a stopped server would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Relays new connections to another port: a balancer moving off a dead node. */
  retarget(port: number): void {
    this.targetPort = port;
  }

  /** Keeps every connection open but relays nothing, as a network silently dropping packets. */
  stall(): void {
    this.stalled = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private relay(client: Socket): void {
    if (this.stalled) {
      this.track(client);
      client.on('error', () => client.destroy());
      client.pause();
      return;
    }
    const upstream = createConnection(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.track(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
