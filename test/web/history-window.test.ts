// A busy room in a tab left open: the page keeps a window of its latest messages, not all of them;
// scrolling up still reads older ones, and a reader far up who falls behind gets the latest back.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ChatClient } from '../../client/src/index.js';
import { PAGE, READING_UP_WINDOW, WINDOW } from '../../web/src/room-history.js';
import { browserSkip } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/http.js';
import {
  browserFixture,
  messageItem,
  openRoomId,
  type Person,
  register,
  roomLink,
  STEP,
  say,
} from '../helpers/web-page.js';

/**
 * A burst of hundreds of messages: on 2 loaded cores the sends alone have taken 28 s, and the page
 * has taken over 10 s to draw the last of them (each draws the whole window).
 */
const BURST_STEP = { timeout: 150_000 };
const DRAWN = { timeout: 60_000 };

/** The text of the nth message Алиса sends, unique as a substring. */
const nth = (n: number) => `№${n}.`;

describe('web client: a bounded window of a busy room', {
  skip: browserSkip,
  timeout: 420_000,
}, () => {
  const suite = browserFixture();
  let petr: Person;
  let api: ChatClient;
  let roomId: number;
  let sent = 0;

  async function sendUpTo(count: number): Promise<void> {
    while (sent < count) {
      sent += 1;
      await api.send(roomId, nth(sent));
    }
  }

  const shown = () => petr.page.locator('#messages li.message').count();
  const scrollToTop = () =>
    petr.page.locator('#scroller').evaluate((node) => node.scrollTo({ top: 0 }));

  before(async () => {
    const alice = await register(suite.browser, suite.server.url, 'Алиса');
    petr = await register(suite.browser, suite.server.url, 'Пётр');
    await alice.page.getByLabel('Start a chat with').fill('Пётр');
    await alice.page.getByRole('button', { name: 'Пётр', exact: true }).click();
    await alice.page.getByRole('button', { name: 'Start chat' }).click();
    await say(alice, 'Начало');
    roomId = openRoomId(alice.page);
    api = new ChatClient({ baseUrl: suite.server.url });
    await api.login('Алиса', TEST_PASSWORD);
    await roomLink(petr.page, 'Алиса').click();
    await messageItem(petr.page, 'Начало').waitFor();
  });

  test('following a busy room, only the last messages stay on the page', BURST_STEP, async () => {
    await sendUpTo(WINDOW + 60);
    await messageItem(petr.page, nth(WINDOW + 60)).waitFor(DRAWN);
    assert.equal(await shown(), WINDOW);
    assert.equal(await messageItem(petr.page, 'Начало').count(), 0);
    assert.equal(await messageItem(petr.page, nth(60)).count(), 0);
    assert.equal(await messageItem(petr.page, nth(61)).count(), 1);
  });

  test('scrolling up reads again what left the window', STEP, async () => {
    const first = messageItem(petr.page, 'Начало');
    for (let tries = 0; tries < 20 && (await first.count()) === 0; tries += 1) {
      await scrollToTop();
      await petr.page.waitForTimeout(150);
    }
    await first.waitFor();
    assert.equal(await shown(), WINDOW + 61);
    assert.equal(await petr.page.locator('#older').isVisible(), false);
  });

  test('far up in a full window, the latest wait: the jump brings them', BURST_STEP, async () => {
    await sendUpTo(READING_UP_WINDOW - 1);
    await messageItem(petr.page, nth(READING_UP_WINDOW - 1)).waitFor(DRAWN);
    assert.equal(await shown(), READING_UP_WINDOW, 'nothing went from under the reader');
    await sendUpTo(READING_UP_WINDOW + 1);
    const jump = petr.page.locator('#jump');
    await jump.filter({ hasText: `${sent - (WINDOW + 60)} new` }).waitFor(DRAWN);
    assert.equal(await messageItem(petr.page, nth(READING_UP_WINDOW)).count(), 0);
    assert.equal(await shown(), READING_UP_WINDOW);
    await jump.click();
    await messageItem(petr.page, nth(READING_UP_WINDOW + 1)).waitFor();
    assert.equal(await shown(), PAGE, 'the room opened again at its latest page');
    // What the reader had scrolled through counts as read; the line is above what they missed.
    const marker = petr.page.locator('#messages li.new-marker');
    const after = await marker.evaluate((node) => node.nextElementSibling?.textContent ?? '');
    assert.ok(after.includes(nth(READING_UP_WINDOW)), after);
    await jump.waitFor({ state: 'hidden' });
    await roomLink(petr.page, 'Алиса').locator('.badge').waitFor({ state: 'detached' });
  });

  test('a room left keeps its latest page: it shows at once, even offline', STEP, async () => {
    await scrollToTop();
    await messageItem(petr.page, nth(sent - PAGE)).waitFor();
    await petr.page.goto(`${suite.server.url}/#`);
    await petr.page.locator('#messages li').first().waitFor({ state: 'detached' });
    await petr.page.route('**/v1/rooms/*/messages**', (route) => route.abort());
    await roomLink(petr.page, 'Алиса').click();
    await messageItem(petr.page, nth(sent)).waitFor();
    assert.equal(await shown(), PAGE);
    await petr.page.unroute('**/v1/rooms/*/messages**');
  });
});
