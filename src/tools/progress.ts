// What a tool tells its operator while it runs: a progress bar on a terminal, plain lines
// otherwise, rows per second, notes on rows it could not take, and a summary.

/** Plain progress lines are written at most this often. */
const LINE_EVERY_MS = 5000;
/** The bar is redrawn at most this often. */
const BAR_EVERY_MS = 100;
const BAR_WIDTH = 30;

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const rate = (rows: number, ms: number) => Math.round(rows / Math.max(ms / 1000, 0.001));
const number = (value: number) => value.toLocaleString('en-US');

export class Progress {
  private label = '';
  private total = 0;
  private done = 0;
  private startedAt = 0;
  private shownAt = 0;
  private barShown = false;

  constructor(
    private readonly out: Output,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts counting the rows of one table (`total` of them, as far as known). */
  start(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.startedAt = this.now();
    this.shownAt = this.startedAt;
  }

  advance(rows: number): void {
    this.done += rows;
    const now = this.now();
    if (now - this.shownAt < (this.out.isTTY ? BAR_EVERY_MS : LINE_EVERY_MS)) return;
    this.shownAt = now;
    if (this.out.isTTY) this.drawBar(now);
    else this.out.write(`${this.status(now)}\n`);
  }

  /** Ends the table with its line: rows, time, rows/s. */
  finish(): { rows: number; ms: number } {
    const ms = this.now() - this.startedAt;
    this.clearBar();
    this.out.write(
      `${this.label}: ${number(this.done)} rows in ${(ms / 1000).toFixed(1)} s (${number(rate(this.done, ms))} rows/s)\n`,
    );
    return { rows: this.done, ms };
  }

  /** A line that must not be lost under the bar (a row that could not be taken). */
  note(line: string): void {
    this.clearBar();
    this.out.write(`${line}\n`);
  }

  private status(now: number): string {
    const share = this.total > 0 ? ` (${Math.floor((100 * this.done) / this.total)}%)` : '';
    return `${this.label}: ${number(this.done)}/${number(this.total)} rows${share}, ${number(rate(this.done, now - this.startedAt))} rows/s`;
  }

  private drawBar(now: number): void {
    const filled =
      this.total > 0 ? Math.min(BAR_WIDTH, Math.floor((BAR_WIDTH * this.done) / this.total)) : 0;
    const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
    this.out.write(`\r\x1b[2K[${bar}] ${this.status(now)}`);
    this.barShown = true;
  }

  private clearBar(): void {
    if (!this.barShown) return;
    this.out.write('\r\x1b[2K');
    this.barShown = false;
  }
}
