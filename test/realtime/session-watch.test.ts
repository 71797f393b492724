// The periodic session check lets the event loop turn: on SQLite every check is a synchronous
// query, and a sweep of thousands of sessions in one turn would stall every socket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionWatch } from '../../src/realtime/session-watch.js';

test('a sweep of many sessions lets other work run between its checks', async () => {
  const keys = Array.from({ length: 1000 }, (_, index) => `session-${index}`);
  let checked = 0;
  let checkedWhenOtherWorkRan: number | undefined;
  const watch = new SessionWatch({
    accounts: {
      // As on SQLite: answered at once, without waiting for any I/O.
      stillLive: async () => {
        checked++;
        return true;
      },
    },
    hub: { sessionKeys: () => keys.values(), sessionEnded: () => {} },
    log: { warn: () => {} },
  });
  setImmediate(() => {
    checkedWhenOtherWorkRan = checked;
  });
  await watch.checkAll();
  assert.equal(checked, keys.length);
  assert.ok(
    checkedWhenOtherWorkRan !== undefined && checkedWhenOtherWorkRan < keys.length,
    `other work ran only after ${checkedWhenOtherWorkRan} of ${keys.length} checks`,
  );
});
