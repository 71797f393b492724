// kill -9 in the middle of a burst of sends, with clients of the library resending by client_id:
// every acknowledged message is in the history exactly once. On SQLite one node is killed and
// started again on its port; on PostgreSQL one of two nodes is killed and its clients move on to
// the other through a relay standing in for a load balancer.
import { after, before, describe, test } from 'node:test';
import type { RoomSocket } from '../../client/src/index.js';
import { opened, type Person, person } from '../../client/test/helpers/clients.js';
import { backends, sqlite } from '../helpers/backends.js';
import { assertStoredOnce, sendBurst } from '../helpers/burst.js';
import { type Cluster, REDIS_URL, startCluster } from '../helpers/cluster.js';
import { roomHistory } from '../helpers/observe.js';
import { freePort } from '../helpers/redis-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const PER_SENDER = 200;
const postgres = backends().find((backend) => backend.name === 'postgres');

/** A room of `people` (the first creates it) and one open room socket for each. */
async function roomSockets(people: Person[]): Promise<{ roomId: number; sockets: RoomSocket[] }> {
  const [owner, ...others] = people as [Person, ...Person[]];
  const room = await owner.client.createRoom(others.map((other) => other.user.id));
  const sockets = people.map((member) => member.client.roomSocket(room.id));
  await Promise.all(sockets.map(opened));
  return { roomId: room.id, sockets };
}

/** Every socket sends its burst; the first one plays `fault` a quarter of the way in. */
function burstsWithFault(sockets: RoomSocket[], fault: () => Promise<void>) {
  return Promise.all(
    sockets.map((socket, index) =>
      sendBurst({
        count: PER_SENDER,
        prefix: `sender ${index}`,
        send: (text) => socket.send(text),
        ...(index === 0 && { fault, unsent: () => socket.pending().length }),
      }),
    ),
  );
}

describe('kill -9 of the only node in a burst (sqlite)', () => {
  let cluster: Cluster;
  before(async () => {
    // A fixed port, so the node started again is where the clients reconnect.
    cluster = await startCluster({
      size: 1,
      backend: sqlite,
      env: { PORT: String(await freePort()) },
    });
  });
  after(() => cluster?.close());

  test('started again, it has every acknowledged message once', async () => {
    const url = cluster.node(0).url;
    const people = await Promise.all([person(url), person(url), person(url)]);
    const { roomId, sockets } = await roomSockets(people);
    const bursts = await burstsWithFault(sockets, async () => {
      await cluster.crash(0);
      await cluster.addNode();
    });
    assertStoredOnce(await roomHistory(url, people[0]?.client.session as string, roomId), bursts);
    for (const socket of sockets) socket.close();
  });
});

describe('kill -9 of one of two nodes in a burst (postgres)', {
  skip: !postgres && 'DATABASE_URL is not a postgres:// URL',
}, () => {
  let cluster: Cluster;
  let balancer: TcpProxy;
  before(async () => {
    cluster = await startCluster({
      size: 2,
      backend: postgres ?? sqlite,
      ...(REDIS_URL && { redisUrl: REDIS_URL }),
    });
    balancer = await TcpProxy.start('127.0.0.1', Number(new URL(cluster.node(1).url).port));
  });
  after(async () => {
    await balancer?.cut();
    await cluster?.close();
  });

  test('the surviving node has every acknowledged message once', async () => {
    const survivor = cluster.node(0).url;
    const behindBalancer = `http://127.0.0.1:${balancer.port}`;
    const victims = await Promise.all([person(behindBalancer), person(behindBalancer)]);
    const people = [...victims, await person(survivor)];
    const { roomId, sockets } = await roomSockets(people);
    const bursts = await burstsWithFault(sockets, async () => {
      await cluster.crash(1);
      balancer.retarget(Number(new URL(survivor).port));
    });
    const history = await roomHistory(survivor, people[2]?.client.session as string, roomId);
    assertStoredOnce(history, bursts);
    for (const socket of sockets) socket.close();
  });
});
