// Configuration from the environment: defaults, parsing, and refusing bad values all at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, defaultValue, helpText, loadConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8081);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, 'sqlite:./data/chat.db');
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.redisChannelPrefix, 'chat:');
    assert.equal(config.bodyLimitBytes, 64 * 1024);
    assert.equal(config.sessionIdleSeconds, 30 * 24 * 3600);
    assert.equal(config.sessionCacheSeconds, 5);
    assert.equal(config.messageMaxChars, 4096);
    assert.equal(config.wsMaxFrameBytes, 64 * 1024);
    assert.equal(config.allowedOrigins, undefined);
    assert.equal(config.metricsToken, undefined, 'a fresh install does not serve /metrics');
    assert.equal(config.shutdownTimeoutMs, 10_000);
    assert.equal(config.presence, true);
    assert.equal(config.presenceGraceMs, 10_000);
    assert.equal(config.sessionCheckMs, 60_000);
    assert.equal(config.wsSocketsPerSession, 20);
    assert.equal(config.wsSocketsPerUser, 50);
    assert.equal(config.userMessagesPerSecond, 10);
    assert.equal(config.userMessageBurst, 30);
    assert.equal(config.logLevel, 'info');
    assert.ok(Object.isFrozen(config));
  });

  test('values are parsed from their text', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      BODY_LIMIT_BYTES: '1024',
      SESSION_IDLE_SECONDS: '60',
      SESSION_CACHE_SECONDS: '0',
      TRUST_PROXY: 'yes',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example,,',
      WS_PING_INTERVAL_SECONDS: '5',
      LOG_LEVEL: 'silent',
      PRESENCE: 'off',
      PRESENCE_GRACE_SECONDS: '0',
      SESSION_CHECK_SECONDS: '2',
      WS_SOCKETS_PER_SESSION: '3',
      WS_SOCKETS_PER_USER: '4',
      USER_MESSAGES_PER_SECOND: '5',
      USER_MESSAGE_BURST: '6',
    });
    assert.equal(config.port, 0);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databaseUrl, 'postgres://root@127.0.0.1:5432/test');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.bodyLimitBytes, 1024);
    assert.equal(config.sessionIdleSeconds, 60);
    assert.equal(config.sessionCacheSeconds, 0);
    assert.equal(config.trustProxy, true);
    assert.deepEqual(config.allowedOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.wsPingIntervalMs, 5000);
    assert.equal(config.logLevel, 'silent');
    assert.equal(config.presence, false);
    assert.equal(config.presenceGraceMs, 0);
    assert.equal(config.sessionCheckMs, 2000);
    assert.equal(config.wsSocketsPerSession, 3);
    assert.equal(config.wsSocketsPerUser, 4);
    assert.equal(config.userMessagesPerSecond, 5);
    assert.equal(config.userMessageBurst, 6);
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).databaseUrl, 'sqlite::memory:');
  });

  test('HTTP timeouts are read in seconds; the headers cannot have longer than the request', () => {
    const config = loadConfig({
      HTTP_HEADERS_TIMEOUT_SECONDS: '3',
      HTTP_REQUEST_TIMEOUT_SECONDS: '4',
    });
    assert.equal(config.httpHeadersTimeoutMs, 3000);
    assert.equal(config.httpRequestTimeoutMs, 4000);
    assert.throws(
      () => loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '20' }),
      (error) => error instanceof ConfigError && /HTTP_HEADERS_TIMEOUT_SECONDS/.test(error.message),
    );
  });

  test('an empty value means unset: the default applies', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '', HOST: '', ALLOWED_ORIGINS: '' });
    assert.equal(config.port, 8081);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.allowedOrigins, undefined);
  });

  const bad: Array<[string, string]> = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '0x50'],
    ['BODY_LIMIT_BYTES', '0'],
    ['SESSION_IDLE_SECONDS', '1'],
    ['DATABASE_URL', 'mysql://localhost/chat'],
    ['DATABASE_URL', './chat.db'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'maybe'],
    ['METRICS_TOKEN', 'too-short'],
    ['METRICS_TOKEN', 'has a space in the middle'],
    ['PRESENCE', 'sometimes'],
    ['PRESENCE_GRACE_SECONDS', '-1'],
    ['SESSION_CHECK_SECONDS', '0'],
    ['WS_SOCKETS_PER_SESSION', '0'],
    ['USER_MESSAGE_BURST', '0'],
  ];
  for (const [name, value] of bad) {
    test(`${name}=${value} is refused, naming the variable`, () => {
      const problems = problemsOf({ [name]: value });
      assert.equal(problems.length, 1);
      assert.match(problems[0] as string, new RegExp(`^${name} `));
    });
  }

  test('every bad variable is reported at once, in one line', () => {
    const problems = problemsOf({ PORT: 'abc', BODY_LIMIT_BYTES: 'lots', LOG_LEVEL: 'loud' });
    assert.equal(problems.length, 3);
    try {
      loadConfig({ PORT: 'abc', BODY_LIMIT_BYTES: 'lots' });
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /\n/);
    }
  });
});

describe('helpText', () => {
  test('lists every variable with its default', () => {
    const text = helpText();
    const names = [
      'PORT',
      'HOST',
      'DATABASE_URL',
      'DATABASE_POOL_SIZE',
      'DATABASE_TIMEOUT_SECONDS',
      'REDIS_URL',
      'REDIS_CHANNEL_PREFIX',
      'LOG_LEVEL',
      'TRUST_PROXY',
      'BODY_LIMIT_BYTES',
      'HTTP_HEADERS_TIMEOUT_SECONDS',
      'HTTP_REQUEST_TIMEOUT_SECONDS',
      'SESSION_IDLE_SECONDS',
      'SESSION_CACHE_SECONDS',
      'SESSION_CHECK_SECONDS',
      'AUTH_RATE_LIMIT_PER_MINUTE',
      'LOGIN_FAILURES_PER_ACCOUNT',
      'LOGIN_LOCK_MAX_SECONDS',
      'PASSWORD_HASH_MEMORY_KIB',
      'PASSWORD_HASH_ITERATIONS',
      'MESSAGE_MAX_CHARS',
      'ROOM_CREATIONS_PER_MINUTE',
      'ROOMS_CREATED_MAX',
      'WS_MAX_FRAME_BYTES',
      'WS_MESSAGES_PER_SECOND',
      'WS_SOCKETS_PER_SESSION',
      'WS_SOCKETS_PER_USER',
      'USER_MESSAGES_PER_SECOND',
      'USER_MESSAGE_BURST',
      'WS_MAX_BUFFERED_BYTES',
      'WS_PING_INTERVAL_SECONDS',
      'METRICS_TOKEN',
      'ALLOWED_ORIGINS',
      'PRESENCE',
      'PRESENCE_GRACE_SECONDS',
      'SHUTDOWN_TIMEOUT_SECONDS',
    ];
    for (const name of names) assert.match(text, new RegExp(`^  ${name} `, 'm'), name);
    const listed = text.match(/^ {2}[A-Z][A-Z_]+ /gm) ?? [];
    assert.equal(listed.length, names.length, 'a variable is missing from this test');
    assert.equal((text.match(/default: /g) ?? []).length, names.length);
    assert.match(text, /default: 8081/);
    assert.match(text, /default: sqlite:\.\/data\/chat\.db/);
  });
});

describe('defaultValue', () => {
  test('spells a default as the environment would, and unset as undefined', () => {
    assert.equal(defaultValue('PORT'), '8081');
    assert.equal(
      defaultValue('WS_MESSAGES_PER_SECOND'),
      String(loadConfig({}).wsMessagesPerSecond),
    );
    assert.equal(defaultValue('REDIS_URL'), undefined);
  });
});
