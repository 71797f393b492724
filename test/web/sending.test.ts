// Sending from the browser client never loses a message: across a server restart mid-send, a room
// switch while offline, a reload with a message pending; a refused one waits for retry or discard;
// drafts stay per room; the counter near the length limit stops a message over it.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ChatClient } from '../../client/src/index.js';
import { browserSkip } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import {
  browserFixture,
  messageItem,
  openRoomId,
  type Person,
  register,
  roomLink,
  STEP,
  screenshot,
  startChat,
} from '../helpers/web-page.js';

const MAX_CHARS = 100;
const SENDS = '**/v1/rooms/*/messages';
/** Reconnects and retries wait a back-off of up to a few seconds after an outage. */
const RECOVERY = { timeout: 25_000 };

function messageBox(page: Page) {
  return page.getByLabel('Message', { exact: true });
}

async function send(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/** Opens a room from the list and waits for it to show (the address changes a moment later). */
async function openRoom(page: Page, name: string): Promise<void> {
  await roomLink(page, name).click();
  await page.locator('#room-title', { hasText: name }).waitFor();
}

/** Makes every send from the page fail as `answer` says, until `unroute`. */
async function refuseSends(page: Page, answer: 'abort' | { code: string }): Promise<void> {
  await page.route(SENDS, (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    if (answer === 'abort') return route.abort();
    return route.fulfill({ status: 422, json: { error: answer } });
  });
}

describe('web client: sending', { skip: browserSkip, timeout: 180_000 }, () => {
  const suite = browserFixture({ env: { MESSAGE_MAX_CHARS: String(MAX_CHARS) } });
  let alice: Person;
  let bob: Person;
  let api: ChatClient;

  /** Each text appears once on both sides, no longer pending, and is stored once. */
  async function deliveredOnce(texts: readonly string[]): Promise<void> {
    for (const person of [alice, bob]) {
      for (const text of texts) await messageItem(person.page, text).waitFor(RECOVERY);
      for (const text of texts) assert.equal(await messageItem(person.page, text).count(), 1, text);
    }
    await alice.page.locator('#outgoing li').first().waitFor({ state: 'detached' });
    const roomId = openRoomId(alice.page);
    const stored = (await roomHistory(suite.server.url, api.session ?? '', roomId)).map(
      (m) => m.text,
    );
    for (const text of texts) assert.equal(stored.filter((t) => t === text).length, 1, text);
  }

  before(async () => {
    alice = await register(suite.browser, suite.server.url, 'Алиса');
    bob = await register(suite.browser, suite.server.url, 'Борис');
    api = new ChatClient({ baseUrl: suite.server.url });
    await api.login('Алиса', TEST_PASSWORD);
    await startChat(alice, ['Борис']);
    await roomLink(bob.page, 'Алиса').click();
  });

  test(
    'a server restart in the middle of sending: each message once on both sides',
    STEP,
    async () => {
      const texts = Array.from({ length: 6 }, (_, n) => `перезапуск ${n + 1}`);
      const restarted = suite.server.restart();
      for (const text of texts) await send(alice.page, text);
      await restarted;
      await deliveredOnce(texts);
      await alice.page.locator('#banner').waitFor({ state: 'hidden', ...RECOVERY });
    },
  );

  test(
    'offline: a clear banner, a message waits through room switches, drafts stay per room',
    STEP,
    async () => {
      await api.createRoom([]);
      await roomLink(alice.page, 'Алиса (just you)').waitFor();
      await alice.page.context().setOffline(true);
      suite.server.server.hub.closeAll(1001);
      await alice.page.locator('#banner', { hasText: 'Connection lost' }).waitFor();
      await alice.page.locator('#members:empty').waitFor({ state: 'attached' });
      await screenshot(alice.page, 'offline');
      await send(alice.page, 'пока нет связи');
      await alice.page.locator('#outgoing li.pending', { hasText: 'пока нет связи' }).waitFor();
      await messageBox(alice.page).fill('черновик для Бориса');
      await openRoom(alice.page, 'Алиса (just you)');
      assert.equal(await messageBox(alice.page).inputValue(), '');
      await messageBox(alice.page).fill('черновик для себя');
      await openRoom(alice.page, 'Борис');
      assert.equal(await messageBox(alice.page).inputValue(), 'черновик для Бориса');
      await alice.page.locator('#outgoing li.pending', { hasText: 'пока нет связи' }).waitFor();
      await alice.page.context().setOffline(false);
      await deliveredOnce(['пока нет связи']);
      await alice.page.locator('#banner').waitFor({ state: 'hidden', ...RECOVERY });
      await openRoom(alice.page, 'Алиса (just you)');
      assert.equal(await messageBox(alice.page).inputValue(), 'черновик для себя');
      await openRoom(alice.page, 'Борис');
      await messageBox(alice.page).fill('');
    },
  );

  test('a reload with a message pending: the next page sends it, once', STEP, async () => {
    await refuseSends(alice.page, 'abort');
    await send(alice.page, 'до перезагрузки');
    await alice.page.locator('#outgoing li.pending', { hasText: 'до перезагрузки' }).waitFor();
    await alice.page.reload();
    await alice.page.locator('#outgoing li.pending', { hasText: 'до перезагрузки' }).waitFor();
    await alice.page.unroute(SENDS);
    await deliveredOnce(['до перезагрузки']);
  });

  test('a refused message stays, across a reload, until retried or discarded', STEP, async () => {
    await refuseSends(alice.page, { code: 'message_too_long' });
    await send(alice.page, 'отказ раз');
    await send(alice.page, 'отказ два');
    const failed = alice.page.locator('#outgoing li.failed');
    await failed.filter({ hasText: 'отказ два' }).waitFor();
    assert.match((await failed.first().textContent()) ?? '', /Not sent: too long/);
    await alice.page.unroute(SENDS);
    await alice.page.reload();
    await failed.filter({ hasText: 'отказ два' }).waitFor();
    assert.equal(await failed.count(), 2);
    await screenshot(alice.page, 'failed');
    await failed.filter({ hasText: 'отказ раз' }).getByRole('button', { name: 'Retry' }).click();
    await failed.filter({ hasText: 'отказ два' }).getByRole('button', { name: 'Discard' }).click();
    await deliveredOnce(['отказ раз']);
    await alice.page.reload();
    await messageItem(alice.page, 'отказ раз').waitFor();
    assert.equal(await failed.count(), 0);
    assert.equal(await messageItem(bob.page, 'отказ два').count(), 0);
  });

  test(
    'the length counter shows near the limit and a message over it is not sent',
    STEP,
    async () => {
      const counter = alice.page.locator('#counter');
      await messageBox(alice.page).fill('я'.repeat(MAX_CHARS * 0.8));
      assert.equal(await counter.isVisible(), false);
      await messageBox(alice.page).fill('я'.repeat(MAX_CHARS - 5));
      await counter.filter({ hasText: `${MAX_CHARS - 5} / ${MAX_CHARS}` }).waitFor();
      // Characters as the server counts them: an emoji is one.
      await messageBox(alice.page).fill('😀'.repeat(MAX_CHARS + 1));
      await alice.page
        .locator('#counter.over', { hasText: `${MAX_CHARS + 1} / ${MAX_CHARS}` })
        .waitFor();
      assert.equal(await alice.page.getByRole('button', { name: 'Send' }).isDisabled(), true);
      await messageBox(alice.page).press('Enter');
      assert.equal(await alice.page.locator('#outgoing li').count(), 0);
      assert.equal(await messageBox(alice.page).inputValue(), '😀'.repeat(MAX_CHARS + 1));
      await messageBox(alice.page).fill('');
      assert.deepEqual([...alice.problems, ...bob.problems], []);
    },
  );
});
