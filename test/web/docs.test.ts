// /docs in a real Chromium: every operation shown under the page's strict policy, nothing refused,
// and "Try it out" reaching the API (registering with the document's Cyrillic example).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launchBrowser } from '../helpers/browser.js';
import { request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('API documentation page', { skip: browserSkip, timeout: 55_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  /** Uncaught exceptions, console errors and policy violations: a refused script or style shows here. */
  const problems: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (entry) => {
      if (entry.type() === 'error') problems.push(entry.text());
    });
    // Page code, as text: this project type-checks without the DOM's types.
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (event) => console.error(" +
        "'policy refused ' + event.violatedDirective + ': ' + event.blockedURI))",
    );
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('shows every operation of the document, with the link to the protocols', async () => {
    const document = (await request(server.url, 'GET', '/v1/openapi.json')).body;
    const count = Object.values(document.paths).flatMap((methods: any) =>
      Object.keys(methods),
    ).length;
    await page.goto(`${server.url}/docs/`);
    await page
      .locator('.opblock')
      .nth(count - 1)
      .waitFor();
    assert.equal(await page.locator('.opblock').count(), count);
    assert.equal(await page.locator('a[href="/v1/asyncapi.json"]').first().isVisible(), true);
    assert.deepEqual(problems, []);
  });

  test('"Try it out" registers Василий from the example', async () => {
    const register = page.locator('.opblock', { hasText: '/v1/register' }).first();
    await register.locator('.opblock-summary').click();
    await register.getByRole('button', { name: 'Try it out' }).click();
    await register.getByRole('button', { name: 'Execute' }).click();
    await register
      .locator('.live-responses-table .response-col_status', { hasText: '200' })
      .waitFor();
    const login = await request(server.url, 'POST', '/v1/login', {
      body: { login: 'василий', password: 'kettle-moss-42' },
    });
    assert.equal(login.status, 200);
    assert.deepEqual(problems, []);
  });
});
