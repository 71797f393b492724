// Environment → typed, frozen configuration. The only module that reads process.env.
import { cleanEnv, makeValidator, type ReporterOptions, str } from 'envalid';

const integer = (min: number, max: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (!/^-?\d+$/.test(input.trim()) || !Number.isSafeInteger(value)) {
      throw new Error(`must be a whole number, got "${input}"`);
    }
    if (value < min || value > max) throw new Error(`must be between ${min} and ${max}`);
    return value;
  });

const flag = makeValidator<boolean>((input) => {
  if (/^(1|true|yes|on)$/i.test(input)) return true;
  if (/^(0|false|no|off)$/i.test(input)) return false;
  throw new Error(`must be true or false, got "${input}"`);
});

const databaseUrl = makeValidator<string>((input) => {
  if (/^sqlite:/.test(input) || /^postgres(ql)?:\/\//.test(input)) return input;
  throw new Error('must start with sqlite: or postgres://');
});

const redisUrl = makeValidator<string>((input) => {
  if (/^rediss?:\/\//.test(input)) return input;
  throw new Error('must start with redis:// or rediss://');
});

const metricsToken = makeValidator<string>((input) => {
  if (/^[\x21-\x7e]{16,}$/.test(input)) return input;
  throw new Error('must be 16 or more printable ASCII characters, without spaces');
});

const KIB = 1024;

/** Every setting: its environment name, default and help text, in one table. */
const SETTINGS = {
  PORT: integer(0, 65535)({ default: 8081, desc: 'TCP port to listen on (0: any free port)' }),
  HOST: str({ default: '127.0.0.1', desc: 'Address to listen on' }),
  DATABASE_URL: databaseUrl({
    default: 'sqlite:./data/chat.db',
    desc: 'sqlite:PATH, sqlite::memory: or postgres://user@host/db',
  }),
  DATABASE_POOL_SIZE: integer(1, 1000)({ default: 10, desc: 'PostgreSQL connections per node' }),
  DATABASE_TIMEOUT_SECONDS: integer(
    1,
    3600,
  )({
    default: 10,
    desc: 'Longest wait for a PostgreSQL connection or statement; past it the request fails with 503',
  }),
  REDIS_URL: redisUrl({
    default: undefined,
    desc: 'redis://host:port to share rooms between nodes (unset: one node)',
  }),
  REDIS_CHANNEL_PREFIX: str({
    default: 'chat:',
    desc: 'Prefix of the Redis pub/sub channels: clusters sharing one Redis need different ones',
  }),
  LOG_LEVEL: str({
    default: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    desc: 'Log level of the JSON logs on stdout',
  }),
  TRUST_PROXY: flag({
    default: false,
    desc: 'Take the client address from X-Forwarded-For (behind a proxy)',
  }),
  HTTP_HEADERS_TIMEOUT_SECONDS: integer(
    1,
    3600,
  )({
    default: 10,
    desc: 'A request whose headers are not all in after this long is answered 408 and closed (slowloris)',
  }),
  HTTP_REQUEST_TIMEOUT_SECONDS: integer(
    1,
    3600,
  )({
    default: 60,
    desc: 'A request not wholly received (headers and body) after this long is answered 408 and closed',
  }),
  BODY_LIMIT_BYTES: integer(
    1,
    16 * KIB * KIB,
  )({
    default: 64 * KIB,
    desc: 'Largest HTTP request body',
  }),
  SESSION_IDLE_SECONDS: integer(
    60,
    10 * 365 * 24 * 3600,
  )({
    default: 30 * 24 * 3600,
    desc: 'A session unused this long expires',
  }),
  SESSION_CACHE_SECONDS: integer(
    0,
    300,
  )({
    default: 5,
    desc: 'A session read from the database is trusted this long without reading it again (0: off)',
  }),
  SESSION_CHECK_SECONDS: integer(
    1,
    3600,
  )({
    default: 60,
    desc: 'How often open WebSockets are checked against their sessions: expired or deleted ones close with 4001',
  }),
  AUTH_RATE_LIMIT_PER_MINUTE: integer(
    1,
    1_000_000,
  )({
    default: 30,
    desc: 'Register and login requests together, per client address (IPv6: per /64) and minute',
  }),
  LOGIN_FAILURES_PER_ACCOUNT: integer(
    1,
    1000,
  )({
    default: 5,
    desc: 'Failed logins of one account per hour before each further one locks it (15 s, doubling)',
  }),
  LOGIN_LOCK_MAX_SECONDS: integer(
    1,
    24 * 3600,
  )({
    default: 900,
    desc: 'Longest lock of an account; its known addresses and sessions still log in',
  }),
  PASSWORD_HASH_MEMORY_KIB: integer(
    1024,
    1024 * KIB,
  )({
    default: 19 * KIB,
    desc: 'argon2id memory cost',
  }),
  PASSWORD_HASH_ITERATIONS: integer(1, 20)({ default: 2, desc: 'argon2id time cost' }),
  MESSAGE_MAX_CHARS: integer(
    1,
    1_000_000,
  )({
    default: 4096,
    desc: 'Longest message text, in characters',
  }),
  ROOM_CREATIONS_PER_MINUTE: integer(
    1,
    1_000_000,
  )({
    default: 30,
    desc: 'New rooms one user may create per minute (over it: 429 with Retry-After)',
  }),
  ROOMS_CREATED_MAX: integer(
    1,
    100_000_000,
  )({
    default: 5000,
    desc: 'Rooms one user may create in all (over it: 422 too_many_rooms)',
  }),
  WS_MAX_FRAME_BYTES: integer(
    128,
    16 * KIB * KIB,
  )({
    default: 64 * KIB,
    desc: 'Hard cap of a WebSocket frame; larger closes with 1009',
  }),
  WS_MESSAGES_PER_SECOND: integer(
    1,
    1_000_000,
  )({
    default: 20,
    desc: 'Messages one connection, or one session over HTTP, may send per second',
  }),
  WS_SOCKETS_PER_SESSION: integer(
    1,
    100_000,
  )({
    default: 20,
    desc: 'Open WebSockets (room sockets and streams) of one session on one node; past it 429',
  }),
  WS_SOCKETS_PER_USER: integer(
    1,
    100_000,
  )({
    default: 50,
    desc: 'Open WebSockets of one user, all sessions together, on one node; past it 429',
  }),
  USER_MESSAGES_PER_SECOND: integer(
    1,
    1_000_000,
  )({
    default: 10,
    desc: 'Messages one user may send per second, all connections and nodes together (steady rate)',
  }),
  USER_MESSAGE_BURST: integer(
    1,
    1_000_000,
  )({
    default: 30,
    desc: 'Messages one user may send at once above the steady rate (the token bucket size)',
  }),
  WS_MAX_BUFFERED_BYTES: integer(
    KIB,
    1024 * KIB * KIB,
  )({
    default: KIB * KIB,
    desc: 'Unsent bytes a slow client may hold before it is closed with 1013',
  }),
  WS_PING_INTERVAL_SECONDS: integer(
    1,
    3600,
  )({
    default: 30,
    desc: 'Ping idle connections this often; one missed pong drops them',
  }),
  METRICS_TOKEN: metricsToken({
    default: undefined,
    desc: 'Bearer token that GET /metrics requires, 16 characters or more (unset: /metrics is refused)',
  }),
  ALLOWED_ORIGINS: str({
    default: undefined,
    desc: 'Comma-separated browser origins allowed to open WebSockets (unset: any)',
  }),
  PRESENCE: flag({
    default: true,
    desc: 'Track who is online and tell their contacts (false: no presence work, online lists empty)',
  }),
  PRESENCE_GRACE_SECONDS: integer(
    0,
    3600,
  )({
    default: 10,
    desc: 'A user is announced offline only after this long without any open WebSocket',
  }),
  SHUTDOWN_TIMEOUT_SECONDS: integer(
    1,
    600,
  )({
    default: 10,
    desc: 'Longest graceful shutdown before the process exits anyway',
  }),
};

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly databaseTimeoutMs: number;
  readonly redisUrl: string | undefined;
  readonly redisChannelPrefix: string;
  readonly logLevel: string;
  readonly trustProxy: boolean;
  readonly bodyLimitBytes: number;
  readonly httpHeadersTimeoutMs: number;
  readonly httpRequestTimeoutMs: number;
  readonly sessionIdleSeconds: number;
  readonly sessionCacheSeconds: number;
  readonly sessionCheckMs: number;
  readonly authRateLimitPerMinute: number;
  readonly loginFailuresPerAccount: number;
  readonly loginLockMaxSeconds: number;
  readonly passwordHash: { readonly memoryKib: number; readonly iterations: number };
  readonly messageMaxChars: number;
  readonly roomCreationsPerMinute: number;
  readonly roomsCreatedMax: number;
  readonly wsMaxFrameBytes: number;
  readonly wsMessagesPerSecond: number;
  readonly wsSocketsPerSession: number;
  readonly wsSocketsPerUser: number;
  readonly userMessagesPerSecond: number;
  readonly userMessageBurst: number;
  readonly wsMaxBufferedBytes: number;
  readonly wsPingIntervalMs: number;
  readonly metricsToken: string | undefined;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly presence: boolean;
  readonly presenceGraceMs: number;
  readonly shutdownTimeoutMs: number;
}

/** Every invalid variable at once, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const reporter = ({ errors }: ReporterOptions<typeof SETTINGS>) => {
    const problems = Object.entries(errors).map(([name, error]) => `${name} ${error?.message}`);
    if (problems.length > 0) throw new ConfigError(problems);
  };
  // `REDIS_URL=` in an env file means "not set": an empty value takes the default.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const e = cleanEnv(given, SETTINGS, { reporter });
  if (e.HTTP_HEADERS_TIMEOUT_SECONDS > e.HTTP_REQUEST_TIMEOUT_SECONDS) {
    throw new ConfigError([
      'HTTP_HEADERS_TIMEOUT_SECONDS must not be over HTTP_REQUEST_TIMEOUT_SECONDS: the headers are part of the request',
    ]);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseTimeoutMs: e.DATABASE_TIMEOUT_SECONDS * 1000,
    redisUrl: e.REDIS_URL,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    httpHeadersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    sessionIdleSeconds: e.SESSION_IDLE_SECONDS,
    sessionCacheSeconds: e.SESSION_CACHE_SECONDS,
    sessionCheckMs: e.SESSION_CHECK_SECONDS * 1000,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    loginFailuresPerAccount: e.LOGIN_FAILURES_PER_ACCOUNT,
    loginLockMaxSeconds: e.LOGIN_LOCK_MAX_SECONDS,
    passwordHash: Object.freeze({
      memoryKib: e.PASSWORD_HASH_MEMORY_KIB,
      iterations: e.PASSWORD_HASH_ITERATIONS,
    }),
    messageMaxChars: e.MESSAGE_MAX_CHARS,
    roomCreationsPerMinute: e.ROOM_CREATIONS_PER_MINUTE,
    roomsCreatedMax: e.ROOMS_CREATED_MAX,
    wsMaxFrameBytes: e.WS_MAX_FRAME_BYTES,
    wsMessagesPerSecond: e.WS_MESSAGES_PER_SECOND,
    wsSocketsPerSession: e.WS_SOCKETS_PER_SESSION,
    wsSocketsPerUser: e.WS_SOCKETS_PER_USER,
    userMessagesPerSecond: e.USER_MESSAGES_PER_SECOND,
    userMessageBurst: e.USER_MESSAGE_BURST,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    wsPingIntervalMs: e.WS_PING_INTERVAL_SECONDS * 1000,
    metricsToken: e.METRICS_TOKEN,
    allowedOrigins: e.ALLOWED_ORIGINS?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    presence: e.PRESENCE,
    presenceGraceMs: e.PRESENCE_GRACE_SECONDS * 1000,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  });
}

export type SettingName = keyof typeof SETTINGS;

/** A setting's default as its environment variable spells it (a benchmark puts limits back). */
export function defaultValue(name: SettingName): string | undefined {
  const fallback = SETTINGS[name].default;
  return fallback === undefined ? undefined : String(fallback);
}

/** The text of `--help`, made from the same table that parses the environment. */
export function helpText(): string {
  const rows = Object.entries(SETTINGS).map(([name, spec]) => {
    const fallback = defaultValue(name as SettingName) ?? '(unset)';
    return `  ${name.padEnd(28)} ${spec.desc ?? ''}\n  ${''.padEnd(28)} default: ${fallback}`;
  });
  return [
    'e-chat-server: a chat server (HTTP API and WebSocket rooms)',
    '',
    'Usage: npm start  |  e-chat-server [--help]',
    'Moving data in: e-chat-server import-legacy --help  |  e-chat-server copy-store --help',
    '',
    'Configuration comes from environment variables:',
    ...rows,
    '',
  ].join('\n');
}
