// The `Link` header's next page, as RFC 8288 writes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink } from '../src/http.js';

test('finds rel="next" among other links, quoted or not', () => {
  assert.equal(nextLink('</v1/rooms?before=5>; rel="next"'), '/v1/rooms?before=5');
  assert.equal(nextLink('<https://x/a>; rel=prev, <https://x/b>; rel=next'), 'https://x/b');
  assert.equal(nextLink('<https://x/c>; title="t"; rel="last next"'), 'https://x/c');
});

test('no next page: no header, or only other relations', () => {
  assert.equal(nextLink(null), undefined);
  assert.equal(nextLink('<https://x/a>; rel="prev"'), undefined);
  assert.equal(nextLink('<https://x/a>; rel="nextpage"'), undefined);
});
