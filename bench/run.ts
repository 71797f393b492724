// `npm run bench [-- --full] [--only=fan-out,http] [--workers=2] [--cpu-prof] [--server=main.js]`:
// builds the server (unless --server names another build, e.g. to compare two versions), runs
// every scenario against it and its bare baseline, prints the table, writes the results
// (bench/results/<timestamp>.json, summary.md, chart.svg). Exits non-zero on any lost, repeated
// or out-of-order delivery, or any failed request.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sweepChart } from './report/chart.js';
import { describeMachine, type Machine } from './report/machine.js';
import { markdownTable, textTable } from './report/table.js';
import { abuse } from './scenarios/abuse.js';
import type { BenchContext, Figure, Scenario, ScenarioOutcome } from './scenarios/context.js';
import { conversation } from './scenarios/conversation.js';
import { cpuPerDelivery } from './scenarios/cpu-per-delivery.js';
import { type FanOutDetails, fanOut } from './scenarios/fan-out.js';
import { http } from './scenarios/http.js';
import { idle } from './scenarios/idle.js';
import { login } from './scenarios/login.js';
import { manyRooms } from './scenarios/many-rooms.js';
import { presence } from './scenarios/presence.js';
import { streamFanOut } from './scenarios/stream-fan-out.js';
import { streamIdle } from './scenarios/stream-idle.js';
import { twoNodes } from './scenarios/two-nodes.js';
import { typing } from './scenarios/typing.js';
import { SETUP_PASSWORD_HASH } from './targets/chat-server.js';

const SCENARIOS: Scenario[] = [
  fanOut,
  streamFanOut,
  manyRooms,
  cpuPerDelivery,
  idle,
  streamIdle,
  http,
  conversation,
  login,
  twoNodes,
  presence,
  typing,
  abuse,
];
const RESULTS_DIR = 'bench/results';
const PROFILE_DIR = `${RESULTS_DIR}/profiles`;
/** The whole run stops by itself after this long, whatever hangs. */
const WATCHDOG_MINUTES = { quick: 15, full: 60 };

const { values: options } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    workers: { type: 'string', default: '2' },
    'cpu-prof': { type: 'boolean', default: false },
    /** Another build of the server, e.g. to compare two versions; skips `npm run build`. */
    server: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (options.help) {
  const names = SCENARIOS.map(
    (scenario) => `  ${scenario.name.padEnd(12)} ${scenario.description}`,
  );
  process.stdout.write(
    'npm run bench -- [--full] [--only=name,...] [--workers=N] [--cpu-prof] [--server=path/main.js]\n\n' +
      `${names.join('\n')}\n`,
  );
  process.exit(0);
}

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const watchdog = setTimeout(
  () => {
    process.stderr.write('bench: watchdog expired, stopping\n');
    process.exit(2);
  },
  (options.full ? WATCHDOG_MINUTES.full : WATCHDOG_MINUTES.quick) * 60_000,
);
watchdog.unref();

function selectedScenarios(): Scenario[] {
  if (!options.only) return SCENARIOS;
  const wanted = options.only.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  return SCENARIOS.filter((scenario) => wanted.includes(scenario.name));
}

interface Results {
  readonly startedAt: string;
  readonly command: string;
  readonly machine: Machine;
  readonly loadAverageAtEnd: number;
  readonly setupPasswordHash: typeof SETUP_PASSWORD_HASH;
  readonly figures: Figure[];
  readonly outcomes: Record<string, ScenarioOutcome>;
  readonly failures: string[];
}

function summary(results: Results): string {
  const { machine } = results;
  const skipped = Object.entries(results.outcomes)
    .filter(([, outcome]) => outcome.skipped)
    .map(([name, outcome]) => `- ${name} skipped: ${outcome.skipped}`);
  return [
    `Measured ${results.startedAt} with \`${results.command}\` on ${machine.cores} cores (${machine.cpuModel}), ` +
      `${machine.memoryGiB} GiB, Node ${machine.node}, open files limit ${machine.openFilesLimit}; ` +
      `load average ${machine.loadAverageAtStart.toFixed(1)} at start, ${results.loadAverageAtEnd.toFixed(1)} at end.`,
    '',
    markdownTable(results.figures),
    '',
    ...skipped,
    ...results.failures.map((failure) => `- FAILED: ${failure}`),
  ]
    .join('\n')
    .trimEnd();
}

async function main(): Promise<number> {
  const scenarios = selectedScenarios();
  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  const args = process.argv.slice(2);
  // The services it was given, by name only: a URL may hold a password.
  const services = ['REDIS_URL', 'DATABASE_URL'].filter((name) => process.env[name]);
  const command = [
    ...services.map((name) => `${name}=…`),
    `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  ].join(' ');
  console.log(
    `bench: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverageAtStart.toFixed(1)}`,
  );
  if (!options.server) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (options['cpu-prof']) mkdirSync(PROFILE_DIR, { recursive: true });
  const context: BenchContext = {
    full: options.full,
    workers: Number(options.workers),
    serverArgs: [
      ...(options['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      options.server ?? 'dist/main.js',
    ],
    log: (line) => console.log(`  ${line}`),
  };

  const outcomes: Record<string, ScenarioOutcome> = {};
  const failures: string[] = [];
  for (const scenario of scenarios) {
    console.log(`\n${scenario.name}: ${scenario.description}`);
    const startedAt = performance.now();
    try {
      const outcome = await scenario.run(context);
      outcomes[scenario.name] = outcome;
      failures.push(...outcome.failures);
      if (outcome.skipped) console.log(`  skipped: ${outcome.skipped}`);
    } catch (error) {
      failures.push(`${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
      console.log(`  FAILED: ${failures.at(-1)}`);
    }
    console.log(`  (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`);
  }

  const results: Results = {
    startedAt,
    command,
    machine,
    loadAverageAtEnd: loadavg()[0] ?? 0,
    setupPasswordHash: SETUP_PASSWORD_HASH,
    figures: Object.values(outcomes).flatMap((outcome) => outcome.figures),
    outcomes,
    failures,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}/${startedAt.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}/summary.md`, `${summary(results)}\n`);
  const sweeps = outcomes[fanOut.name]?.details as FanOutDetails | undefined;
  if (sweeps) writeFileSync(`${RESULTS_DIR}/chart.svg`, sweepChart(sweeps, machine));

  console.log(`\n${textTable(results.figures)}\n`);
  console.log(
    `results: ${file}, ${RESULTS_DIR}/summary.md${sweeps ? `, ${RESULTS_DIR}/chart.svg` : ''}`,
  );
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
