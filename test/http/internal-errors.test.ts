// Unexpected failures and unreachable storage: the HTTP layer built with services that break.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import type { Accounts } from '../../src/domain/accounts.js';
import type { Messages } from '../../src/domain/messages.js';
import type { ReadMarkers } from '../../src/domain/read-markers.js';
import type { Rooms } from '../../src/domain/rooms.js';
import type { SendLimiter } from '../../src/domain/send-limiter.js';
import type { Users } from '../../src/domain/users.js';
import { UnavailableError } from '../../src/errors.js';
import { AuthThrottle } from '../../src/http/auth-throttle.js';
import { buildHttpServer } from '../../src/http/server.js';
import { openLimiters } from '../../src/limits/open-limiters.js';
import { createMetrics } from '../../src/metrics.js';
import { expectError } from '../helpers/expect-error.js';
import { request } from '../helpers/http.js';

const SECRET = 'secret detail /srv/app/src/domain/accounts.ts:42';

/** A domain where every call fails the way a bug or a lost database would. */
const broken = {
  authenticate: async () => {
    throw new TypeError(SECRET);
  },
  register: async () => {
    throw new UnavailableError();
  },
  login: async () => {
    throw new RangeError(SECRET);
  },
};

describe('when the domain fails', () => {
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    app = await buildHttpServer(loadConfig({ LOG_LEVEL: 'silent' }), {
      accounts: broken as unknown as Accounts,
      users: {} as Users,
      rooms: {} as Rooms,
      messages: {} as Messages,
      readMarkers: {} as ReadMarkers,
      sendLimiter: {} as SendLimiter,
      metrics: createMetrics(),
      onLogout: () => {},
      metricsToken: undefined,
      checkReady: async () => {
        throw new Error(SECRET);
      },
      authThrottle: new AuthThrottle(
        await openLimiters({ redisUrl: undefined, redisChannelPrefix: '' }),
        {
          perAddressPerMinute: 1000,
          freeFailures: 5,
          maxLockSeconds: 60,
        },
      ),
      allowedOrigins: undefined,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(() => app.close());

  test('an unexpected error is 500 internal_error in JSON, without its message or stack', async () => {
    const info = await request(base, 'GET', '/v1/info', { session: 'A'.repeat(43) });
    const message = expectError(info, 500, 'internal_error');
    assert.equal(message, undefined);
    const login = await request(base, 'POST', '/v1/login', {
      body: { login: 'a', password: 'pass:word1' },
    });
    expectError(login, 500, 'internal_error');
    assert.doesNotMatch(JSON.stringify(login.body), /secret|\.ts|at /);
  });

  test('unreachable storage is 503 unavailable', async () => {
    const register = await request(base, 'POST', '/v1/register', {
      body: { login: 'a', password: 'pass:word1' },
    });
    expectError(register, 503, 'unavailable');
  });

  test('/readyz is 503 unavailable when storage or bus cannot be reached', async () => {
    const reply = await request(base, 'GET', '/readyz');
    expectError(reply, 503, 'unavailable');
    assert.doesNotMatch(JSON.stringify(reply.body), /secret/, 'the cause is logged, not shown');
    assert.equal((await request(base, 'GET', '/healthz')).status, 200);
  });
});
