// The program as an operator runs it: --help, refusing bad configuration, JSON logs without
// secrets, and a graceful exit on SIGTERM/SIGINT.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deadline } from './helpers/deadline.js';
import { request } from './helpers/http.js';
import { rawExchange } from './helpers/raw-http.js';
import { TEST_ENV } from './helpers/server.js';
import { tempDir } from './helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** What `npm start` runs. */
const NPM_START = ['--import', 'tsx', 'src/main.ts'];
/** The `e-chat-server` command that `npx` finds. */
const BIN = ['bin/e-chat-server.js'];

/** Starts the program with only these variables (no inherited DATABASE_URL or REDIS_URL). */
function spawnMain(env: Record<string, string>, args: string[] = [], entry = NPM_START): Running {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...TEST_ENV,
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A failing test must not leave the server running.
    ...deadline(20_000),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  // 'close', not 'exit': by then everything the child wrote has been read.
  const exited = once(child, 'close').then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits for Fastify's "Server listening at" log line and returns the URL in it. */
async function listening(running: Running): Promise<string> {
  for (;;) {
    const match = /"Server listening at (http:\/\/[^"]+)"/.exec(running.stdout());
    if (match) return match[1] as string;
    const outcome = await Promise.race([
      once(running.child.stdout as NodeJS.ReadableStream, 'data').then(() => 'data'),
      running.exited.then(() => 'exited'),
    ]);
    if (outcome === 'exited') throw new Error(`exited early: ${running.stderr()}`);
  }
}

/** A client that sends half a body and hangs up. */
async function abortMidBody(base: string): Promise<void> {
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write('POST /v1/register HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"lo');
  socket.destroy();
  await once(socket, 'close');
}

describe('e-chat-server, the program', () => {
  test('--help lists the variables with their defaults and exits 0', async () => {
    const running = spawnMain({}, ['--help']);
    assert.equal(await running.exited, 0);
    assert.match(running.stdout(), /^ {2}PORT .*\n.*default: 8081$/m);
    assert.match(running.stdout(), /^ {2}DATABASE_URL .*\n.*default: sqlite:\.\/data\/chat\.db$/m);
    assert.match(running.stdout(), /^ {2}REDIS_URL /m);
    assert.equal(running.stderr(), '');
  });

  test('the e-chat-server command runs the server and its tools from the sources', async () => {
    for (const [args, usage] of [
      [['--help'], /^ {2}PORT /m],
      [['import-legacy', '--help'], /^Usage: e-chat-server import-legacy /],
      [['copy-store', '--help'], /^Usage: e-chat-server copy-store /],
    ] as const) {
      const running = spawnMain({}, [...args], BIN);
      assert.equal(await running.exited, 0, running.stderr());
      assert.match(running.stdout(), usage);
    }
  });

  test('PORT=abc stops the start with one clear line on stderr and exit code 2', async () => {
    const running = spawnMain({ PORT: 'abc' });
    assert.equal(await running.exited, 2);
    const lines = running.stderr().split('\n').filter(Boolean);
    assert.equal(lines.length, 1, running.stderr());
    assert.match(lines[0] as string, /PORT/);
    assert.match(lines[0] as string, /abc/);
    assert.equal(running.stdout(), '');
  });

  test('several bad values are still one line, naming each', async () => {
    const running = spawnMain({ PORT: 'abc', BODY_LIMIT_BYTES: '-5' });
    assert.equal(await running.exited, 2);
    const lines = running.stderr().split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.match(lines[0] as string, /PORT.*BODY_LIMIT_BYTES|BODY_LIMIT_BYTES.*PORT/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} shuts down gracefully with exit code 0`, async () => {
      const running = spawnMain({ PORT: '0' });
      const url = await listening(running);
      assert.equal((await request(url, 'GET', '/healthz')).status, 200);
      running.child.kill(signal);
      assert.equal(await running.exited, 0, running.stderr());
      assert.match(running.stdout(), /"shutting down"/);
    });
  }

  test('creates and migrates its SQLite file on first start; a restart keeps the data', async () => {
    const dir = tempDir();
    try {
      const env = { PORT: '0', DATABASE_URL: `sqlite:${dir.path}/new/folder/chat.db` };
      const credentials = { login: 'Постоянный', password: 'pass:word1' };
      const first = spawnMain(env);
      const registered = await request(await listening(first), 'POST', '/v1/register', {
        body: credentials,
      });
      assert.equal(registered.status, 200);
      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 0);
      assert.ok(existsSync(`${dir.path}/new/folder/chat.db`));

      const second = spawnMain(env);
      const url = await listening(second);
      const info = await request(url, 'GET', '/v1/info', { session: registered.body.session_id });
      assert.deepEqual(info.body.login, credentials.login);
      assert.equal((await request(url, 'POST', '/v1/login', { body: credentials })).status, 200);
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
    } finally {
      dir.cleanup();
    }
  });

  test('logs are JSON lines without passwords or session ids', async () => {
    const running = spawnMain({ PORT: '0' });
    const url = await listening(running);
    const password = 'Pa55-word-to-hide';
    const credentials = { login: 'Логгер', password };
    await abortMidBody(url);
    const registered = await request(url, 'POST', '/v1/register', { body: credentials });
    const loggedIn = await request(url, 'POST', '/v1/login', { body: credentials });
    const sessions = [registered.body.session_id, loggedIn.body.session_id] as string[];
    await request(url, 'GET', '/v1/info', { session: sessions[0] });
    await request(url, 'POST', '/v1/login', { body: { ...credentials, password: `${password}!` } });
    await request(url, 'GET', `/v1/rooms/1/chat?session_id=${sessions[1]}&after=3`);
    await request(url, 'GET', `/v1/rooms/1/chat?session%5Fid=${sessions[1]}`);
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n';
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    for (const target of [`//x:99999/v1/rooms/1/chat?session_id=${sessions[1]}`, '//']) {
      await rawExchange(url, `GET ${target} HTTP/1.1\r\nHost: x\r\n${upgrade}${key}\r\n`);
    }
    await request(url, 'POST', '/v1/logout', { session: sessions[0] });
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);

    const output = running.stdout();
    const lines = output.split('\n').filter(Boolean);
    assert.ok(lines.length > 5);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.ok(!output.includes(password), 'a password reached the logs');
    for (const session of sessions) {
      assert.ok(!output.includes(session), 'a session id reached the logs');
    }
    assert.ok(output.includes('session_id=[redacted]'), 'the chat URL is logged, redacted');
    assert.ok(output.includes('session%5Fid=[redacted]'), 'so is another spelling of it');
    const errors = lines.filter((line) => JSON.parse(line).level >= 50);
    assert.deepEqual(errors, [], 'nothing a client did is an error of the server');
    assert.ok(output.includes('/v1/info'), 'requests are logged');
  });
});
