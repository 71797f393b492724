// Abuse against one spawned server with its default limits: the room flood, slowloris, 2,000 idle
// sockets, readers that never read, a frame flood, a login brute force. The server's memory and
// descriptors stay within generous bounds, it keeps answering, and each attack achieves only what
// the limits allow. The collateral on good clients' latency is measured by `npm run bench --
// --only=abuse`, not here.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ATTACK_SIZE,
  ATTACKED_SERVER_ENV,
  type AttackName,
  type AttackReport,
  startAttack,
} from '../../bench/load/attacks.js';
import { openDescriptors, procStat } from '../../bench/targets/processes.js';
import { defaultValue } from '../../src/config.js';
import { sqlite } from '../helpers/backends.js';
import { startCluster } from '../helpers/cluster.js';
import { registerUser, request, TEST_PASSWORD, uniqueLogin } from '../helpers/http.js';
import { eventually } from '../helpers/observe.js';

const MIB = 1024 * 1024;
const ATTACK_SECONDS = 5;
/** Longest extra time for an attack to reach the limit its test is about. */
const LIMIT_WAIT_SECONDS = 30;
/** The server's defaults (src/config.ts) where TEST_ENV widens them; a proxy's addresses trusted. */
const LOGIN_FAILURES_PER_ACCOUNT = Number(defaultValue('LOGIN_FAILURES_PER_ACCOUNT'));
const USER_MESSAGES_PER_SECOND = Number(defaultValue('USER_MESSAGES_PER_SECOND'));
const USER_MESSAGE_BURST = Number(defaultValue('USER_MESSAGE_BURST'));
const ROOMS_REFUSED = 'refused 429 too_many_requests';
const GUESS_REFUSED = '429 too_many_requests';
const FRAMES_REFUSED = 'answered too_many_requests';
/** Descriptors a server may open or close by itself meanwhile (database files, timers). */
const DESCRIPTOR_SLACK = 16;

interface Usage {
  readonly rssBytes: number;
  readonly descriptors: number;
}

interface Observed {
  readonly report: AttackReport;
  readonly before: Usage;
  readonly peak: Usage;
  /** Requests of the good client answered while the attack ran. */
  readonly goodAnswers: number;
  /** How long the attack ran. */
  readonly seconds: number;
}

function usage(pid: number): Usage {
  return { rssBytes: procStat(pid).rssBytes, descriptors: openDescriptors(pid) };
}

/**
 * Runs the attack on a fresh server for ATTACK_SECONDS, and on until `reached` says it has met
 * the limit it tests (a loaded machine runs it slower), sampling the server's usage while a good
 * client keeps asking; then waits until the server holds no more descriptors than before.
 */
async function underAttack(
  name: AttackName,
  reached: (report: AttackReport) => boolean = () => true,
): Promise<Observed> {
  const cluster = await startCluster({ size: 1, backend: sqlite, env: ATTACKED_SERVER_ENV });
  try {
    const { url, wsUrl, pid } = cluster.node(0);
    const good = await registerUser(url);
    const before = usage(pid);
    const target = {
      httpBase: url,
      wsBase: wsUrl,
      password: TEST_PASSWORD,
      loginPrefix: uniqueLogin(name),
    };
    const attack = await startAttack(name, target);
    let peak = usage(pid);
    let goodAnswers = 0;
    const started = Date.now();
    const until = started + ATTACK_SECONDS * 1000;
    const giveUp = until + LIMIT_WAIT_SECONDS * 1000;
    while (Date.now() < until || (!reached(attack.report) && Date.now() < giveUp)) {
      const info = await request(url, 'GET', '/v1/info', { session: good.session });
      assert.equal(info.status, 200, 'a good client is still answered');
      goodAnswers += 1;
      const now = usage(pid);
      peak = {
        rssBytes: Math.max(peak.rssBytes, now.rssBytes),
        descriptors: Math.max(peak.descriptors, now.descriptors),
      };
      await sleep(100);
    }
    const report = await attack.stop();
    const seconds = (Date.now() - started) / 1000;
    await eventually(() => openDescriptors(pid) <= before.descriptors + DESCRIPTOR_SLACK, 30_000);
    return { report, before, peak, goodAnswers, seconds };
  } finally {
    await cluster.close();
  }
}

function grewBy(observed: Observed): { rssBytes: number; descriptors: number } {
  return {
    rssBytes: observed.peak.rssBytes - observed.before.rssBytes,
    descriptors: observed.peak.descriptors - observed.before.descriptors,
  };
}

/** Checks the growth against its bounds, and reports it with what the attack achieved. */
function assertGrowth(
  t: TestContext,
  observed: Observed,
  bounds: { rssBytes: number; descriptors: number },
): void {
  const grown = grewBy(observed);
  const detail = JSON.stringify({ grown, report: observed.report });
  t.diagnostic(
    `grown ${(grown.rssBytes / MIB).toFixed(1)} MiB, ${grown.descriptors} descriptors; ${JSON.stringify(observed.report)}`,
  );
  assert.ok(grown.rssBytes <= bounds.rssBytes, `memory grew too much: ${detail}`);
  assert.ok(grown.descriptors <= bounds.descriptors, `descriptors grew too much: ${detail}`);
  assert.ok(observed.goodAnswers > 0);
}

describe('abuse against a server with its default limits', () => {
  test('room flood: creation is rate-limited, pages are bounded', async (t) => {
    const observed = await underAttack('room-flood', (report) => (report[ROOMS_REFUSED] ?? 0) > 0);
    const { created = 0, largestPageBytes = 0 } = observed.report;
    // 30 per minute each, twice that at most across a window's edge.
    assert.ok(created <= ATTACK_SIZE.floodUsers * 60, `created ${created} rooms`);
    assert.ok((observed.report[ROOMS_REFUSED] ?? 0) > 0, 'creations refused');
    assert.ok(largestPageBytes < 2 * MIB, `a page of ${largestPageBytes} bytes`);
    assertGrowth(t, observed, {
      rssBytes: 64 * MIB,
      descriptors: DESCRIPTOR_SLACK + 2 * ATTACK_SIZE.floodUsers,
    });
  });

  test('slowloris: each half-sent request costs little, and nothing stays behind', async (t) => {
    const observed = await underAttack('slowloris');
    assert.ok((observed.report.open ?? 0) >= ATTACK_SIZE.slowlorisSockets * 0.9);
    assertGrowth(t, observed, {
      rssBytes: 64 * MIB,
      descriptors: ATTACK_SIZE.slowlorisSockets + DESCRIPTOR_SLACK,
    });
  });

  test('2,000 idle sockets: held at a bounded cost each, released when they go', async (t) => {
    const observed = await underAttack('idle-sockets');
    const sockets = ATTACK_SIZE.idleUsers * ATTACK_SIZE.idleSocketsPerUser;
    assert.equal(observed.report.open, sockets);
    assert.equal(observed.report.closedByServer, 0);
    assertGrowth(t, observed, { rssBytes: 160 * MIB, descriptors: sockets + DESCRIPTOR_SLACK });
  });

  test('readers that never read: what waits for them is bounded', async (t) => {
    const observed = await underAttack('never-reads');
    assert.ok((observed.report.sent ?? 0) > 0);
    const sockets = ATTACK_SIZE.slowReaders + ATTACK_SIZE.slowReaderSenders;
    assertGrowth(t, observed, { rssBytes: 96 * MIB, descriptors: sockets + DESCRIPTOR_SLACK });
  });

  test("frame flood: refused frame by frame, stored at most at the user's message rate", async (t) => {
    const observed = await underAttack(
      'frame-flood',
      (report) => (report[FRAMES_REFUSED] ?? 0) > 0,
    );
    const { report } = observed;
    assert.ok((report['answered invalid_json'] ?? 0) > 0);
    assert.ok((report[FRAMES_REFUSED] ?? 0) > 0);
    // Each stored message reaches the attacker's other sockets in the room.
    const stored = (report['answered message'] ?? 0) / (ATTACK_SIZE.floodSockets - 1);
    // All of them are one user's: the per-user bucket holds them all back.
    const allowed = USER_MESSAGES_PER_SECOND * (observed.seconds + 1) + USER_MESSAGE_BURST;
    assert.ok(stored <= allowed, `${stored} messages stored in ${observed.seconds} s`);
    assertGrowth(t, observed, {
      rssBytes: 96 * MIB,
      descriptors: ATTACK_SIZE.floodSockets + DESCRIPTOR_SLACK,
    });
  });

  test('login brute force from many addresses: the account locks after a few guesses', async (t) => {
    const observed = await underAttack('brute-force', (report) => (report[GUESS_REFUSED] ?? 0) > 0);
    const checked = observed.report['422 wrong_credentials'] ?? 0;
    // The guesses in flight when the lock engages are checked too.
    assert.ok(
      checked <= LOGIN_FAILURES_PER_ACCOUNT + ATTACK_SIZE.guessLanes,
      `${checked} guesses checked`,
    );
    assert.ok((observed.report[GUESS_REFUSED] ?? 0) > 0, 'the rest are refused');
    assertGrowth(t, observed, {
      rssBytes: 96 * MIB,
      descriptors: ATTACK_SIZE.guessLanes + DESCRIPTOR_SLACK,
    });
  });
});
