// The browser client's files as the server serves them: the page with its settings, the modules
// transpiled from web/src and client/src (every import resolving to another served module), ETags,
// the content security policy, and the API's JSON errors for every other path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const ENTRY = '/web/src/main.js';

describe('web client files', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({ env: { MESSAGE_MAX_CHARS: '321' } });
  });
  after(() => server.close());

  test('the page loads its stylesheet and entry module and carries the message limit', async () => {
    const page = await fetch(`${server.url}/`);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'self'/);
    const html = await page.text();
    assert.match(html, /<meta name="e-chat-message-max-chars" content="321">/);
    assert.match(html, new RegExp(`<script type="module" src="${ENTRY}">`));
    assert.match(html, /href="\/style.css"/);
    assert.doesNotMatch(html, /<script>|<style>|\sstyle="|\son\w+="/, 'nothing inline');
    assert.match((await fetch(`${server.url}/style.css`)).headers.get('content-type') ?? '', /css/);
  });

  test('every module the page imports is served as JavaScript, types gone, imports resolving', async () => {
    const seen = new Set<string>();
    const queue = [ENTRY];
    for (let path = queue.shift(); path; path = queue.shift()) {
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
      const code = await response.text();
      assert.doesNotMatch(code, /^import type|: string\b|\binterface\s+\w+\s*\{/m, path);
      for (const [, specifier] of code.matchAll(/\bfrom\s*["']([^"']+)["']/g)) {
        queue.push(new URL(specifier as string, `${server.url}${path}`).pathname);
      }
    }
    assert.ok(seen.has('/client/src/index.js') && seen.has('/client/src/live-session.js'));
    assert.ok([...seen].every((path) => /^\/(web|client)\/src\/[\w-]+\.js$/.test(path)));
  });

  test('files carry an ETag; the same one again is a 304 without a body', async () => {
    for (const path of ['/', '/style.css', ENTRY]) {
      const first = await fetch(`${server.url}${path}`);
      await first.arrayBuffer();
      const etag = first.headers.get('etag') ?? '';
      assert.match(etag, /^"[\w-]{20,}"$/);
      assert.equal(first.headers.get('cache-control'), 'no-cache');
      const again = await fetch(`${server.url}${path}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), '');
      const other = await fetch(`${server.url}${path}`, { headers: { 'if-none-match': '"x"' } });
      assert.equal(other.status, 200);
      await other.arrayBuffer();
    }
  });

  test('sources, other paths and other methods stay the API’s JSON errors', async () => {
    for (const path of [
      '/web/src/main.ts',
      '/client/src/index.ts',
      '/web/tsconfig.json',
      '/app.js',
    ]) {
      const reply = await request(server.url, 'GET', path);
      assert.deepEqual([reply.status, reply.body], [404, { error: { code: 'not_found' } }], path);
    }
    const posted = await request(server.url, 'POST', ENTRY);
    assert.equal(posted.status, 405);
  });
});
