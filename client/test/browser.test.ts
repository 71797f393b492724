// The library as built, in a real Chromium under the server's CSP: the browser's own fetch and
// WebSocket, talking with a Node client of the same library.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launchBrowser } from '../../test/helpers/browser.js';
import { TEST_PASSWORD, uniqueLogin } from '../../test/helpers/http.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { buildLibrary } from './helpers/build.js';
import { type Person, person } from './helpers/clients.js';

const LIBRARY_PATH = '/lib/';

/**
 * The server's own page (its origin, its CSP: a page from anywhere else may not reach loopback),
 * with the built library served under /lib/.
 */
async function libraryPage(browser: Browser, server: TestServer, dist: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.route(`${server.url}${LIBRARY_PATH}*.js`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(LIBRARY_PATH.length);
    return route.fulfill({
      contentType: 'text/javascript',
      body: readFileSync(join(dist, name.replace(/[^\w.-]/g, ''))),
    });
  });
  const response = await page.goto(`${server.url}/`);
  assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
  after(() => assert.deepEqual(problems, []));
  return page;
}

describe('client library in a browser', { skip: browserSkip, timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let bob: Person;
  const dist = tempDir();

  before(async () => {
    buildLibrary(dist.path);
    server = await startServer();
    browser = await launchBrowser();
    page = await libraryPage(browser, server, dist.path);
    bob = await person(server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    dist.cleanup();
  });

  test('register, start a room and talk over the room socket with the browser’s WebSocket', async () => {
    const login = uniqueLogin('Алиса');
    const heardByBob = new Promise<string>((resolve) => {
      void (async () => {
        for (;;) {
          const rooms = [];
          for await (const room of bob.client.rooms()) rooms.push(room);
          const room = rooms[0];
          if (room) {
            const socket = bob.client.roomSocket(room.id, { after: 0 });
            const off = socket.on('message', (message) => {
              off();
              resolve(message.text);
              void socket.send('И тебе привет').then(() => socket.close());
            });
            return;
          }
          await new Promise((wait) => setTimeout(wait, 20));
        }
      })();
    });
    const reply = page.evaluate(
      async ({ login, password, bobId, path, baseUrl }) => {
        const { ChatClient } = await import(`${path}index.js`);
        const chat = new ChatClient({ baseUrl });
        await chat.register(login, password);
        const room = await chat.createRoom([bobId]);
        const socket = chat.roomSocket(room.id);
        const answer = new Promise((resolve) => {
          socket.on('message', (message: { user_id: number; text: string }) => {
            if (message.user_id === bobId) resolve(message.text);
          });
        });
        const stored = await socket.send('Привет из браузера');
        return { stored: stored.text, answer: await answer };
      },
      {
        login,
        password: TEST_PASSWORD,
        bobId: bob.user.id,
        path: LIBRARY_PATH,
        baseUrl: server.url,
      },
    );
    assert.equal(await heardByBob, 'Привет из браузера');
    assert.deepEqual(await reply, { stored: 'Привет из браузера', answer: 'И тебе привет' });
  });

  test('errors reach the page as ChatError values with their code', async () => {
    const caught = await page.evaluate(
      async ({ path, baseUrl }) => {
        const { ChatClient, ChatError } = await import(`${path}index.js`);
        const chat = new ChatClient({ baseUrl });
        try {
          await chat.info();
          return 'no error';
        } catch (error) {
          const { code, status } = error as { code: string; status: number };
          return `${error instanceof ChatError} ${code} ${status}`;
        }
      },
      { path: LIBRARY_PATH, baseUrl: server.url },
    );
    assert.equal(caught, 'true unauthorized 401');
  });
});
