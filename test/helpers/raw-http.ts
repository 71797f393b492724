// Raw HTTP/1.1 exchanges, for requests fetch would not send (bad syntax, upgrades, odd targets).
import { connect } from 'node:net';

/**
 * Sends raw bytes and returns the raw response text, for requests fetch would not send.
 * `halfClose` ends the sending side after the bytes: a request cut short is a client gone.
 */
export function rawExchange(base: string, bytes: string, halfClose = false): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      halfClose ? socket.end(bytes) : socket.write(bytes),
    );
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

/** Status line, headers and JSON body of a raw response. */
export function parseRaw(text: string): { status: number; headers: Headers; body: any } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

export interface RawHead {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Map<string, string>;
  readonly body: string;
}

/**
 * Sends raw bytes and resolves with the first response once it is complete: after its headers
 * for a 101 (the socket is then dropped), after Content-Length bytes of body otherwise.
 */
export function rawResponse(base: string, bytes: string): Promise<RawHead> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let text = '';
    const bodyless = bytes.startsWith('HEAD ');
    const finish = () => {
      const head = parseHead(text, bodyless);
      if (head === undefined) return false;
      resolve(head);
      socket.destroy();
      return true;
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      finish();
    });
    socket.on('close', () => {
      if (!finish()) reject(new Error(`no complete response: ${JSON.stringify(text)}`));
    });
    socket.on('error', () => undefined);
  });
}

/** The first response in `text`, or undefined while it is incomplete (`bodyless`: HEAD's). */
export function parseHead(text: string, bodyless = false): RawHead | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const status = Number(statusLine.split(' ')[1]);
  const body = text.slice(end + 4);
  const length = Number(headers.get('content-length') ?? 0);
  if (status !== 101 && !bodyless && Buffer.byteLength(body) < length) return undefined;
  return { status, headers, body };
}
