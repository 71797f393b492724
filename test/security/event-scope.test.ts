// Every event a socket receives is of a room its user is in: while one room is busy with messages
// (over HTTP and WebSocket), typing, read markers, a new room and people coming online, the
// streams and room sockets of an outsider hear nothing of it, and a member's room socket hears
// only its own room.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { createRoom, registerUsers, request, sendMessage, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient, type Frame } from '../helpers/ws.js';

/** What one user may see: their rooms and the people they share one with. */
interface Scope {
  readonly user: TestUser;
  readonly rooms: Set<number>;
  readonly contacts: Set<number>;
}

/** The room an event frame is about, or undefined for frames about no room. */
function roomOf(frame: Frame): number | undefined {
  if (frame.type === 'message') return frame.message.room_id;
  if (frame.type === 'room') return frame.room.id;
  if (frame.type === 'read' || frame.type === 'typing') return frame.room_id;
  return undefined;
}

function assertStreamInScope(frames: readonly Frame[], scope: Scope): void {
  for (const frame of frames) {
    const where = `${scope.user.login} received ${JSON.stringify(frame)}`;
    if (frame.type === 'presence') assert.ok(scope.contacts.has(frame.user_id), where);
    else if (frame.type === 'ready')
      assert.ok(
        frame.online.every((id: number) => scope.contacts.has(id)),
        where,
      );
    else assert.ok(scope.rooms.has(roomOf(frame) as number), where);
  }
}

async function openStream(server: TestServer, user: TestUser): Promise<ChatClient> {
  const stream = await ChatClient.stream(server.wsUrl, user.session);
  await stream.find((frame) => frame.type === 'ready');
  return stream;
}

for (const backend of backends()) {
  describe(`events reach only the rooms' members (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { PRESENCE_GRACE_SECONDS: '0' } });
    });
    after(() => server.close());

    test("an outsider's stream and room socket get nothing of another room", async () => {
      const [alice, bob, carol, dave, eve] = await registerUsers(server.url, 5);
      const busyRoom = await createRoom(server.url, alice, [bob]);
      const quietRoom = await createRoom(server.url, carol, [dave]);
      const carolStream = await openStream(server, carol);
      const carolSocket = await ChatClient.open(server.wsUrl, quietRoom, carol.session);
      const aliceStream = await openStream(server, alice);
      const bobSocket = await ChatClient.open(server.wsUrl, busyRoom, bob.session);

      // The busy room: people come online, type, send both ways, read, and open a room.
      const bobStream = await openStream(server, bob);
      bobStream.send({ type: 'typing', room_id: busyRoom });
      const aliceSocket = await ChatClient.open(server.wsUrl, busyRoom, alice.session);
      await aliceSocket.post('over the socket', 'scope-1');
      const sent = await sendMessage(server.url, bob, busyRoom, 'over HTTP');
      // Alice's marker is at her own message: reading Bob's moves it, and that is announced.
      await request(server.url, 'POST', `/v1/rooms/${busyRoom}/read`, {
        session: alice.session,
        body: { message_id: sent.id },
      });
      const newRoom = await createRoom(server.url, alice, [bob, eve]);
      await Promise.all([aliceSocket.close(), bobStream.close()]);

      // Then the quiet room speaks: once its message is in, everything before it went out.
      const last = await sendMessage(server.url, dave, quietRoom, 'the quiet room speaks');
      await carolStream.find((frame) => frame.type === 'message' && frame.message.id === last.id);
      await carolSocket.find((frame) => frame.id === last.id);
      await aliceStream.find((frame) => frame.type === 'read' && frame.room_id === busyRoom);
      await bobSocket.find((frame) => frame.id === sent.id);

      assertStreamInScope(carolStream.received, {
        user: carol,
        rooms: new Set([quietRoom]),
        contacts: new Set([dave.id]),
      });
      assert.ok(carolSocket.received.every((frame) => frame.room_id === quietRoom));
      assert.ok(bobSocket.received.every((frame) => frame.room_id === busyRoom));
      const aliceScope = {
        user: alice,
        rooms: new Set([busyRoom, newRoom]),
        contacts: new Set([bob.id, eve.id]),
      };
      assertStreamInScope(aliceStream.received, aliceScope);
      // The busy room's events did go out, to its members: the outsiders' silence means something.
      const kinds = new Set(aliceStream.received.map((frame) => frame.type));
      for (const kind of ['message', 'typing', 'read', 'room', 'presence'])
        assert.ok(kinds.has(kind), kind);
      await Promise.all([carolStream, carolSocket, aliceStream, bobSocket].map((c) => c.close()));
    });
  });
}
