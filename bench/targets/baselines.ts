// The ceilings, started as separate processes like the server: bare `ws` relay and bare Fastify.
import { freePort, type Started, startProcess } from './processes.js';
import type { RoomPlan, WsTarget } from './target.js';

async function startBaseline(
  name: string,
  script: string,
  nodeFlags: readonly string[],
): Promise<Started> {
  const args = [...nodeFlags, '--import', 'tsx', `bench/baselines/${script}`];
  return startProcess({ name, args, port: await freePort() });
}

/** `nodeFlags`, e.g. --inspect, go before the script as they do for the server. */
export async function startWsBaseline(nodeFlags: readonly string[] = []): Promise<WsTarget> {
  const child = await startBaseline('ws baseline', 'ws-broadcast.ts', nodeFlags);
  let nextRoom = 1;
  return {
    label: 'baseline',
    child,
    wsBase: `ws://127.0.0.1:${child.port}`,
    // No accounts: rooms are just paths, members just sockets.
    async provision(rooms, membersPerRoom): Promise<RoomPlan[]> {
      return Array.from({ length: rooms }, () => ({
        id: nextRoom++,
        members: Array.from({ length: membersPerRoom }, (_, member) => ({
          userId: member + 1,
          sessionId: 'none',
        })),
      }));
    },
    async stop() {
      await child.stop();
    },
  };
}

export async function startHttpBaseline(): Promise<Started> {
  return startBaseline('fastify baseline', 'fastify-json.ts', []);
}
