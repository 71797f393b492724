// Cross-node fan-out probe: one room of 100 receivers and a few senders, on 1 node (in-process bus),
// then on 2 nodes with the receivers split between them (Redis bus): deliveries/s, latency, and
// a check that every receiver got every message once, in id order. 127.0.0.1 only, bounded in time.
//
//   REDIS_URL=redis://127.0.0.1:6379 node --import tsx bench/cluster-probe.ts [--rate=500] [--seconds=5]
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import WebSocket from 'ws';
import { sqlite } from '../test/helpers/backends.js';
import { type Cluster, startCluster } from '../test/helpers/cluster.js';
import { createRoom, registerUser, type TestUser } from '../test/helpers/http.js';

const RECEIVERS = 100;
const SENDERS = 4;
const WARMUP_MS = 1000;
const DRAIN_MS = 5000;

interface Outcome {
  readonly sent: number;
  readonly expected: number;
  readonly received: number;
  readonly outOfOrder: number;
  readonly deliveriesPerSecond: number;
  readonly latencyMs: { p50: number; p99: number; max: number };
}

function openSocket(cluster: Cluster, node: number, roomId: number, user: TestUser) {
  const url = `${cluster.node(node).wsUrl}/v1/rooms/${roomId}/chat?session_id=${user.session}`;
  const socket = new WebSocket(url, { perMessageDeflate: false });
  return new Promise<WebSocket>((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

const ID = /^\{"id":(\d+),"text":"t:([\d.]+)"/;

async function probe(cluster: Cluster, nodes: number, rate: number, seconds: number) {
  const users = await Promise.all(
    Array.from({ length: RECEIVERS + SENDERS }, (_, index) =>
      registerUser(cluster.node(index % nodes).url),
    ),
  );
  const [owner, ...others] = users as [TestUser, ...TestUser[]];
  const roomId = await createRoom(cluster.node(0).url, owner, others);
  const receivers = users.slice(0, RECEIVERS);
  const senders = await Promise.all(
    users.slice(RECEIVERS).map((user, index) => openSocket(cluster, index % nodes, roomId, user)),
  );

  const latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 });
  let measuring = false;
  let received = 0;
  let outOfOrder = 0;
  let lastReceivedAt = 0;
  const sockets = await Promise.all(
    receivers.map(async (user, index) => {
      const socket = await openSocket(cluster, index % nodes, roomId, user);
      let lastId = 0;
      socket.on('message', (data: Buffer) => {
        const now = performance.now();
        const match = ID.exec(data.toString());
        if (!match) return;
        const id = Number(match[1]);
        if (id <= lastId) outOfOrder++;
        lastId = id;
        const sentAt = Number(match[2]);
        if (!measuring || sentAt < 0) return;
        received++;
        lastReceivedAt = now;
        latency.recordValue(Math.round((now - sentAt) * 1000));
      });
      return socket;
    }),
  );

  /** Sends at `rate` msg/s over all senders for `ms`; the text carries the send time. */
  async function sendFor(ms: number, marked: boolean): Promise<number> {
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < ms) {
      const due = Math.floor(((performance.now() - started) * rate) / 1000);
      for (; sent < due; sent++) {
        const stamp = marked ? performance.now().toFixed(3) : '-1';
        senders[sent % SENDERS]?.send(JSON.stringify({ text: `t:${stamp}` }));
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return sent;
  }

  await sendFor(WARMUP_MS, false);
  await new Promise((resolve) => setTimeout(resolve, 500));
  measuring = true;
  const startedAt = performance.now();
  const sent = await sendFor(seconds * 1000, true);
  const expected = sent * RECEIVERS;
  const deadline = performance.now() + DRAIN_MS;
  while (received < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const socket of [...senders, ...sockets]) socket.terminate();
  const ms = (microseconds: number) => Math.round(microseconds / 10) / 100;
  return {
    sent,
    expected,
    received,
    outOfOrder,
    deliveriesPerSecond: Math.round((received * 1000) / (lastReceivedAt - startedAt)),
    latencyMs: {
      p50: ms(latency.getValueAtPercentile(50)),
      p99: ms(latency.getValueAtPercentile(99)),
      max: ms(latency.maxValue),
    },
  } satisfies Outcome;
}

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '5' } },
});
const rate = Number(values.rate);
const seconds = Math.min(Number(values.seconds), 60);
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  process.stderr.write('cluster-probe: set REDIS_URL (e.g. redis://127.0.0.1:6379)\n');
  process.exit(2);
}
const env = { WS_MAX_BUFFERED_BYTES: String(64 * 1024 * 1024) };
const setups = [
  { label: '1 node, in-process bus', nodes: 1, redisUrl: undefined },
  { label: '2 nodes, Redis bus, receivers split', nodes: 2, redisUrl },
];
process.stdout.write(
  `${RECEIVERS} receivers, ${SENDERS} senders, ${rate} msg/s offered for ${seconds} s ` +
    `(${rate * RECEIVERS} deliveries/s offered), SQLite\n`,
);
for (const setup of setups) {
  const cluster = await startCluster({
    size: setup.nodes,
    backend: sqlite,
    redisUrl: setup.redisUrl,
    env,
  });
  try {
    const outcome = await probe(cluster, setup.nodes, rate, seconds);
    process.stdout.write(`${setup.label}: ${JSON.stringify(outcome)}\n`);
  } finally {
    await cluster.close();
  }
}
