// Logins per second, bounded by the password hash: the server runs with the default argon2id
// parameters here (not the cheap ones used to set up the other scenarios).
import { PASSWORD, startChatServer } from '../targets/chat-server.js';
import type { Scenario, ScenarioOutcome } from './context.js';
import { describeHttp, httpLoad } from './http-load.js';

/** The server's defaults (src/config.ts), written out so the report can state them. */
export const LOGIN_PASSWORD_HASH = { memoryKib: 19 * 1024, iterations: 2, parallelism: 1 } as const;
const CONNECTIONS = 8;

export const login: Scenario = {
  name: 'login',
  description: 'POST /v1/login with autocannon, default argon2id parameters',
  async run(context): Promise<ScenarioOutcome> {
    const server = await startChatServer({
      args: context.serverArgs,
      env: {
        PASSWORD_HASH_MEMORY_KIB: String(LOGIN_PASSWORD_HASH.memoryKib),
        PASSWORD_HASH_ITERATIONS: String(LOGIN_PASSWORD_HASH.iterations),
      },
    });
    try {
      const { login: userLogin } = await server.register('login_user');
      const result = await httpLoad({
        url: `${server.httpBase}/v1/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: userLogin, password: PASSWORD }),
        seconds: context.full ? 15 : 5,
        connections: CONNECTIONS,
      });
      context.log(describeHttp('server POST /v1/login', result));
      return {
        figures: [
          {
            scenario: `login (argon2id m=${LOGIN_PASSWORD_HASH.memoryKib} KiB, t=${LOGIN_PASSWORD_HASH.iterations}, p=1)`,
            metric: 'logins/s',
            unit: '/s',
            server: result.requestsPerSecond,
            baseline: undefined,
            better: 'higher',
          },
          {
            scenario: 'login',
            metric: 'login p99',
            unit: 'ms',
            server: result.p99Ms,
            baseline: undefined,
            better: 'lower',
          },
        ],
        details: { passwordHash: LOGIN_PASSWORD_HASH, connections: CONNECTIONS, result },
        failures: result.problems ? [`login: ${result.problems}`] : [],
      };
    } finally {
      await server.stop();
    }
  },
};
