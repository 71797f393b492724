// What every scenario gets from the runner, and what it gives back.

export interface BenchContext {
  /** `--full`: longer steps and finer sweeps. */
  readonly full: boolean;
  /** Load worker threads. */
  readonly workers: number;
  /** Node arguments that start the server: flags (--cpu-prof when profiling), then its entry script. */
  readonly serverArgs: readonly string[];
  log(line: string): void;
}

/** One measured quantity, for the server and for its baseline measured in the same run. */
export interface Figure {
  readonly scenario: string;
  readonly metric: string;
  readonly unit: string;
  readonly server: number | undefined;
  readonly baseline: number | undefined;
  readonly better: 'higher' | 'lower';
  /** The target for server / baseline. */
  readonly targetRatio?: number;
  /** What a reader must know to read the figure right. */
  readonly note?: string | undefined;
}

export interface ScenarioOutcome {
  readonly figures: Figure[];
  /** Raw data for the JSON results file (and the chart). */
  readonly details: unknown;
  /** Lost, repeated or out-of-order deliveries, refused sockets: they fail the run. */
  readonly failures: string[];
  /** Why the scenario did not run, when it did not. */
  readonly skipped?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<ScenarioOutcome>;
}

export function ratioOf(figure: Figure): number | undefined {
  if (figure.server === undefined || figure.baseline === undefined || figure.baseline === 0) {
    return undefined;
  }
  return figure.server / figure.baseline;
}

export function meetsTarget(figure: Figure): boolean | undefined {
  const ratio = ratioOf(figure);
  if (ratio === undefined || figure.targetRatio === undefined) return undefined;
  return figure.better === 'higher' ? ratio >= figure.targetRatio : ratio <= figure.targetRatio;
}
