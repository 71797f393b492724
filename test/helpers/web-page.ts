// The browser client as people use it, for browser tests: a person's page (one browser context
// each), what goes wrong on it, and the few gestures every suite repeats.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { TEST_PASSWORD } from './http.js';
import { type StartOptions, startServer, type TestServer } from './server.js';

/** Screenshots of the main screens land here (gitignored), kept after the run as artefacts. */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? 'test-output/screenshots';

/** No test of a browser suite runs longer than this (each action waits 10 s at most). */
export const STEP = { timeout: 60_000 };

export interface BrowserFixture {
  readonly server: TestServer;
  readonly browser: Browser;
}

/** For a suite: a server and a Chromium, started in `before` and closed in `after`. */
export function browserFixture(options: StartOptions = {}): BrowserFixture {
  const fixture = {} as { -readonly [K in keyof BrowserFixture]: BrowserFixture[K] };
  before(async () => {
    fixture.server = await startServer(options);
    fixture.browser = await launchBrowser();
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
  });
  return fixture;
}

export interface Person {
  readonly login: string;
  readonly page: Page;
  /** Uncaught exceptions and console errors: a CSP refusal or a bug shows up here. */
  readonly problems: string[];
}

/** A page of its own browser context (its own localStorage), watched for problems. */
export async function newPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 }, ...options });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { page, problems: watch(page) };
}

export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (entry) => {
    // Refused requests and connects while a test cuts the server off are its doing, not bugs.
    if (
      entry.type() === 'error' &&
      !/Failed to load resource|WebSocket connection/.test(entry.text())
    ) {
      problems.push(entry.text());
    }
  });
  return problems;
}

/** Registers through the login form and waits for the chat screen. */
export async function register(
  browser: Browser,
  url: string,
  login: string,
  options: BrowserContextOptions = {},
): Promise<Person> {
  const { page, problems } = await newPage(browser, options);
  await page.goto(url);
  await page.getByLabel('Login', { exact: true }).fill(login);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.locator('#me', { hasText: login }).waitFor();
  return { login, page, problems };
}

/** The id of the element that has the focus. */
export function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate<string | undefined>('document.activeElement?.id');
}

/** The room open on a page (`#room/12`). */
export function openRoomId(page: Page): number {
  return Number(new URL(page.url()).hash.split('/')[1]);
}

export function messageItem(page: Page, text: string) {
  return page.locator('#messages li.message', { hasText: text });
}

export function roomLink(page: Page, name: string) {
  const exactly = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('#room-list a', { has: page.locator('.room-name', { hasText: exactly }) });
}

/** Finds people by login, picks them, and starts the room (which opens). */
export async function startChat(person: Person, others: readonly string[]): Promise<void> {
  const { page } = person;
  for (const login of others) {
    await page.getByLabel('Start a chat with').fill(login);
    await page.getByRole('button', { name: login, exact: true }).click();
  }
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.locator('#room-title', { hasText: others[0] }).waitFor();
}

/** Sends from the message box (Enter, or the button as on a touch screen) and waits for it. */
export async function say(person: Person, text: string, by: 'enter' | 'button' = 'enter') {
  const box = person.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  if (by === 'enter') await box.press('Enter');
  else await person.page.getByRole('button', { name: 'Send' }).tap();
  await messageItem(person.page, text).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
