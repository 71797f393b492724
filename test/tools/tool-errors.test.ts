// The tools on bad input: one line on stderr and a non-zero exit code; an interrupted import
// (Ctrl-C or kill -9) is completed by running it again, without duplicates.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openTargetStore } from '../../src/tools/store-database.js';
import { backends, type TestDatabase } from '../helpers/backends.js';
import { createLegacyDatabase, LEGACY_MESSAGE_COUNT } from '../helpers/legacy-database.js';
import { allRows } from '../helpers/store-rows.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runToolCaptured, type ToolRun } from '../helpers/tool-run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const postgres = backends().find((backend) => backend.name === 'postgres');
if (!postgres) console.log('tool error suite skipped: DATABASE_URL is not a postgres:// URL');
const UNREACHABLE = 'postgres://root@127.0.0.1:1/test';

function assertOneLineError(run: ToolRun, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] as string, /^e-chat-server (import-legacy|copy-store): /);
  assert.match(lines[0] as string, pattern);
}

/** Starts a tool in a child process and sends `signal` once it prints a line starting `startOf`. */
async function interruptedRun(
  command: string,
  args: string[],
  env: Record<string, string>,
  signal: NodeJS.Signals,
  startOf: string,
) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(startOf)) child.kill(signal);
  });
  const [code, killedBy] = (await once(child, 'close')) as [number | null, string | null];
  clearTimeout(timer);
  return { code, killedBy, stderr };
}

function assertStoppedBy(
  signal: NodeJS.Signals,
  stopped: Awaited<ReturnType<typeof interruptedRun>>,
  command: string,
) {
  if (signal === 'SIGINT') {
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(
      stopped.stderr,
      new RegExp(
        `^e-chat-server ${command}: interrupted by SIGINT: every batch written is complete; run .* to finish\n$`,
      ),
    );
  } else {
    assert.equal(stopped.killedBy, 'SIGKILL');
  }
}

/** Every message present once, each chained to the one before it in its room. */
function assertCompleteChains(messages: readonly (readonly unknown[])[]): void {
  assert.equal(messages.length, LEGACY_MESSAGE_COUNT);
  const lastOfRoom = new Map<unknown, unknown>();
  for (const [id, roomId, , , , previousId] of messages) {
    assert.equal(previousId, lastOfRoom.get(roomId) ?? 0, `message ${id}`);
    lastOfRoom.set(roomId, id);
  }
}

describe('the tools on bad input', { skip: !postgres }, () => {
  const dir = tempDir();
  const target = { DATABASE_URL: `sqlite:${dir.path}/chat.db` };
  let legacy: TestDatabase & { url: string };
  let ours: TestDatabase;
  before(async () => {
    legacy = await createLegacyDatabase(process.env.DATABASE_URL as string);
    ours = await (postgres as NonNullable<typeof postgres>).createDatabase();
    await (await openTargetStore(ours.env.DATABASE_URL as string)).close();
  });
  after(async () => {
    await legacy?.drop();
    await ours?.drop();
    dir.cleanup();
  });

  test('an unreachable source', async () => {
    const run = await runToolCaptured('import-legacy', ['--from', UNREACHABLE], target);
    assertOneLineError(run, 1, /cannot reach postgres:\/\/root@127\.0\.0\.1:1\/test/);
    const copy = await runToolCaptured('copy-store', [
      '--from',
      UNREACHABLE,
      '--to',
      target.DATABASE_URL,
    ]);
    assertOneLineError(copy, 1, /cannot reach/);
  });

  test('a source that is not the expected schema', async () => {
    const ourUrl = ours.env.DATABASE_URL as string;
    const run = await runToolCaptured('import-legacy', ['--from', ourUrl], target);
    assertOneLineError(run, 1, /is not an e_chat_server database: no users\.password/);
    const copy = await runToolCaptured('copy-store', [
      '--from',
      legacy.url,
      '--to',
      target.DATABASE_URL,
    ]);
    assertOneLineError(copy, 1, /is not an e-chat-server database/);
    const missing = await runToolCaptured('copy-store', [
      '--from',
      `sqlite:${dir.path}/none.db`,
      '--to',
      ourUrl,
    ]);
    assertOneLineError(missing, 1, /no such file/);
  });

  test('a target of the wrong engine or kind', async () => {
    const intoLegacy = await runToolCaptured('import-legacy', ['--from', legacy.url], {
      DATABASE_URL: legacy.url,
    });
    assertOneLineError(intoLegacy, 1, /holds tables that are not an e-chat-server schema/);
    const mysql = await runToolCaptured('copy-store', [
      '--from',
      target.DATABASE_URL,
      '--to',
      'mysql://x',
    ]);
    assertOneLineError(mysql, 2, /not a store URL/);
    const sqliteSource = await runToolCaptured(
      'import-legacy',
      ['--from', target.DATABASE_URL],
      target,
    );
    assertOneLineError(sqliteSource, 2, /must be a postgres:\/\/ URL/);
  });

  test('bad arguments', async () => {
    assertOneLineError(await runToolCaptured('import-legacy', [], target), 2, /--from is required/);
    assertOneLineError(
      await runToolCaptured(
        'import-legacy',
        ['--from', legacy.url, '--timezone', 'Mars/Olympus'],
        target,
      ),
      2,
      /--timezone Mars\/Olympus/,
    );
    assertOneLineError(
      await runToolCaptured('copy-store', ['--form', 'x']),
      2,
      /Unknown option '--form'/,
    );
    assertOneLineError(
      await runToolCaptured('copy-store', [
        '--from',
        'sqlite:a',
        '--to',
        'sqlite:b',
        '--batch-size',
        '0',
      ]),
      2,
      /--batch-size/,
    );
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    test(`an import stopped by ${signal} is completed by running it again`, async () => {
      const store = tempDir();
      try {
        const env = { DATABASE_URL: `sqlite:${store.path}/chat.db` };
        const args = ['--from', legacy.url, '--batch-size', '10'];
        const stopped = await interruptedRun('import-legacy', args, env, signal, 'rooms: ');
        assertStoppedBy(signal, stopped, 'import-legacy');
        const partial = (await allRows(env.DATABASE_URL)).messages ?? [];
        assert.ok(partial.length < LEGACY_MESSAGE_COUNT, `${partial.length} messages already`);

        const rerun = await runToolCaptured('import-legacy', args, env);
        assert.equal(rerun.code, 0, rerun.stderr);
        assertCompleteChains((await allRows(env.DATABASE_URL)).messages ?? []);
      } finally {
        store.cleanup();
      }
    });

    test(`a copy stopped by ${signal} is completed by running it again with --append`, async () => {
      const store = tempDir();
      try {
        const source = `sqlite:${store.path}/source.db`;
        assert.equal(
          (await runToolCaptured('import-legacy', ['--from', legacy.url], { DATABASE_URL: source }))
            .code,
          0,
        );
        const copyTarget = await (postgres as NonNullable<typeof postgres>).createDatabase();
        try {
          const to = copyTarget.env.DATABASE_URL as string;
          const args = ['--from', source, '--to', to, '--batch-size', '10'];
          const stopped = await interruptedRun('copy-store', args, {}, signal, 'room_members: ');
          assertStoppedBy(signal, stopped, 'copy-store');
          assert.ok(((await allRows(to)).messages ?? []).length < LEGACY_MESSAGE_COUNT);
          const rerun = await runToolCaptured('copy-store', [...args, '--append']);
          assert.equal(rerun.code, 0, rerun.stderr);
          assert.deepEqual(await allRows(to), await allRows(source));
        } finally {
          await copyTarget.drop();
        }
      } finally {
        store.cleanup();
      }
    });
  }
});
