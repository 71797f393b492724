// Many connections opened and closed, politely or not, leave the hub exactly as empty as before.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUser, type TestUser } from '../helpers/http.js';
import { eventually, memoryInUse, metric } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CYCLES = 10_000;
const CONCURRENCY = 50;
const ROOMS = 5;

/** Opens a socket and closes it again; some close abruptly, some ask for a replay first. */
function cycle(url: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(n % 3 === 0 ? `${url}&after=0` : url);
    socket.once('open', () => {
      if (n % 4 === 0) socket.terminate();
      else socket.close();
    });
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
}

for (const backend of backends()) {
  describe(`websocket hub lifecycle (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test(`${CYCLES} connect/disconnect cycles leave the hub empty`, async () => {
      const users: TestUser[] = [];
      for (let n = 0; n <= ROOMS; n++) users.push(await registerUser(server.url));
      const [owner, ...others] = users as [TestUser, ...TestUser[]];
      const urls: string[] = [];
      for (const other of others) {
        const roomId = await createRoom(server.url, owner, [other]);
        await new Promise<void>((resolve) => {
          // Something to replay for the connections that ask for it.
          const socket = new WebSocket(
            `${server.wsUrl}/v1/rooms/${roomId}/chat?session_id=${other.session}`,
          );
          socket.once('open', () => {
            socket.send(JSON.stringify({ text: 'hello', client_id: 'hello' }));
            socket.once('message', () => socket.close());
          });
          socket.once('close', () => resolve());
        });
        for (const user of [owner, other]) {
          urls.push(`${server.wsUrl}/v1/rooms/${roomId}/chat?session_id=${user.session}`);
        }
      }

      const { hub } = server.server;
      const run = async (cycles: number) => {
        let next = 0;
        const worker = async () => {
          while (next < cycles) {
            const n = next++;
            await cycle(urls[n % urls.length] as string, n);
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        await eventually(() => hub.connectionCount === 0 && hub.roomCount === 0);
      };
      await run(CYCLES / 10); // warm-up: caches and pools reach their working size
      const baseline = await memoryInUse();
      await run(CYCLES);
      assert.equal(await metric(server.url, 'websocket_connections_open'), 0);
      const grown = (await memoryInUse()) - baseline;
      assert.ok(grown < 8 * 1024 * 1024, `memory grew by ${grown} bytes`);
    });
  });
}
