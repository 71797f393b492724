// The browser client in a real Chromium: two people register, start a room, talk, reload, reconnect.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser } from '../helpers/browser.js';
import { request, uniqueLogin } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ChatClient } from '../helpers/ws.js';

/** Set it to keep the screenshots; by default they go to a temporary folder removed at the end. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

interface Person {
  readonly login: string;
  readonly page: Page;
  /** Uncaught exceptions and console errors: a CSP refusal or a bug shows up here. */
  readonly problems: string[];
}

function messageItem(page: Page, text: string) {
  return page.locator('#messages li.message', { hasText: text });
}

async function register(context: BrowserContext, url: string, login: string): Promise<Person> {
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (entry) => {
    if (entry.type() === 'error') problems.push(entry.text());
  });
  await page.goto(url);
  await page.getByLabel('Login', { exact: true }).fill(login);
  await page.getByLabel('Password', { exact: true }).fill('pass:word1');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.locator('#me', { hasText: login }).waitFor();
  return { login, page, problems };
}

/** Sends a text and waits for the server's acknowledgement to settle it. */
async function say(person: Person, text: string): Promise<void> {
  const box = person.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await person.page.locator('#messages li.message.mine:not(.pending)', { hasText: text }).waitFor();
}

describe('browser client', { skip: browserSkip, timeout: 55_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  const shots = tempDir();

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const viewport = { width: 960, height: 640 };
    alice = await register(
      await browser.newContext({ viewport }),
      server.url,
      uniqueLogin('Алиса'),
    );
    bob = await register(await browser.newContext({ viewport }), server.url, uniqueLogin('bob'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    shots.cleanup();
  });

  test('the page and its files are served, other paths stay JSON errors', async () => {
    const page = await request(server.url, 'GET', '/nowhere');
    assert.deepEqual([page.status, page.body], [404, { error: { code: 'not_found' } }]);
    const posted = await request(server.url, 'POST', '/app.js');
    assert.equal(posted.status, 405);
    const index = await fetch(`${server.url}/`);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    await index.body?.cancel();
  });

  test('a room started from the search, then talk both ways', async () => {
    const { page } = alice;
    await page.getByLabel('Start a chat with').fill(bob.login.slice(0, 8));
    await page.getByRole('button', { name: bob.login }).click();
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.locator('#room-title', { hasText: bob.login }).waitFor();
    await say(alice, 'Привет, Боб!');

    await bob.page.getByRole('button', { name: 'Refresh rooms' }).click();
    await bob.page.getByRole('link', { name: alice.login }).click();
    await messageItem(bob.page, 'Привет, Боб!').waitFor();
    const greeting = await messageItem(bob.page, 'Привет, Боб!').textContent();
    assert.match(greeting ?? '', new RegExp(alice.login));

    await say(bob, 'Hi <b>Alice</b> <img src=x onerror=alert(1)>');
    await messageItem(alice.page, 'Hi <b>Alice</b>').waitFor();
    assert.equal(await alice.page.locator('#messages b, #messages img').count(), 0);

    await say(alice, 'live to you');
    await messageItem(bob.page, 'live to you').waitFor();
  });

  test('a reloaded page shows the history again', async () => {
    await bob.page.reload();
    await messageItem(bob.page, 'live to you').waitFor();
    assert.equal(await bob.page.locator('#messages li.message').count(), 3);
  });

  test('after the server drops every socket, both sides reconnect without gap or duplicate', async () => {
    server.server.hub.closeAll(1001);
    await say(alice, 'sent across the reconnect');
    await messageItem(bob.page, 'sent across the reconnect').waitFor();
    await say(bob, 'and back');
    await messageItem(alice.page, 'and back').waitFor();
    assert.equal(await messageItem(bob.page, 'sent across the reconnect').count(), 1);
    assert.equal(await alice.page.locator('#messages li.message').count(), 5);
  });

  test('older messages load on demand, in order', async () => {
    const roomId = Number(new URL(bob.page.url()).hash.replace('#room/', ''));
    const session = await alice.page.evaluate<string>("sessionStorage.getItem('e-chat.session')");
    const sender = await ChatClient.open(server.wsUrl, roomId, session);
    for (let i = 1; i <= 50; i += 1) sender.send({ text: `burst ${i}`, client_id: `burst-${i}` });
    await sender.waitFor(50);
    await sender.close();

    await bob.page.reload();
    await messageItem(bob.page, 'burst 50').waitFor();
    const items = bob.page.locator('#messages li.message');
    assert.equal(await items.count(), 50);
    await bob.page.getByRole('button', { name: 'Load older messages' }).click();
    await messageItem(bob.page, 'Привет, Боб!').waitFor();
    assert.equal(await items.count(), 55);
    assert.match((await items.first().textContent()) ?? '', /Привет, Боб!/);
    assert.equal(await bob.page.getByRole('button', { name: 'Load older messages' }).count(), 0);
  });

  test('screenshots, a wide and a narrow window', async () => {
    const dir = SCREENSHOT_DIR ?? shots.path;
    await alice.page.screenshot({ path: join(dir, 'wide.png') });
    await bob.page.setViewportSize({ width: 380, height: 640 });
    await bob.page.screenshot({ path: join(dir, 'narrow.png') });
    await bob.page.getByRole('link', { name: 'Back to rooms' }).click();
    await bob.page.getByRole('link', { name: alice.login }).waitFor();
  });

  test('logging out goes back to the login form', async () => {
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.deepEqual([...alice.problems, ...bob.problems], []);
  });
});
