// The browser client with two and three people in real Chromiums: a room that appears at once,
// unread badges and the tab title, typing and presence, "seen", grouping and day separators, the
// "new messages" line with a jump to the latest, history as one scrolls up, and one login shared
// by every tab until a logout ends it in all of them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ChatClient } from '../../client/src/index.js';
import { browserSkip } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/http.js';
import {
  browserFixture,
  focusedId,
  messageItem,
  type Person,
  register,
  roomLink,
  STEP,
  say,
  screenshot,
  startChat,
  watch,
} from '../helpers/web-page.js';

describe('web client: two and three people', { skip: browserSkip, timeout: 150_000 }, () => {
  const suite = browserFixture();
  let alice: Person;
  let petr: Person;
  let maria: Person;

  before(async () => {
    alice = await register(suite.browser, suite.server.url, 'Алиса');
    petr = await register(suite.browser, suite.server.url, 'Пётр');
    maria = await register(suite.browser, suite.server.url, 'Мария');
  });

  test(
    'a room started with someone appears on their side at once, unread badge and title count',
    STEP,
    async () => {
      await startChat(alice, ['Пётр']);
      assert.equal(await focusedId(alice.page), 'text', 'the message box has the focus');
      await say(alice, 'Привет, Пётр!');
      const link = roomLink(petr.page, 'Алиса');
      await link.locator('.badge', { hasText: '1' }).waitFor();
      await link.locator('.preview', { hasText: 'Привет, Пётр!' }).waitFor();
      assert.match((await link.locator('time').textContent()) ?? '', /\d{1,2}:\d{2}/);
      assert.equal(await petr.page.title(), '(1) e-chat');
      await say(alice, 'Как дела?');
      await link.locator('.badge', { hasText: '2' }).waitFor();
      assert.equal(await petr.page.title(), '(2) e-chat');
    },
  );

  test(
    'opening the room reads it: badge and title clear, the box has the focus, "seen" shows',
    STEP,
    async () => {
      await roomLink(petr.page, 'Алиса').click();
      await messageItem(petr.page, 'Как дела?').waitFor();
      assert.equal(await focusedId(petr.page), 'text');
      await petr.page.waitForFunction("document.title === 'e-chat'");
      assert.equal(await roomLink(petr.page, 'Алиса').locator('.badge').count(), 0);
      await messageItem(alice.page, 'Как дела?').locator('.seen', { hasText: 'Seen' }).waitFor();
      assert.equal(await alice.page.locator('.seen').count(), 1, 'only on the last message');
    },
  );

  test('typing and presence across two browsers', STEP, async () => {
    // Presence comes with each connect (a room started meanwhile brings none): a reload reconnects.
    await alice.page.reload();
    await roomLink(alice.page, 'Пётр').locator('.presence.online').waitFor();
    await alice.page.locator('#members', { hasText: 'online' }).waitFor();
    await petr.page.getByLabel('Message', { exact: true }).pressSequentially('Всё хор');
    await alice.page.locator('#typing', { hasText: 'Пётр is typing…' }).waitFor();
    await say(petr, 'Всё хорошо');
    await messageItem(alice.page, 'Всё хорошо').waitFor();
    assert.equal(await alice.page.locator('#announcer').textContent(), 'Пётр: Всё хорошо');
    await alice.page.locator('#typing:empty').waitFor();
  });

  test('one author in a row is one group under one day separator', STEP, async () => {
    await say(petr, 'а у тебя?');
    const items = petr.page.locator('#messages li.message');
    const grouped = await items.evaluateAll((nodes) =>
      nodes.map((node) => node.classList.contains('grouped')),
    );
    // Алиса, Алиса (grouped), Пётр, Пётр (grouped)
    assert.deepEqual(grouped, [false, true, false, true]);
    assert.deepEqual(await petr.page.locator('#messages li.day').allTextContents(), ['Today']);
    await messageItem(alice.page, 'а у тебя?').waitFor();
    await alice.page.getByLabel('Message', { exact: true }).fill('Тоже хорошо, спасибо!');
    await screenshot(alice.page, 'readme-conversation');
    await alice.page.getByLabel('Message', { exact: true }).fill('');
  });

  test(
    'three people: a group room appears for all, shows who types and who has seen',
    STEP,
    async () => {
      await startChat(maria, ['Алиса', 'Пётр']);
      await say(maria, 'Всем привет!');
      // Each one names the room by the others in it.
      const group: Array<[Person, string]> = [
        [alice, 'Пётр, Мария'],
        [petr, 'Алиса, Мария'],
      ];
      for (const [person, name] of group) {
        await roomLink(person.page, name).locator('.badge', { hasText: '1' }).waitFor();
        await roomLink(person.page, name).click();
      }
      await maria.page.locator('.seen', { hasText: 'Seen by Алиса and Пётр' }).waitFor();
      await alice.page.getByLabel('Message', { exact: true }).pressSequentially('И');
      await petr.page.getByLabel('Message', { exact: true }).pressSequentially('Т');
      await maria.page.locator('#typing', { hasText: 'Алиса and Пётр are typing…' }).waitFor();
      await maria.page.reload();
      await maria.page.locator('#members', { hasText: '3 members, 2 online' }).waitFor();
    },
  );

  test(
    'new messages while away: the line above them, a jump to the latest, older pages on scroll',
    STEP,
    async () => {
      const api = new ChatClient({ baseUrl: suite.server.url });
      await api.login('Алиса', TEST_PASSWORD);
      let direct: number | undefined;
      for await (const room of api.rooms()) if (room.users.length === 2) direct = room.id;
      for (let n = 1; n <= 70; n += 1) await api.send(direct as number, `сообщение ${n}`);
      await roomLink(petr.page, 'Алиса').locator('.badge', { hasText: '70' }).waitFor();
      await roomLink(petr.page, 'Алиса').click();
      const marker = petr.page.locator('#messages li.new-marker');
      await marker.waitFor();
      const after = await marker.evaluate((node) => node.nextElementSibling?.textContent ?? '');
      assert.match(after, /сообщение 1\b/);
      await petr.page.locator('#jump').click();
      await roomLink(petr.page, 'Алиса').locator('.badge').waitFor({ state: 'detached' });
      await petr.page.locator('#jump').waitFor({ state: 'hidden' });
      // Opened again with nothing unread: the latest page, then older ones by scrolling alone.
      await petr.page.reload();
      await messageItem(petr.page, 'сообщение 70').waitFor();
      assert.equal(await petr.page.locator('#messages li.message').count(), 50);
      const first = messageItem(petr.page, 'Привет, Пётр!');
      for (let tries = 0; tries < 20 && (await first.count()) === 0; tries += 1) {
        await petr.page.locator('#scroller').evaluate((node) => node.scrollTo({ top: 0 }));
        await petr.page.waitForTimeout(150);
      }
      await first.waitFor();
      assert.equal(await petr.page.locator('#messages li.message').count(), 74);
      assert.equal(await petr.page.locator('#older').isVisible(), false);
    },
  );

  test('screenshots of the main screens', STEP, async () => {
    await roomLink(alice.page, 'Пётр').click();
    await messageItem(alice.page, 'сообщение 70').waitFor();
    await alice.page.locator('#scroller').evaluate((node) => node.scrollTo({ top: 0 }));
    await screenshot(alice.page, 'conversation-wide');
    await screenshot(maria.page, 'group-room');
  });

  test('the login holds in a new tab; a logout in one tab logs every tab out', STEP, async () => {
    const tab = await alice.page.context().newPage();
    const problems = watch(tab);
    await tab.goto(suite.server.url);
    await tab.locator('#me', { hasText: 'Алиса' }).waitFor();
    await tab.getByRole('button', { name: 'Log out' }).click();
    await tab.getByRole('button', { name: 'Log in' }).waitFor();
    await alice.page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.equal(
      await alice.page.evaluate<number>('localStorage.length'),
      0,
      'nothing of Алиса kept',
    );
    assert.deepEqual([...problems, ...alice.problems, ...petr.problems, ...maria.problems], []);
  });
});
