// `npm run bench:migration [-- --messages=1000000]` (needs DATABASE_URL=postgres://…): builds an
// e_chat_server database of that many messages in a throw-away schema, imports it into SQLite and
// into PostgreSQL, copies SQLite → PostgreSQL and back, and prints the messages/s of each step
// with the process's peak memory (constant memory: it does not grow with --messages).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ToolCommand } from '../src/tools/cli.js';
import { runOnce } from '../test/helpers/backends.js';
import { LEGACY_SCHEMA_SQL } from '../test/helpers/legacy-database.js';
import { runToolCaptured } from '../test/helpers/tool-run.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '1000000' } },
});
const MESSAGES = Number(values.messages);
const USERS = 1000;
const ROOMS = 2000;
const base = process.env.DATABASE_URL;
if (!base?.startsWith('postgres')) {
  process.stderr.write(
    'bench:migration: set DATABASE_URL=postgres://… (schemas are created and dropped there)\n',
  );
  process.exit(2);
}

const suffix = `${process.pid}_${Date.now()}`;
const schemas = {
  legacy: `bench_legacy_${suffix}`,
  imported: `bench_import_${suffix}`,
  copied: `bench_copy_${suffix}`,
};
const inSchema = (schema: string) => {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
};

async function buildLegacy(url: string): Promise<void> {
  await runOnce(url, LEGACY_SCHEMA_SQL);
  await runOnce(
    url,
    `INSERT INTO users (id, login, password, created_at)
       SELECT n, 'user ' || n, upper(md5('password ' || n)), timestamp '2015-01-01' + n * interval '1 minute'
         FROM generate_series(1, ${USERS}) AS n;
     INSERT INTO rooms (id, owner_id, created_at)
       SELECT n, 1 + n % ${USERS}, timestamp '2015-06-01' + n * interval '1 minute' FROM generate_series(1, ${ROOMS}) AS n;
     INSERT INTO users_rooms (room_id, user_id)
       SELECT n, 1 + n % ${USERS} FROM generate_series(1, ${ROOMS}) AS n
       UNION ALL SELECT n, 1 + (n * 7 + 1) % ${USERS} FROM generate_series(1, ${ROOMS}) AS n;
     INSERT INTO messages (id, room_id, user_id, text, created_at)
       SELECT n, 1 + n % ${ROOMS}, 1 + (n % ${ROOMS}) % ${USERS}, 'Сообщение номер ' || n || ', немного текста',
              timestamp '2016-01-01' + n * interval '1 second'
         FROM generate_series(1, ${MESSAGES}) AS n;
     ANALYZE;`,
  );
}

interface Step {
  readonly name: string;
  readonly seconds: number;
  readonly messagesPerSecond: number;
}

async function step(
  name: string,
  command: ToolCommand,
  args: string[],
  env: Record<string, string> = {},
): Promise<Step> {
  const started = performance.now();
  const { code, stdout, stderr } = await runToolCaptured(command, args, env);
  if (code !== 0) throw new Error(`${name}: exit ${code}: ${stderr}`);
  const seconds = (performance.now() - started) / 1000;
  const line = /^messages: [\d,]+ rows in ([\d.]+) s/m.exec(stdout);
  const messageSeconds = Number(line?.[1]);
  process.stdout.write(
    `${name}: ${seconds.toFixed(1)} s in all, messages at ${Math.round(MESSAGES / messageSeconds)}/s\n`,
  );
  return { name, seconds, messagesPerSecond: Math.round(MESSAGES / messageSeconds) };
}

const dir = mkdtempSync(join(tmpdir(), 'e-chat-bench-'));
try {
  for (const schema of Object.values(schemas)) await runOnce(base, `CREATE SCHEMA ${schema}`);
  const legacy = inSchema(schemas.legacy);
  const built = performance.now();
  await buildLegacy(legacy);
  process.stdout.write(
    `legacy database of ${MESSAGES} messages built in ${((performance.now() - built) / 1000).toFixed(1)} s\n`,
  );
  const sqliteUrl = `sqlite:${join(dir, 'imported.db')}`;
  const steps = [
    await step('import-legacy → SQLite', 'import-legacy', ['--from', legacy], {
      DATABASE_URL: sqliteUrl,
    }),
    await step('import-legacy → PostgreSQL', 'import-legacy', ['--from', legacy], {
      DATABASE_URL: inSchema(schemas.imported),
    }),
    await step('copy-store SQLite → PostgreSQL', 'copy-store', [
      '--from',
      sqliteUrl,
      '--to',
      inSchema(schemas.copied),
    ]),
    await step('copy-store PostgreSQL → SQLite', 'copy-store', [
      '--from',
      inSchema(schemas.copied),
      '--to',
      `sqlite:${join(dir, 'copied.db')}`,
    ]),
  ];
  const peakMib = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `\n| step (${MESSAGES.toLocaleString('en-US')} messages) | total | messages/s |\n|---|---|---|\n`,
  );
  for (const { name, seconds, messagesPerSecond } of steps) {
    process.stdout.write(
      `| ${name} | ${seconds.toFixed(1)} s | ${messagesPerSecond.toLocaleString('en-US')} |\n`,
    );
  }
  process.stdout.write(`\npeak memory of the whole run: ${peakMib} MiB\n`);
} finally {
  for (const schema of Object.values(schemas))
    await runOnce(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  rmSync(dir, { recursive: true, force: true });
}
