// The machine a run was made on: the figures only mean something next to it.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly openFilesLimit: string;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  readonly loadAverageAtStart: number;
}

function openFilesLimit(): string {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const line = limits.split('\n').find((entry) => entry.startsWith('Max open files'));
  return line?.split(/\s{2,}/)[1] ?? 'unknown';
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    openFilesLimit: openFilesLimit(),
    loadAverageAtStart: loadavg()[0] ?? 0,
  };
}
