// The browser client on a 390 px touch screen and for every reader: long logins and words never
// overflow, Enter starts a new line on touch and the button sends, one screen at a time with the
// focus where the user goes next, and every text at least 4.5:1 against its background.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip } from '../helpers/browser.js';
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
} from '../helpers/web-page.js';

const PHONE = { viewport: { width: 390, height: 740 }, hasTouch: true, isMobile: true };
const LONG_LOGIN = `${'Длинноеимя'.repeat(6)}абвг`;
const LONG_WORD = 'ы'.repeat(300);

/** Visible elements whose box sticks out of the window to the right. */
const OVERFLOWING = `[...document.querySelectorAll('body *')]
  .filter((node) => node.offsetParent !== null && !node.closest('.visually-hidden'))
  .filter((node) => node.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map((node) => node.tagName.toLowerCase() + '.' + node.className)`;

function overflowing(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(OVERFLOWING);
}

/**
 * Texts on screen whose colour is below 4.5:1 against the background behind them (WCAG 2). Plain
 * JavaScript in a string: the test's compiler would add helpers the page does not have.
 */
const LOW_CONTRAST = `(() => {
  const channels = (color) => (color.match(/[\\d.]+/g) ?? []).map(Number);
  const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const background = (node) => {
    for (let at = node; at; at = at.parentElement) {
      const [r, g, b, alpha = 1] = channels(getComputedStyle(at).backgroundColor);
      if (alpha > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const node of document.querySelectorAll('body *')) {
    const hasText = [...node.childNodes].some((child) => child.nodeType === 3 && child.textContent.trim());
    if (!hasText || node.offsetParent === null || node.closest('.visually-hidden')) continue;
    const fg = luminance(channels(getComputedStyle(node).color));
    const bg = luminance(background(node));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) low.push(node.tagName.toLowerCase() + '.' + node.className + ' ' + ratio.toFixed(2));
  }
  return low;
})()`;

function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(LOW_CONTRAST);
}

describe('web client: phone, touch and contrast', { skip: browserSkip, timeout: 120_000 }, () => {
  const suite = browserFixture();
  let phone: Person;
  let desk: Person;

  before(async () => {
    desk = await register(suite.browser, suite.server.url, 'Ёжик');
    phone = await register(suite.browser, suite.server.url, LONG_LOGIN, PHONE);
  });

  test(
    'at 390 px: one screen at a time, and long logins and words stay inside it',
    STEP,
    async () => {
      await startChat(phone, ['Ёжик']);
      assert.equal(await phone.page.locator('#sidebar').isVisible(), false);
      assert.equal(await focusedId(phone.page), 'text');
      await say(phone, LONG_WORD, 'button');
      await roomLink(desk.page, LONG_LOGIN).click();
      await say(desk, `Привет, ${LONG_LOGIN}! https://example.org/${'путь/'.repeat(40)}`);
      await messageItem(phone.page, 'Привет').waitFor();
      assert.deepEqual(await overflowing(phone.page), []);
      await screenshot(phone.page, 'phone-room');
      await phone.page.getByRole('link', { name: 'Back to rooms' }).tap();
      await roomLink(phone.page, 'Ёжик').waitFor();
      assert.equal(await phone.page.locator('#room').isVisible(), false);
      assert.equal(
        await phone.page.evaluate<string>('document.activeElement.className'),
        'room-link',
      );
      assert.deepEqual(await overflowing(phone.page), []);
      await screenshot(phone.page, 'phone-rooms');
      await roomLink(phone.page, 'Ёжик').tap();
      await phone.page.locator('#room-title', { hasText: 'Ёжик' }).waitFor();
    },
  );

  test('on touch, Enter starts a new line and the button sends', STEP, async () => {
    const box = phone.page.getByLabel('Message', { exact: true });
    await box.tap();
    await box.pressSequentially('раз');
    await box.press('Enter');
    await box.pressSequentially('два');
    assert.equal(await box.inputValue(), 'раз\nдва');
    assert.equal(await phone.page.locator('#outgoing li').count(), 0);
    await phone.page.getByRole('button', { name: 'Send' }).tap();
    await messageItem(desk.page, 'раз').waitFor();
    assert.equal(await messageItem(desk.page, 'раз').locator('.text').textContent(), 'раз\nдва');
    assert.equal(await box.inputValue(), '');
  });

  test('every text is at least 4.5:1 against its background, in light and dark', STEP, async () => {
    // Typing signals go out at most every 2 s: the last one went with the message before.
    await desk.page.waitForTimeout(2100);
    await desk.page.getByLabel('Message', { exact: true }).pressSequentially('печатаю');
    await phone.page.locator('#typing', { hasText: 'typing' }).waitFor();
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const { page } of [desk, phone]) {
        await page.emulateMedia({ colorScheme });
        assert.deepEqual(
          await lowContrast(page),
          [],
          `${colorScheme}, ${page.viewportSize()?.width} px`,
        );
      }
    }
    await screenshot(desk.page, 'dark-room');
    await desk.page.locator('#me').evaluate((node) => {
      node.style.color = '#4a5060';
    });
    assert.match((await lowContrast(desk.page)).join(), /span\.me/, 'the check sees a faint text');
    await desk.page.getByRole('button', { name: 'Log out' }).click();
    await desk.page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.deepEqual(await lowContrast(desk.page), [], 'login form, dark');
    await screenshot(desk.page, 'dark-login');
    assert.deepEqual([...phone.problems, ...desk.problems], []);
  });
});
