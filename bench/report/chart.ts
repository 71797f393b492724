// The fan-out sweep as an SVG chart: latency percentiles (log scale) against offered deliveries/s,
// server against baseline, with the 100 ms line that decides the max sustainable rate.
import type { FanOutDetails } from '../scenarios/fan-out.js';
import type { StepResult } from '../scenarios/ws-load.js';
import type { Machine } from './machine.js';

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 180, top: 40, bottom: 56 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const Y_MIN_MS = 0.1;
const Y_MAX_MS = 10_000;

interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly points: ReadonlyArray<readonly [x: number, y: number]>;
}

function niceStep(max: number): number {
  const raw = max / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

export function sweepChart(
  { server, baseline, batched, p99LimitMs }: FanOutDetails,
  machine: Machine,
): string {
  const title = `Fan-out latency, server vs ws relays (${machine.cores} cores, ${machine.cpuModel})`;
  const series = (label: string, color: string, steps: StepResult[]): Series[] => [
    {
      label: `${label} p50`,
      color,
      dashed: false,
      points: steps.map((s) => [s.offeredDeliveriesPerSecond, s.p50Ms]),
    },
    {
      label: `${label} p99`,
      color,
      dashed: true,
      points: steps.map((s) => [s.offeredDeliveriesPerSecond, s.p99Ms]),
    },
  ];
  const all = [
    ...series('server', '#1f6feb', server.steps),
    ...series('bare ws relay', '#d9480f', baseline.steps),
    ...series('batching relay', '#2f9e44', batched.steps),
  ];
  const xMax = Math.max(1, ...all.flatMap((line) => line.points.map(([x]) => x))) * 1.05;
  const xStep = niceStep(xMax);
  const x = (value: number) => MARGIN.left + (value / xMax) * PLOT_W;
  const y = (ms: number) => {
    const clamped = Math.min(Y_MAX_MS, Math.max(Y_MIN_MS, ms));
    const share = Math.log10(clamped / Y_MIN_MS) / Math.log10(Y_MAX_MS / Y_MIN_MS);
    return MARGIN.top + PLOT_H * (1 - share);
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let ms = Y_MIN_MS; ms <= Y_MAX_MS; ms *= 10) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms >= 1 ? ms : ms.toFixed(1)} ms</text>`,
    );
  }
  for (let value = 0; value <= xMax; value += xStep) {
    parts.push(
      `<line x1="${x(value)}" x2="${x(value)}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" stroke="#eee"/>`,
      `<text x="${x(value)}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${(value / 1000).toLocaleString('en-US')}k</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${y(p99LimitMs)}" y2="${y(p99LimitMs)}" stroke="#888" stroke-dasharray="2,3"/>`,
    `<text x="${MARGIN.left + 4}" y="${y(p99LimitMs) - 4}" fill="#666">p99 limit ${p99LimitMs} ms</text>`,
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 14}" text-anchor="middle">offered deliveries per second (1 room × 100 members)</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#999"/>`,
  );
  all.forEach((line, index) => {
    const path = line.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    const dash = line.dashed ? ' stroke-dasharray="6,4"' : '';
    parts.push(
      `<polyline points="${path}" fill="none" stroke="${line.color}" stroke-width="2"${dash}/>`,
    );
    for (const [px, py] of line.points) {
      parts.push(
        `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${line.color}"/>`,
      );
    }
    const legendY = MARGIN.top + 10 + index * 20;
    const legendX = MARGIN.left + PLOT_W + 16;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 28}" y1="${legendY}" y2="${legendY}" stroke="${line.color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 34}" y="${legendY + 4}">${escapeXml(line.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
