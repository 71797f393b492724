// The figures as a text table for the terminal and as Markdown for the README.
import { type Figure, meetsTarget, ratioOf } from '../scenarios/context.js';

interface Row {
  readonly scenario: string;
  readonly metric: string;
  readonly server: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
}

const HEADER: Row = {
  scenario: 'Scenario',
  metric: 'Metric',
  server: 'Server',
  baseline: 'Baseline',
  ratio: 'Ratio',
  target: 'Target',
};

const COLUMNS = Object.keys(HEADER) as Array<keyof Row>;

function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined) return '—';
  const size = Math.abs(value);
  const digits = Number.isInteger(value) || size >= 100 ? 0 : size >= 10 ? 1 : 2;
  const number = value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit === '' || unit === '/s' ? number : `${number} ${unit}`;
}

function targetText(figure: Figure): string {
  if (figure.targetRatio === undefined) return '';
  const bound = `${figure.better === 'higher' ? '≥' : '≤'} ${figure.targetRatio}×`;
  return `${bound} ${meetsTarget(figure) ? 'met' : 'NOT met'}`;
}

function rowOf(figure: Figure): Row {
  const ratio = ratioOf(figure);
  return {
    scenario: figure.scenario,
    metric: figure.metric,
    server: formatValue(figure.server, figure.unit),
    baseline: formatValue(figure.baseline, figure.unit),
    ratio: ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
    target: targetText(figure),
  };
}

/** The rows, each figure with a note numbered in its metric, and the numbered notes (each once). */
function withNotes(figures: readonly Figure[]): { rows: Row[]; notes: string[] } {
  const texts: string[] = [];
  const rows = figures.map((figure) => {
    const row = rowOf(figure);
    if (!figure.note) return row;
    if (!texts.includes(figure.note)) texts.push(figure.note);
    return { ...row, metric: `${row.metric} (${texts.indexOf(figure.note) + 1})` };
  });
  return { rows, notes: texts.map((text, index) => `(${index + 1}) ${text}`) };
}

/** Padded columns between `open`, `gap` and `close`, the header over a rule of dashes. */
function aligned(rows: readonly Row[], open: string, gap: string, close: string): string[] {
  const all = [HEADER, ...rows];
  const widths = COLUMNS.map((column) => Math.max(...all.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    `${open}${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(gap)}${close}`.trimEnd();
  const cellsOf = (row: Row) => COLUMNS.map((column) => row[column]);
  return [
    line(cellsOf(HEADER)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(cellsOf(row))),
  ];
}

export function textTable(figures: readonly Figure[]): string {
  const { rows, notes } = withNotes(figures);
  return [...aligned(rows, '', '  ', ''), ...notes].join('\n');
}

/** Laid out as the repository's formatter lays out Markdown tables, so the file passes `biome check`. */
export function markdownTable(figures: readonly Figure[]): string {
  const { rows, notes } = withNotes(figures);
  const table = aligned(rows, '| ', ' | ', ' |');
  const list = notes.map((note) => `- ${note}`);
  return (notes.length === 0 ? table : [...table, '', ...list]).join('\n');
}
