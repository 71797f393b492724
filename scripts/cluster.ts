// `npm run cluster`: several server nodes on one machine sharing a database and Redis, for trying out.
import { type NodeProcess, startNode } from './node-process.js';

const HELP = `Usage: npm run cluster

Starts CLUSTER_NODES server nodes (default 3) on ports CLUSTER_FIRST_PORT (default 8081) and up,
sharing DATABASE_URL (default sqlite:./data/cluster.db) and REDIS_URL (default
redis://127.0.0.1:6379). Every other setting (LOG_LEVEL, HOST, …) is passed to the nodes as is.
Their log lines are prefixed with [node N]. Ctrl-C (or SIGTERM) stops them all.
`;

function whole(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) {
    process.stderr.write(`cluster: ${name} must be a positive whole number\n`);
    process.exit(2);
  }
  return value;
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}

const size = whole('CLUSTER_NODES', 3);
const firstPort = whole('CLUSTER_FIRST_PORT', 8081);
const databaseUrl = process.env.DATABASE_URL ?? 'sqlite:./data/cluster.db';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const shared = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } as Record<
  string,
  string
>;

/** The address to reach a node listening on HOST (any-address hosts are reached on loopback). */
function baseUrl(port: number): string {
  const host = process.env.HOST ?? '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Resolves once the node answers /healthz (whatever LOG_LEVEL hides); rejects if it exits first. */
async function answering(url: string, node: NodeProcess): Promise<string> {
  let exit: string | undefined;
  node.exited.then((how) => {
    exit = how;
  });
  for (;;) {
    if (exit !== undefined) throw new Error(`a node exited before listening (${exit})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return url;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A URL fit to print: without the user and password it may carry. */
const printable = (url: string) => url.replace(/\/\/[^@/]*@/, '//…@');

const nodes: NodeProcess[] = [];
for (let index = 0; index < size; index++) {
  const name = `[node ${index + 1}]`;
  const node = startNode({ ...shared, PORT: String(firstPort + index) }, (line) => {
    process.stdout.write(`${name} ${line}\n`);
  });
  node.exited.then((how) => process.stdout.write(`${name} exited (${how})\n`));
  nodes.push(node);
}

let stopping = false;
async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await Promise.all(nodes.map((node) => node.stop()));
  }
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  const urls = await Promise.all(
    nodes.map((node, index) => answering(baseUrl(firstPort + index), node)),
  );
  process.stdout.write(
    `cluster: ${size} nodes on ${printable(databaseUrl)} and ${printable(redisUrl)}:\n` +
      `${urls.map((url) => `  ${url}`).join('\n')}\ncluster: Ctrl-C stops them all\n`,
  );
} catch (error) {
  process.stderr.write(`cluster: ${(error as Error).message}; stopping the others\n`);
  await stopAll(1);
}
await Promise.all(nodes.map((node) => node.exited));
if (!stopping) process.stdout.write('cluster: every node has exited\n');
