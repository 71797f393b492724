// The ceilings, started as separate processes like the server: bare `ws` relay and bare Fastify.
import { freePort, type Started, startProcess } from './processes.js';
import type { RoomPlan, WsTarget } from './target.js';

async function startBaseline(
  name: string,
  script: string,
  options: { nodeFlags?: readonly string[]; env?: Record<string, string> } = {},
): Promise<Started> {
  const args = [...(options.nodeFlags ?? []), '--import', 'tsx', `bench/baselines/${script}`];
  return startProcess({ name, args, env: options.env, port: await freePort() });
}

export interface WsBaselineOptions {
  /** Node flags, e.g. --inspect, before the script as for the server. */
  readonly nodeFlags?: readonly string[];
  /** Relay the frames of one event-loop turn together, one write per socket (as the server). */
  readonly batched?: boolean;
}

export async function startWsBaseline(options: WsBaselineOptions = {}): Promise<WsTarget> {
  const label = options.batched ? 'batched' : 'baseline';
  const child = await startBaseline(`ws ${label}`, 'ws-broadcast.ts', {
    nodeFlags: options.nodeFlags,
    env: { RELAY: options.batched ? 'batched' : 'each' },
  });
  let nextRoom = 1;
  return {
    label,
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
  return startBaseline('fastify baseline', 'fastify-json.ts');
}

/** Bare node:http answering each path of `bodiesFile` ({"/path": "<body>"}) with those bytes. */
export async function startPrecomputedBaseline(bodiesFile: string): Promise<Started> {
  return startBaseline('node:http precomputed', 'precomputed-http.ts', {
    env: { BODIES_FILE: bodiesFile },
  });
}
