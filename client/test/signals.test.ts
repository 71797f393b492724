// Typing and presence through the live session against the real server: who is online at
// connect and after, who types where, and nothing about users who share no room.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../../test/helpers/backends.js';
import { eventually } from '../../test/helpers/observe.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { type Person, person } from './helpers/clients.js';

for (const backend of backends()) {
  describe(`typing and presence through the client library (${backend.name})`, () => {
    let server: TestServer;
    let alice: Person;
    let bob: Person;
    let stranger: Person;
    let roomId: number;
    before(async () => {
      server = await startServer({ backend, env: { PRESENCE_GRACE_SECONDS: '0' } });
      [alice, bob, stranger] = [
        await person(server.url),
        await person(server.url),
        await person(server.url),
      ];
      roomId = (await alice.client.createRoom([bob.user.id])).id;
    });
    after(() => server.close());

    test('online at connect, offline when the last connection goes; strangers never', async () => {
      const bobLive = await bob.client.live();
      const strangerLive = await stranger.client.live();
      await Promise.all([bobLive.untilLive(), strangerLive.untilLive()]);
      const live = await alice.client.live();
      await live.untilLive();
      assert.deepEqual(live.online(), [bob.user.id]);
      const changes: string[] = [];
      live.on('presence', ({ userId, online }) => changes.push(`${userId}:${online}`));
      bobLive.close();
      await eventually(() => !live.isOnline(bob.user.id));
      const again = await bob.client.live();
      await eventually(() => live.isOnline(bob.user.id));
      assert.deepEqual(changes, [`${bob.user.id}:false`, `${bob.user.id}:true`]);
      assert.ok(!live.isOnline(stranger.user.id));
      for (const session of [live, again, strangerLive]) session.close();
    });

    test('typing reaches the other member, throttled, and ends with their message', async () => {
      const live = await alice.client.live();
      const bobLive = await bob.client.live();
      await Promise.all([live.untilLive(), bobLive.untilLive()]);
      const seen: number[][] = [];
      live.on('typing', (typing) => {
        if (typing.roomId === roomId) seen.push(typing.userIds);
      });
      assert.ok(bobLive.typing(roomId));
      assert.ok(!bobLive.typing(roomId), 'a second signal within 2 s is not sent');
      await eventually(() => live.typingIn(roomId).includes(bob.user.id));
      assert.deepEqual(bobLive.typingIn(roomId), [], 'not shown to the typist');
      await bobLive.send(roomId, 'вот');
      await eventually(() => live.typingIn(roomId).length === 0);
      assert.deepEqual(seen, [[bob.user.id], []]);
      live.close();
      bobLive.close();
    });
  });
}
