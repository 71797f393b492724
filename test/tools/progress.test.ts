import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Progress } from '../../src/tools/progress.js';

function recorder(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, write: (text: string) => written.push(text) } };
}

describe('progress', () => {
  test('on a terminal: a redrawn bar, cleared before a note and at the end', () => {
    let now = 0;
    const { written, out } = recorder(true);
    const progress = new Progress(out, () => now);
    progress.start('messages', 1000);
    now = 1000;
    progress.advance(500);
    assert.equal(
      written.at(-1),
      `\r\x1b[2K[${'#'.repeat(15)}${'.'.repeat(15)}] messages: 500/1,000 rows (50%), 500 rows/s`,
    );
    progress.note('message 7: user 9 does not exist; not imported');
    assert.deepEqual(written.slice(-2), [
      '\r\x1b[2K',
      'message 7: user 9 does not exist; not imported\n',
    ]);
    now = 2000;
    progress.advance(500);
    const summary = progress.finish();
    assert.deepEqual(summary, { rows: 1000, ms: 2000 });
    assert.equal(written.at(-1), 'messages: 1,000 rows in 2.0 s (500 rows/s)\n');
    assert.equal(written.at(-2), '\r\x1b[2K');
  });

  test('elsewhere: plain lines every few seconds, no control characters', () => {
    let now = 0;
    const { written, out } = recorder(false);
    const progress = new Progress(out, () => now);
    progress.start('users', 10);
    now = 100;
    progress.advance(1);
    assert.equal(written.length, 0, 'not yet');
    now = 6000;
    progress.advance(4);
    progress.finish();
    assert.deepEqual(written, [
      'users: 5/10 rows (50%), 1 rows/s\n',
      'users: 5 rows in 6.0 s (1 rows/s)\n',
    ]);
    assert.ok(written.every((line) => !line.includes('\x1b')));
  });
});
