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

function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
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

const COLUMNS = Object.keys(HEADER) as Array<keyof Row>;

export function textTable(figures: readonly Figure[]): string {
  const rows = [HEADER, ...figures.map(rowOf)];
  const widths = COLUMNS.map((column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: Row) =>
    COLUMNS.map((column, index) => row[column].padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(figures: readonly Figure[]): string {
  const line = (row: Row) => `| ${COLUMNS.map((column) => row[column]).join(' | ')} |`;
  const rule = `|${COLUMNS.map(() => '---').join('|')}|`;
  return [line(HEADER), rule, ...figures.map((figure) => line(rowOf(figure)))].join('\n');
}
