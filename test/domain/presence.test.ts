// The presence tracker: online while a socket is open here or elsewhere, offline after the grace
// period, each change told once to the contacts, flips during a contacts read told as one.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import {
  Presence,
  type PresenceChange,
  type PresenceDirectory,
  presenceOff,
} from '../../src/domain/presence.js';

const GRACE_MS = 1000;

/** Another node's users, set by the test; records what this node reported. */
function fakeDirectory() {
  const elsewhere = new Set<number>();
  const reports: string[] = [];
  let changed: (userId: number) => void = () => {};
  const directory: PresenceDirectory = {
    listen: (listener) => {
      changed = listener;
    },
    arrived: (userId) => reports.push(`+${userId}`),
    departed: (userId) => reports.push(`-${userId}`),
    presentElsewhere: (userId) => elsewhere.has(userId),
    close: async () => {},
  };
  return {
    directory,
    reports,
    appear(userId: number) {
      elsewhere.add(userId);
      changed(userId);
    },
    vanish(userId: number) {
      elsewhere.delete(userId);
      changed(userId);
    },
  };
}

function setup(contactsOf: (userId: number) => Promise<number[]> = async () => [2, 3]) {
  const told: Array<{ recipients: readonly number[]; change: PresenceChange }> = [];
  const audience = {
    listening: true,
    tell: (recipients: readonly number[], change: PresenceChange) => {
      told.push({ recipients, change });
    },
  };
  const fake = fakeDirectory();
  const queries: number[] = [];
  const presence = new Presence({
    directory: fake.directory,
    contacts: {
      contactsOf: (userId) => {
        queries.push(userId);
        return contactsOf(userId);
      },
    },
    graceMs: GRACE_MS,
    log: { warn: () => {} },
  });
  presence.announceTo(audience);
  return { presence, told, audience, queries, ...fake };
}

/** Lets the contacts reads (resolved promises) complete. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Presence', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('the first socket makes the user online; contacts are told once', async () => {
    const { presence, told, reports, queries } = setup();
    presence.connected(1);
    presence.connected(1);
    await settled();
    assert.equal(presence.isOnline(1), true);
    assert.deepEqual(reports, ['+1']);
    assert.deepEqual(queries, [1]);
    assert.deepEqual(told, [{ recipients: [2, 3], change: { userId: 1, online: true } }]);
  });

  test('offline only once the grace period passed without any socket', async () => {
    const { presence, told, reports } = setup();
    presence.connected(1);
    presence.connected(1);
    await settled();
    presence.disconnected(1);
    presence.disconnected(1);
    mock.timers.tick(GRACE_MS - 1);
    await settled();
    assert.equal(presence.isOnline(1), true);
    assert.equal(told.length, 1);
    mock.timers.tick(1);
    await settled();
    assert.equal(presence.isOnline(1), false);
    assert.deepEqual(reports, ['+1', '-1']);
    assert.deepEqual(told.at(-1)?.change, { userId: 1, online: false });
    assert.equal(told.length, 2);
  });

  test('a reconnect within the grace period tells nobody anything', async () => {
    const { presence, told, reports } = setup();
    presence.connected(1);
    await settled();
    presence.disconnected(1);
    mock.timers.tick(GRACE_MS - 1);
    presence.connected(1);
    mock.timers.tick(10 * GRACE_MS);
    await settled();
    assert.equal(presence.isOnline(1), true);
    assert.deepEqual(reports, ['+1']);
    assert.equal(told.length, 1);
  });

  test('a user present on another node is online here, and stays so while a socket is open here', async () => {
    const { presence, told, appear, vanish } = setup();
    appear(1);
    await settled();
    assert.equal(presence.isOnline(1), true);
    presence.connected(1);
    vanish(1);
    await settled();
    assert.equal(presence.isOnline(1), true);
    assert.deepEqual(
      told.map(({ change }) => change),
      [{ userId: 1, online: true }],
    );
    presence.disconnected(1);
    mock.timers.tick(GRACE_MS);
    await settled();
    assert.deepEqual(told.at(-1)?.change, { userId: 1, online: false });
  });

  test('changes during a contacts read are told as the state once the read is done', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { presence, told, appear, vanish, queries } = setup(async () => {
      await gate;
      return [2];
    });
    appear(1);
    vanish(1);
    appear(1);
    release();
    await settled();
    assert.equal(presence.isOnline(1), true);
    assert.deepEqual(queries, [1]);
    assert.deepEqual(told, [{ recipients: [2], change: { userId: 1, online: true } }]);
  });

  test('a flip and back during a read tells nothing', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { presence, told, appear, vanish } = setup(async () => {
      await gate;
      return [2];
    });
    appear(1);
    vanish(1);
    release();
    await settled();
    assert.equal(presence.isOnline(1), false);
    assert.deepEqual(told, []);
  });

  test('without any stream on this node, no contacts are read', async () => {
    const { presence, told, audience, queries } = setup();
    audience.listening = false;
    presence.connected(1);
    await settled();
    assert.deepEqual(queries, []);
    assert.deepEqual(told, []);
    audience.listening = true;
    presence.disconnected(1);
    mock.timers.tick(GRACE_MS);
    await settled();
    assert.deepEqual(told, [{ recipients: [2, 3], change: { userId: 1, online: false } }]);
  });

  test('a failed contacts read is tried again a second later', async () => {
    let fail = true;
    const { presence, told } = setup(async () => {
      if (fail) throw new Error('database down');
      return [2];
    });
    presence.connected(1);
    await settled();
    assert.deepEqual(told, []);
    fail = false;
    mock.timers.tick(1000);
    await settled();
    assert.deepEqual(told, [{ recipients: [2], change: { userId: 1, online: true } }]);
  });

  test('online among: as last told, so a ready list agrees with the frames after it', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { presence, appear } = setup(async () => {
      await gate;
      return [9];
    });
    presence.connected(3);
    appear(4);
    assert.deepEqual(presence.onlineAmong([2, 3, 4]), [], 'not told yet: their frames will say it');
    release();
    await settled();
    assert.deepEqual(presence.onlineAmong([2, 3, 4]), [3, 4]);
    assert.deepEqual(await presence.contactsOf(1), [9]);
  });

  test('a socket closing that never opened changes nothing', async () => {
    const { presence, reports } = setup();
    presence.disconnected(1);
    mock.timers.tick(GRACE_MS);
    assert.deepEqual(reports, []);
  });

  test('presence off: nobody is online', async () => {
    presenceOff.connected(1);
    assert.deepEqual(await presenceOff.contactsOf(1), []);
    assert.deepEqual(presenceOff.onlineAmong([1]), []);
  });
});
