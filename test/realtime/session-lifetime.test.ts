// Sockets live no longer than their session: expiry closes them with 4001, sending keeps the
// session alive like HTTP use does, and a logout racing a socket's join still closes it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Accounts } from '../../src/domain/accounts.js';
import { type Backend, backends } from '../helpers/backends.js';
import { createRoom, registerUser, request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const IDLE_SECONDS = 60;

/** A clock the test moves by hand, in Unix seconds. */
function handClock() {
  let now = Math.floor(Date.now() / 1000);
  return {
    read: () => now,
    advance(seconds: number) {
      now += seconds;
    },
  };
}

type HandClock = ReturnType<typeof handClock>;

/** A server of the current suite on a hand clock, checking its sockets' sessions every `checkSeconds`. */
function serverOnHandClock(backend: Backend, checkSeconds: number) {
  const clock = handClock();
  let server: TestServer;
  before(async () => {
    server = await startServer({
      backend,
      clock: clock.read,
      env: {
        SESSION_IDLE_SECONDS: String(IDLE_SECONDS),
        SESSION_CHECK_SECONDS: String(checkSeconds),
      },
    });
  });
  after(() => server.close());
  return (run: (server: TestServer, clock: HandClock) => Promise<void>) => () => run(server, clock);
}

for (const backend of backends()) {
  describe(`socket session lifetime (${backend.name})`, () => {
    // Checked by hand below, never by the timer.
    const withServer = serverOnHandClock(backend, 3600);

    test(
      'a socket that sends keeps its session alive; a silent one closes with 4001 at expiry',
      withServer(async (server, clock) => {
        const alice = await registerUser(server.url);
        const bob = await registerUser(server.url);
        const roomId = await createRoom(server.url, alice, [bob]);
        const talker = await ChatClient.open(server.wsUrl, roomId, alice.session);
        const listener = await ChatClient.stream(server.wsUrl, bob.session);

        clock.advance(IDLE_SECONDS - 20);
        await talker.post('still here', 'c-1');
        await server.server.sessionWatch.checkAll();
        clock.advance(30);
        await server.server.sessionWatch.checkAll();
        assert.equal(await listener.closed, 4001, 'expired while only listening');
        await talker.post('still here too', 'c-2');
        const info = await request(server.url, 'GET', '/v1/info', { session: alice.session });
        assert.equal(info.status, 200, 'the socket use kept the session alive for HTTP too');

        clock.advance(IDLE_SECONDS + 1);
        await server.server.sessionWatch.checkAll();
        assert.equal(await talker.closed, 4001);
        const after = await request(server.url, 'GET', '/v1/info', { session: alice.session });
        assert.equal(after.status, 401);
      }),
    );

    test(
      'a logout between the authentication of an upgrade and its join closes the socket',
      withServer(async (server) => {
        const carol = await registerUser(server.url);
        const roomId = await createRoom(server.url, carol, []);
        const authenticate = Accounts.prototype.authenticate;
        let armed = true;
        // The logout lands once the upgrade has its session, before the socket is in the hub.
        Accounts.prototype.authenticate = async function (this: Accounts, sessionId) {
          const session = await authenticate.call(this, sessionId);
          if (armed) {
            armed = false;
            const logout = await request(server.url, 'POST', '/v1/logout', {
              session: carol.session,
            });
            assert.equal(logout.status, 200);
          }
          return session;
        };
        try {
          const socket = await ChatClient.open(server.wsUrl, roomId, carol.session);
          assert.equal(await socket.closedWithin(), 4001);
          const refused = await ChatClient.stream(server.wsUrl, carol.session).catch(
            (error: { status: number }) => error.status,
          );
          assert.equal(refused, 401);
        } finally {
          Accounts.prototype.authenticate = authenticate;
        }
      }),
    );
  });

  describe(`socket session expiry on the timer (${backend.name})`, () => {
    const withServer = serverOnHandClock(backend, 1);

    test(
      'every SESSION_CHECK_SECONDS the sockets of expired sessions close with 4001',
      withServer(async (server, clock) => {
        const dave = await registerUser(server.url);
        const roomId = await createRoom(server.url, dave, []);
        const room = await ChatClient.open(server.wsUrl, roomId, dave.session);
        const stream = await ChatClient.stream(server.wsUrl, dave.session);
        clock.advance(IDLE_SECONDS + 1);
        assert.equal(await room.closedWithin(), 4001);
        assert.equal(await stream.closedWithin(), 4001);
      }),
    );
  });
}
