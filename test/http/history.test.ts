// Room history: latest 50 by default, before/after/limit, oldest first, and who may read it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const NOW = 1_700_000_000;
const NOW_ISO = '2023-11-14T22:13:20Z';

interface Message {
  id: number;
  text: string;
  user_id: number;
  room_id: number;
  created_at: string;
}

for (const backend of backends()) {
  describe(`room history (${backend.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: number;
    /** The 120 messages of the main room, as acknowledged to their sender, in id order. */
    let sent: Message[];

    /** Sends texts over a real WebSocket and returns the stored messages from the acks. */
    async function post(user: TestUser, room: number, texts: string[]): Promise<Message[]> {
      const client = await ChatClient.open(server.wsUrl, room, user.session);
      texts.forEach((text, i) => {
        client.send({ text, client_id: `${room}-${i}-${text.length}` });
      });
      const acks = await client.waitFor(texts.length);
      await client.close();
      return acks.map(({ client_id: _, ...message }) => message as Message);
    }

    before(async () => {
      server = await startServer({ backend, clock: () => NOW });
      alice = await registerUser(server.url, 'Алиса');
      bob = await registerUser(server.url, 'Боб');
      roomId = await createRoom(server.url, alice, [bob]);
      const texts = Array.from({ length: 120 }, (_, i) => `Сообщение ${i}`);
      sent = [
        ...(await post(alice, roomId, texts.slice(0, 60))),
        ...(await post(bob, roomId, texts.slice(60))),
      ];
    });
    after(() => server.close());

    const history = (query = '', user = alice, room: number | string = roomId) =>
      request<Message[]>(server.url, 'GET', `/v1/rooms/${room}/messages${query}`, {
        session: user.session,
      });
    const ids = async (query: string) => {
      const reply = await history(query);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body.map((message) => message.id);
    };
    const idsOf = (messages: Message[]) => messages.map((message) => message.id);

    test('messages are stored with increasing ids, in the order they were sent', () => {
      assert.equal(sent.length, 120);
      for (let i = 1; i < sent.length; i++) {
        assert.ok((sent[i] as Message).id > (sent[i - 1] as Message).id);
      }
      assert.deepEqual(
        sent.map((message) => message.text),
        Array.from({ length: 120 }, (_, i) => `Сообщение ${i}`),
      );
    });

    test('the default is the latest 50, oldest first, in the documented shape', async () => {
      const reply = await history();
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(reply.body, sent.slice(-50));
      const last = reply.body.at(-1) as Message;
      assert.deepEqual(Object.keys(last).sort(), [
        'created_at',
        'id',
        'room_id',
        'text',
        'user_id',
      ]);
      assert.deepEqual(last, {
        id: last.id,
        text: 'Сообщение 119',
        user_id: bob.id,
        room_id: roomId,
        created_at: NOW_ISO,
      });
      assert.equal((reply.body[0] as Message).user_id, bob.id);
      assert.equal((await history('', bob)).status, 200);
    });

    test('created_at is UTC with second precision and a trailing Z', async () => {
      for (const message of (await history()).body) {
        assert.match(message.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
    });

    test('limit chooses how many, 1 to 200', async () => {
      assert.deepEqual(await ids('?limit=1'), idsOf(sent.slice(-1)));
      assert.deepEqual(await ids('?limit=75'), idsOf(sent.slice(-75)));
      assert.deepEqual(await ids('?limit=200'), idsOf(sent));
    });

    test('before=<id> pages back: the latest messages with a smaller id', async () => {
      const page = await ids(`?before=${sent[70]?.id}`);
      assert.deepEqual(page, idsOf(sent.slice(20, 70)));
      assert.deepEqual(await ids(`?before=${sent[70]?.id}&limit=5`), idsOf(sent.slice(65, 70)));
      assert.deepEqual(await ids(`?before=${sent[3]?.id}`), idsOf(sent.slice(0, 3)));
      assert.deepEqual(await ids(`?before=${sent[0]?.id}`), []);
      assert.deepEqual(await ids('?before=1'), []);
      assert.deepEqual(await ids('?before=9007199254740991&limit=2'), idsOf(sent.slice(-2)));
    });

    test('scrolling back page by page with before= visits every message once', async () => {
      const seen: number[] = [];
      let query = '?limit=50';
      for (;;) {
        const page = await ids(query);
        if (page.length === 0) break;
        seen.unshift(...page);
        query = `?limit=50&before=${page[0]}`;
      }
      assert.deepEqual(seen, idsOf(sent));
    });

    test('after=<id> catches up: the oldest messages with a larger id', async () => {
      assert.deepEqual(await ids('?after=0'), idsOf(sent.slice(0, 50)));
      assert.deepEqual(await ids(`?after=${sent[9]?.id}`), idsOf(sent.slice(10, 60)));
      assert.deepEqual(await ids(`?after=${sent[9]?.id}&limit=3`), idsOf(sent.slice(10, 13)));
      assert.deepEqual(await ids(`?after=${sent[118]?.id}`), idsOf(sent.slice(119)));
      assert.deepEqual(await ids(`?after=${sent[119]?.id}`), []);
    });

    test('before and after together: the oldest messages between them', async () => {
      const between = `?after=${sent[10]?.id}&before=${sent[20]?.id}`;
      assert.deepEqual(await ids(between), idsOf(sent.slice(11, 20)));
      assert.deepEqual(await ids(`${between}&limit=4`), idsOf(sent.slice(11, 15)));
      assert.deepEqual(await ids(`?after=${sent[20]?.id}&before=${sent[10]?.id}`), []);
    });

    test('each room has its own history', async () => {
      const other = await createRoom(server.url, bob, []);
      const mine = await post(bob, other, ['только мне']);
      assert.deepEqual((await history('', bob, other)).body, mine);
      assert.deepEqual(await ids(`?after=${sent[118]?.id}`), idsOf(sent.slice(119)));
      const empty = await createRoom(server.url, alice, []);
      assert.deepEqual((await history('', alice, empty)).body, []);
    });

    test('strangers, missing rooms and non-ids are all 422 room_not_found', async () => {
      const stranger = await registerUser(server.url);
      const answers = new Set<string>();
      const cases: Array<[TestUser, string]> = [
        [stranger, String(roomId)],
        [alice, String(roomId + 100_000)],
        [alice, 'abc'],
        [alice, '0'],
        [alice, '-1'],
        [alice, '1.5'],
        [alice, '9'.repeat(40)],
      ];
      for (const [user, room] of cases) {
        const reply = await history('', user, room);
        expectError(reply, 422, 'room_not_found');
        answers.add(JSON.stringify(reply.body));
      }
      assert.equal(answers.size, 1);
    });

    const invalidQueries = [
      'limit=0',
      'limit=201',
      'limit=-5',
      'limit=abc',
      'limit=1.5',
      'limit=',
      'before=0',
      'before=-1',
      'before=abc',
      'before=1.5',
      'after=-1',
      'after=abc',
      'after=1.5',
      'after=',
      'after=1&after=2',
      'limit=Infinity',
      'limit=-Infinity',
      'before=Infinity',
      'after=-Infinity',
    ];
    for (const query of invalidQueries) {
      test(`?${query} → 422 invalid_json naming the parameter`, async () => {
        const message = expectError(await history(`?${query}`), 422, 'invalid_json');
        assert.match(message ?? '', /limit|before|after/);
      });
    }

    test('unknown query parameters are ignored', async () => {
      assert.deepEqual(await ids('?page=2&q=x'), idsOf(sent.slice(-50)));
    });

    test('401 without a valid session', async () => {
      const reply = await request(server.url, 'GET', `/v1/rooms/${roomId}/messages`);
      expectError(reply, 401, 'unauthorized');
    });
  });
}
