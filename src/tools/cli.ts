// The command-line tools beside the server: `import-legacy` and `copy-store`. Progress, notes and
// the summary go to stdout; a failure is one line on stderr and a non-zero exit code.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

import { ConfigError, loadConfig } from '../config.js';
import { Interruption } from './interruption.js';
import { type Output, Progress } from './progress.js';
import { displayUrl, ToolError } from './tool-error.js';

const USAGE = {
  'import-legacy': `Usage: e-chat-server import-legacy --from postgres://… [--sessions] [--timezone Zone]

Imports an e_chat_server (the Erlang original) database into the store DATABASE_URL names
(created and migrated if new). Ids are kept; running it again imports only what is new.
  --from URL        the e_chat_server PostgreSQL database
  --sessions        also import its sessions, so logged-in clients stay logged in
  --timezone Zone   the zone its timestamps were written in (default UTC), e.g. Europe/Moscow
  --batch-size N    rows per batch and transaction (default 10000)
`,
  'copy-store': `Usage: e-chat-server copy-store --from URL --to URL [--append]

Copies every table of one e-chat-server store into another (sqlite:PATH or postgres://…), ids
kept, then checks that row counts and last ids match. Stop the servers first.
  --from URL     the store to read (left unchanged)
  --to URL       the store to write: created if new, refused if not empty unless --append
  --append       add only the rows the target lacks (e.g. to finish an interrupted copy)
  --batch-size N rows per batch and transaction (default 10000)
`,
} as const;

export type ToolCommand = keyof typeof USAGE;

export function isToolCommand(name: string | undefined): name is ToolCommand {
  return name !== undefined && Object.hasOwn(USAGE, name);
}

export interface ToolIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Record<string, string | undefined>;
}

const processIo: ToolIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** Runs one tool to its end; resolves with the exit code. */
export async function runTool(
  command: ToolCommand,
  args: string[],
  io = processIo,
): Promise<number> {
  const interruption = new Interruption(
    command === 'copy-store' ? 'run it again with --append' : 'run the same command again',
  ).listen();
  const startedAt = Date.now();
  try {
    const summary = await (command === 'import-legacy'
      ? runImport(args, io, interruption)
      : runCopy(args, io, interruption));
    if (summary === undefined) return 0;
    io.stdout.write(`${summary}done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (error) {
    const known = error instanceof ToolError || error instanceof ConfigError;
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    io.stderr.write(`e-chat-server ${command}: ${message}\n`);
    return error instanceof ToolError ? error.exitCode : known ? 2 : 1;
  } finally {
    interruption.stopListening();
  }
}

type Values = Record<string, string | boolean | undefined>;

/** The parsed options, or undefined after printing the usage for --help. */
function parse(
  command: ToolCommand,
  args: string[],
  options: ParseArgsOptionsConfig,
  io: ToolIo,
): Values | undefined {
  let values: Values;
  try {
    ({ values } = parseArgs({ args, options: { ...options, help: { type: 'boolean' } } }) as {
      values: Values;
    });
  } catch (error) {
    throw new ToolError(`${(error as Error).message} (see --help)`, 2);
  }
  if (values.help) {
    io.stdout.write(USAGE[command]);
    return undefined;
  }
  return values;
}

const DEFAULT_BATCH_SIZE = '10000';
/** Bounded: a batch is held in memory whole. */
const MAX_BATCH_SIZE = 100_000;

function batchSize(value: string | boolean | undefined): number {
  const size = Number(value);
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new ToolError(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}`, 2);
  }
  return size;
}

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ToolError(`--${name} is required (see --help)`, 2);
  return value;
}

async function runImport(args: string[], io: ToolIo, interruption: Interruption) {
  const values = parse(
    'import-legacy',
    args,
    {
      from: { type: 'string' },
      sessions: { type: 'boolean', default: false },
      timezone: { type: 'string', default: 'UTC' },
      'batch-size': { type: 'string', default: DEFAULT_BATCH_SIZE },
    },
    io,
  );
  if (!values) return undefined;
  const to = loadConfig(io.env).databaseUrl;
  const { importLegacy } = await import('./import-legacy.js');
  const { formatImportReport } = await import('./summary.js');
  const from = required(values.from, 'from');
  const report = await importLegacy({
    from,
    to,
    timezone: values.timezone as string,
    sessions: values.sessions === true,
    batchSize: batchSize(values['batch-size']),
    progress: new Progress(io.stdout),
    interruption,
    now: Math.floor(Date.now() / 1000),
  });
  return `imported ${displayUrl(from)} into ${displayUrl(to)}\n${formatImportReport(report)}`;
}

async function runCopy(args: string[], io: ToolIo, interruption: Interruption) {
  const values = parse(
    'copy-store',
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      append: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: DEFAULT_BATCH_SIZE },
    },
    io,
  );
  if (!values) return undefined;
  const { copyStore } = await import('./copy-store.js');
  const { formatCopyReport } = await import('./summary.js');
  const from = required(values.from, 'from');
  const to = required(values.to, 'to');
  const copied = await copyStore({
    from,
    to,
    append: values.append === true,
    batchSize: batchSize(values['batch-size']),
    progress: new Progress(io.stdout),
    interruption,
  });
  return `copied ${displayUrl(from)} into ${displayUrl(to)}; counts and last ids checked\n${formatCopyReport(copied)}`;
}
