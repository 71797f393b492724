// HTTP: GET /v1/info and GET /v1/rooms/:id/messages (the latest 50) on the server, next to bare
// Fastify routes answering the same JSON; the two take turns.
import WebSocket from 'ws';
import { startHttpBaseline } from '../targets/baselines.js';
import { type ChatServerTarget, startChatServer } from '../targets/chat-server.js';
import type { Started } from '../targets/processes.js';
import type { Figure, Scenario, ScenarioOutcome } from './context.js';
import { describeHttp, type HttpResult, httpLoad } from './http-load.js';

const HISTORY_MESSAGES = 50;
const CONNECTIONS = 10;

/** A room whose history holds the same 50 messages the baseline answers with. */
async function seedRoom(server: ChatServerTarget): Promise<{ roomId: number; sessionId: string }> {
  const owner = await server.register('http_owner');
  const other = await server.register('http_other');
  const { id: roomId } = await owner.client.createRoom([other.userId]);
  const ws = new WebSocket(
    `${server.wsBase}/v1/rooms/${roomId}/chat?session_id=${owner.sessionId}`,
  );
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let acknowledged = 0;
  const allStored = new Promise<void>((resolve) => {
    ws.on('message', () => {
      if (++acknowledged === HISTORY_MESSAGES) resolve();
    });
  });
  for (let index = 1; index <= HISTORY_MESSAGES; index++) {
    ws.send(
      JSON.stringify({ text: `message ${index} of the history page`, client_id: `h${index}` }),
    );
  }
  await allStored;
  ws.close();
  return { roomId, sessionId: owner.sessionId };
}

function figure(metric: string, server: number, baseline: number): Omit<Figure, 'unit' | 'better'> {
  return { scenario: 'HTTP', metric, server, baseline };
}

export const http: Scenario = {
  name: 'http',
  description: 'GET /v1/info and GET /v1/rooms/:id/messages with autocannon, next to bare Fastify',
  async run(context): Promise<ScenarioOutcome> {
    let server: ChatServerTarget | undefined;
    let baseline: Started | undefined;
    const seconds = context.full ? 15 : 5;
    try {
      server = await startChatServer({ args: context.serverArgs });
      baseline = await startHttpBaseline();
      const { roomId, sessionId } = await seedRoom(server);
      const serverBase = server.httpBase;
      const baselineBase = `http://127.0.0.1:${baseline.port}`;
      const headers = { 'x-session-id': sessionId };
      const results: Record<string, HttpResult> = {};
      const measure = async (label: string, url: string) => {
        results[label] = await httpLoad({ url, seconds, connections: CONNECTIONS, headers });
        context.log(describeHttp(label, results[label]));
        return results[label];
      };
      const info = {
        server: await measure('server /v1/info', `${serverBase}/v1/info`),
        baseline: await measure('baseline /v1/info', `${baselineBase}/v1/info`),
      };
      const history = {
        server: await measure(
          'server /v1/rooms/:id/messages',
          `${serverBase}/v1/rooms/${roomId}/messages`,
        ),
        baseline: await measure(
          'baseline /v1/rooms/:id/messages',
          `${baselineBase}/v1/rooms/${roomId}/messages`,
        ),
      };
      return {
        figures: [
          {
            ...figure(
              'GET /v1/info req/s',
              info.server.requestsPerSecond,
              info.baseline.requestsPerSecond,
            ),
            unit: '/s',
            better: 'higher',
            targetRatio: 0.7,
          },
          {
            ...figure('GET /v1/info p99', info.server.p99Ms, info.baseline.p99Ms),
            unit: 'ms',
            better: 'lower',
          },
          {
            ...figure(
              'GET messages req/s',
              history.server.requestsPerSecond,
              history.baseline.requestsPerSecond,
            ),
            unit: '/s',
            better: 'higher',
          },
          {
            ...figure('GET messages p99', history.server.p99Ms, history.baseline.p99Ms),
            unit: 'ms',
            better: 'lower',
          },
        ],
        details: { connections: CONNECTIONS, seconds, results },
        failures: Object.entries(results).flatMap(([label, result]) =>
          result.problems ? [`HTTP ${label}: ${result.problems}`] : [],
        ),
      };
    } finally {
      await server?.stop();
      await baseline?.stop();
    }
  },
};
