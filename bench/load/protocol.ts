// What the benchmark's main thread and its load workers say to each other, and the text each
// benchmark message carries so that every receiver can check it: run tag, sender, sequence, send time.

export interface ConnectionSpec {
  readonly url: string;
  /** Index of the room in the scenario (0-based), not the server's room id. */
  readonly room: number;
  /** Index of the member in the room (0-based). */
  readonly member: number;
  readonly roomSize: number;
  /** Written into the 4-field frame as the server documents it; the server ignores it. */
  readonly userId: number;
  readonly roomId: number;
  readonly sends: boolean;
  /** A stream (`/v1/stream`): open once it said `ready`; its messages come in stream frames. */
  readonly stream?: boolean;
}

export interface RunPlan {
  /** Distinguishes the runs on the same sockets: a stale message is counted as a problem. */
  readonly tag: number;
  /** Messages per second of each sender. */
  readonly rate: number;
  /** Start, on the monotonic clock every process shares (microseconds). */
  readonly startAtUs: number;
  readonly durationMs: number;
  /** Latency and throughput are recorded only after this much of the run. */
  readonly warmupMs: number;
  /** Senders across all workers, to spread their sends evenly over each period. */
  readonly senderCount: number;
}

export type Command =
  | { readonly type: 'open'; readonly connections: ConnectionSpec[]; readonly concurrency: number }
  | { readonly type: 'run'; readonly plan: RunPlan }
  | { readonly type: 'drain'; readonly sent: SentCounts; readonly timeoutMs: number }
  | { readonly type: 'close' };

/** Per room index, the number of messages each member sent in the run. */
export type SentCounts = Record<number, number[]>;

export interface DeliveryStats {
  /** Deliveries received in the run. */
  deliveries: number;
  /** Deliveries received inside the measured window (after warm-up, before the end of sending). */
  windowDeliveries: number;
  /** A sender's message arrived after a later one of the same sender was missed. */
  gaps: number;
  /** A message arrived twice, or after a later one of its sender. */
  repeats: number;
  /** Server ids not increasing on one socket. */
  idDisorder: number;
  /** Frames that are not benchmark messages of this run (error frames, stale runs). */
  malformed: number;
  /** Messages sent that some receiver never got. */
  missing: number;
  unexpectedCloses: number;
  /** Latency histogram in microseconds, hdr-histogram compressed base64. */
  histogram: string;
  /** The first odd frame or close, to say what went wrong. */
  firstProblem?: string | undefined;
}

type Count = Exclude<keyof DeliveryStats, 'histogram' | 'firstProblem'>;

export function emptyStats(): DeliveryStats {
  return {
    deliveries: 0,
    windowDeliveries: 0,
    gaps: 0,
    repeats: 0,
    idDisorder: 0,
    malformed: 0,
    missing: 0,
    unexpectedCloses: 0,
    histogram: '',
  };
}

const COUNTS = Object.keys(emptyStats()).filter((key) => key !== 'histogram') as Count[];

/** Adds the counts of `other` to `into` (not the histogram, which is merged by its owner). */
export function addStats(into: DeliveryStats, other: DeliveryStats): void {
  for (const count of COUNTS) into[count] += other[count];
  into.firstProblem ??= other.firstProblem;
}

export type Report =
  | { readonly type: 'opened'; readonly failures: number; readonly firstError?: string }
  | { readonly type: 'sent'; readonly sent: Array<[room: number, member: number, count: number]> }
  | { readonly type: 'drained'; readonly stats: DeliveryStats }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly error: string };

/** Microseconds on the monotonic clock, comparable between threads and processes of one machine. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function messageText(tag: number, member: number, seq: number, sentAtUs: number): string {
  return `${tag}:${member}:${seq}:${sentAtUs}`;
}

export interface ReceivedMessage {
  /** The server's message id; 0 from the baseline, which relays the client's frame. */
  id: number;
  tag: number;
  member: number;
  seq: number;
  sentAtUs: number;
}

const TEXT_FIELD = '"text":"';
const ID_FIELD = '{"id":';
/** How a stream wraps the message JSON that room sockets receive as is. */
const STREAM_MESSAGE = '{"type":"message","message":';

/** Reads a non-negative integer at `start`, ending before `stop`; -1 when there is none. */
function integerAt(frame: string, start: number, stop: number): number {
  if (start >= stop) return -1;
  let value = 0;
  for (let index = start; index < stop; index++) {
    const digit = frame.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Reads a delivered frame without a full JSON parse, so the generator stays cheap next to the server.
 * Fills `into` and returns true, or returns false for any frame that is not a benchmark message.
 */
export function readMessage(frame: string, into: ReceivedMessage): boolean {
  const textAt = frame.indexOf(TEXT_FIELD);
  if (textAt < 0) return false;
  into.id = 0;
  const messageAt = frame.startsWith(STREAM_MESSAGE) ? STREAM_MESSAGE.length : 0;
  if (frame.startsWith(ID_FIELD, messageAt)) {
    const idAt = messageAt + ID_FIELD.length;
    into.id = integerAt(frame, idAt, frame.indexOf(',', idAt));
    if (into.id < 0) return false;
  }
  const parts = [0, 0, 0, 0];
  let start = textAt + TEXT_FIELD.length;
  for (let part = 0; part < 4; part++) {
    const stop = frame.indexOf(part < 3 ? ':' : '"', start);
    const value = stop < 0 ? -1 : integerAt(frame, start, stop);
    if (value < 0) return false;
    parts[part] = value;
    start = stop + 1;
  }
  [into.tag, into.member, into.seq, into.sentAtUs] = parts as [number, number, number, number];
  return true;
}
