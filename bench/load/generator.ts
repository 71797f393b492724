// The load generator as the scenarios see it: N workers (threads, or processes when the sockets
// need more file descriptors than one process may hold), driven in lock-step phases.
import { type ChildProcess, fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import type {
  Command,
  ConnectionSpec,
  DeliveryStats,
  Report,
  RunPlan,
  SentCounts,
} from './protocol.js';
import { addStats, emptyStats, nowUs } from './protocol.js';

const WORKER_FILE = new URL('./worker.ts', import.meta.url);
const TSX_API = import.meta.resolve('tsx/esm/api');
const OPEN_CONCURRENCY = 32;
const START_DELAY_MS = 200;

export type WorkerKind = 'threads' | 'processes';

/** One worker's end of the conversation: one command at a time, answered by one report. */
interface WorkerLink {
  request(command: Command): Promise<Report>;
  stop(): Promise<void>;
}

function linkTo(kind: WorkerKind): WorkerLink {
  const reports: Array<(report: Report) => void> = [];
  const onReport = (report: Report) => reports.shift()?.(report);
  // A worker that dies answers every question still open with a failure, so nothing waits forever.
  const onDeath = (reason: unknown) => {
    for (const answer of reports.splice(0)) answer({ type: 'failed', error: String(reason) });
  };
  const ask = (post: () => void) =>
    new Promise<Report>((resolve) => {
      reports.push(resolve);
      post();
    });
  if (kind === 'threads') {
    // Node 20 does not apply `--import tsx` to a worker's entry module: load it through tsx's API.
    const boot = `import { tsImport } from ${JSON.stringify(TSX_API)}; await tsImport(${JSON.stringify(WORKER_FILE.href)}, ${JSON.stringify(WORKER_FILE.href)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
    worker.on('message', onReport);
    worker.on('error', onDeath);
    worker.on('exit', (code) => onDeath(`load worker exited with ${code}`));
    return {
      request: (command) => ask(() => worker.postMessage(command)),
      stop: async () => {
        await worker.terminate();
      },
    };
  }
  const child: ChildProcess = fork(WORKER_FILE, {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
  });
  child.on('message', (message) => onReport(message as Report));
  child.on('exit', (code) => onDeath(`load process exited with ${code}`));
  return {
    request: (command) => ask(() => child.send(command)),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

export interface RunOptions {
  readonly rate: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly drainTimeoutMs: number;
}

export interface RunResult {
  readonly sentMessages: number;
  /** What the workers saw, added up (the histogram is `latencyUs`). */
  readonly stats: DeliveryStats;
  readonly latencyUs: hdr.Histogram;
  /** Deliveries per second inside the measured window. */
  readonly deliveriesPerSecond: number;
  /** CPU seconds the generator (all its threads) used during the run, when it runs in threads. */
  readonly generatorCpuSeconds: number | undefined;
}

/** Whether a run saw any lost, repeated, out-of-order or foreign delivery. */
export function deliveryProblems(stats: RunResult['stats']): string | undefined {
  const { gaps, repeats, idDisorder, malformed, missing, unexpectedCloses } = stats;
  const total = gaps + repeats + idDisorder + malformed + missing + unexpectedCloses;
  if (total === 0) return undefined;
  return (
    `missing ${missing}, gaps ${gaps}, repeats ${repeats}, id disorder ${idDisorder}, ` +
    `foreign frames ${malformed}, closes ${unexpectedCloses}` +
    (stats.firstProblem ? ` (first: ${stats.firstProblem})` : '')
  );
}

export class LoadGenerator {
  private tag = 0;
  private senderCount = 0;

  private constructor(
    private readonly kind: WorkerKind,
    private readonly links: WorkerLink[],
  ) {}

  static start(kind: WorkerKind, count: number): LoadGenerator {
    return new LoadGenerator(
      kind,
      Array.from({ length: count }, () => linkTo(kind)),
    );
  }

  /**
   * Opens the sockets, dealt round-robin to the workers. Throws if any is refused, unless
   * `tolerateFailures` (the idle scenario reports how many it reached).
   */
  async open(
    connections: readonly ConnectionSpec[],
    tolerateFailures = false,
  ): Promise<{ opened: number; firstError: string | undefined }> {
    const shares = this.links.map((): ConnectionSpec[] => []);
    connections.forEach((spec, index) => {
      shares[index % shares.length]?.push(spec);
    });
    this.senderCount += connections.filter((spec) => spec.sends).length;
    const reports = await this.all((_, index) => ({
      type: 'open',
      connections: shares[index] ?? [],
      concurrency: OPEN_CONCURRENCY,
    }));
    let failures = 0;
    let firstError: string | undefined;
    for (const report of reports) {
      if (report.type !== 'opened') continue;
      failures += report.failures;
      firstError ??= report.firstError;
    }
    if (failures > 0 && !tolerateFailures) {
      throw new Error(`${failures} sockets could not open: ${firstError}`);
    }
    return { opened: connections.length - failures, firstError };
  }

  /** Sends at `rate` per sender for the duration, waits for every delivery, merges what workers saw. */
  async run(options: RunOptions): Promise<RunResult> {
    this.tag++;
    const plan: RunPlan = {
      tag: this.tag,
      rate: options.rate,
      startAtUs: nowUs() + START_DELAY_MS * 1000,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      senderCount: this.senderCount,
    };
    const cpuBefore = process.cpuUsage();
    const sentReports = await this.all(() => ({ type: 'run', plan }));
    const sent: SentCounts = {};
    let sentMessages = 0;
    for (const report of sentReports) {
      if (report.type !== 'sent') continue;
      for (const [room, member, count] of report.sent) {
        const counts = sent[room] ?? [];
        counts[member] = count;
        sent[room] = counts;
        sentMessages += count;
      }
    }
    const drained = await this.all(() => ({
      type: 'drain',
      sent,
      timeoutMs: options.drainTimeoutMs,
    }));
    const cpu = process.cpuUsage(cpuBefore);
    const stats = drained.map((report) => (report.type === 'drained' ? report.stats : undefined));
    const merged = merge(stats.filter((entry): entry is DeliveryStats => entry !== undefined));
    const windowSeconds = (options.durationMs - options.warmupMs) / 1000;
    return {
      sentMessages,
      ...merged,
      deliveriesPerSecond: merged.stats.windowDeliveries / windowSeconds,
      generatorCpuSeconds: this.kind === 'threads' ? (cpu.user + cpu.system) / 1e6 : undefined,
    };
  }

  async close(): Promise<void> {
    await this.all(() => ({ type: 'close' }));
    this.senderCount = 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.links.map((link) => link.stop()));
  }

  private async all(command: (link: WorkerLink, index: number) => Command): Promise<Report[]> {
    const reports = await Promise.all(
      this.links.map((link, index) => link.request(command(link, index))),
    );
    const failed = reports.find((report) => report.type === 'failed');
    if (failed) throw new Error(`load worker failed: ${JSON.stringify(failed)}`);
    return reports;
  }
}

function merge(all: DeliveryStats[]): Pick<RunResult, 'stats' | 'latencyUs'> {
  const latencyUs = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  const stats = emptyStats();
  for (const entry of all) {
    latencyUs.add(hdr.decodeFromCompressedBase64(entry.histogram));
    addStats(stats, entry);
  }
  return { stats, latencyUs };
}
