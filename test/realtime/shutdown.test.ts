// SIGTERM during a burst: sockets close with 1001, the process exits 0, no acknowledged message is lost.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backends } from '../helpers/backends.js';
import { deadline } from '../helpers/deadline.js';
import { createRoom, registerUser, type TestUser } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import { TEST_ENV } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const SENDERS = 3;
const WINDOW = 50;
/** Only a bound: the senders stop when the server closes their sockets. */
const MAX_PER_SENDER = 100_000;
const ACKS_BEFORE_SIGTERM = 200;

interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** Runs `src/main.ts` as `npm start` would, and waits for it to listen. */
async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...TEST_ENV, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    ...deadline(),
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const listening = /Server listening at (http:\/\/\S+?)"/.exec(line);
    if (listening?.[1]) {
      child.stdout?.resume(); // the rest of the log is not needed, but must not block the pipe
      return { child, url: listening[1], exited };
    }
  }
  throw new Error(`the server exited with ${await exited} before listening`);
}

/**
 * Sends numbered messages with client ids until the socket closes, like a real client: at most
 * WINDOW of them unanswered at a time. Resolves with how many it sent.
 */
async function keepSending(client: ChatClient, sender: number): Promise<number> {
  let scanned = 0;
  let replies = 0;
  const countReplies = () => {
    for (; scanned < client.received.length; scanned++) {
      if (client.received[scanned]?.client_id !== undefined) replies++;
    }
    return replies;
  };
  let sent = 0;
  while (client.closeCode === undefined && sent < MAX_PER_SENDER) {
    const clientId = `s${sender}-${sent}`;
    client.send({ text: clientId, client_id: clientId });
    sent++;
    while (sent - countReplies() >= WINDOW && client.closeCode === undefined) {
      await client.waitFor(client.received.length + 1).catch(() => undefined);
    }
  }
  return sent;
}

for (const backend of backends()) {
  describe(`graceful shutdown (${backend.name})`, () => {
    test('SIGTERM in the middle of a burst loses no acknowledged message', async () => {
      const database = await backend.createDatabase();
      try {
        const first = await startProcess(database.env);
        const users: TestUser[] = [];
        for (let n = 0; n <= SENDERS; n++) users.push(await registerUser(first.url));
        const [listener, ...senders] = users as [TestUser, ...TestUser[]];
        const roomId = await createRoom(first.url, listener, senders);
        const wsUrl = first.url.replace(/^http/, 'ws');
        const receiver = await ChatClient.open(wsUrl, roomId, listener.session);
        const clients = await Promise.all(
          senders.map((sender) => ChatClient.open(wsUrl, roomId, sender.session)),
        );

        const sending = clients.map((client, sender) => keepSending(client, sender));
        const acks = (): Frame[] =>
          clients.flatMap((client) =>
            client.received.filter(
              (frame) => frame.id !== undefined && frame.client_id !== undefined,
            ),
          );
        while (acks().length < ACKS_BEFORE_SIGTERM)
          await receiver.waitFor(receiver.received.length + 1);
        first.child.kill('SIGTERM');

        const codes = await Promise.all([receiver, ...clients].map((client) => client.closed));
        assert.deepEqual(new Set(codes), new Set([1001]));
        assert.equal(await first.exited, 0);
        const sent = (await Promise.all(sending)).reduce((sum, count) => sum + count, 0);
        assert.ok(sent > acks().length, 'the burst was still going on');

        const second = await startProcess(database.env);
        try {
          const history = await roomHistory(second.url, listener.session, roomId);
          const stored = new Map(history.map((message) => [message.id, message]));
          const acknowledged = acks();
          assert.ok(acknowledged.length >= ACKS_BEFORE_SIGTERM);
          for (const ack of acknowledged) {
            const { client_id: clientId, ...message } = ack;
            assert.equal(message.text, clientId);
            assert.deepEqual(stored.get(message.id), message);
          }
          for (const frame of receiver.received) assert.deepEqual(stored.get(frame.id), frame);
          // A frame refused while shutting down was not stored: resending it later is safe.
          const refused = clients.flatMap((client) =>
            client.received.filter((frame) => frame.error !== undefined),
          );
          for (const frame of refused) assert.equal(frame.error.code, 'unavailable');
          const texts = new Set(history.map((message) => message.text));
          assert.ok(refused.every((frame) => !texts.has(frame.client_id)));
        } finally {
          second.child.kill('SIGTERM');
          assert.equal(await second.exited, 0);
        }
      } finally {
        await database.drop();
      }
    });
  });
}
