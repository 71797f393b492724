// The screen of a logged-in user: the live session of the library behind the room list, the open
// room and the message box; the address (`#room/12`) says which room is open.
import {
  type ChatClient,
  isChatError,
  type LiveSession,
  type User,
} from '../../client/src/index.js';
import type { ChatContext } from './chat-context.js';
import { Composer } from './composer.js';
import { ConnectionBanner } from './connection-banner.js';
import { Conversation } from './conversation.js';
import { byId } from './dom.js';
import { errorText } from './error-text.js';
import { PeopleSearch } from './people-search.js';
import { RoomList } from './room-list.js';
import { UserStorage } from './user-storage.js';

export const SESSION_ENDED = 'Your session has ended: please log in again.';

export interface ChatScreen {
  /** Ends the session on the server and forgets everything this browser kept for the user. */
  logout(): Promise<void>;
  /** Stops the live session (the session itself stays). */
  close(): void;
}

/** Opens the screen; `ended` is called when the session ends elsewhere (another tab, expiry). */
export async function openChatScreen(
  client: ChatClient,
  ended: (reason: string) => void,
): Promise<ChatScreen> {
  const me = await client.info();
  const live = await client.live({ storage: localStorage });
  const chat = context(client, live, me, ended);
  const rooms = new RoomList(live, me);
  const conversation = new Conversation(chat);
  const composer = new Composer(chat.storage, {
    send: (roomId, text) => void live.send(roomId, text).catch(() => undefined),
    typing: (roomId) => live.typing(roomId),
  });
  const banner = new ConnectionBanner();
  new PeopleSearch(client, me, (room) => openRoom(room.id), chat.notify);
  listen(chat, rooms, conversation, banner);

  let shown: number | undefined;
  const route = () => {
    const roomId = roomInAddress();
    document.body.dataset.view = roomId === undefined ? 'rooms' : 'room';
    rooms.select(roomId);
    composer.open(roomId);
    conversation.open(roomId).catch(chat.notify);
    // Back from a room to the list (a phone shows one at a time): the focus goes to that room.
    if (roomId === undefined && shown !== undefined) rooms.focus(shown);
    shown = roomId;
  };
  // The browser knows first when the network is back: no need to wait out the back-off.
  const online = () => live.reconnectNow();
  window.addEventListener('hashchange', route);
  window.addEventListener('online', online);
  byId('me').textContent = me.login;
  route();

  const close = () => {
    window.removeEventListener('hashchange', route);
    window.removeEventListener('online', online);
    conversation.close();
    live.close();
    byId('me').textContent = '';
    byId('logout').hidden = true;
    banner.clear();
  };
  return {
    close,
    async logout() {
      close();
      chat.storage.clear();
      await client.logout().catch(() => undefined);
      // Again: a send that settled while the logout was on its way wrote its queue back.
      chat.storage.clear();
    },
  };
}

function listen(
  chat: ChatContext,
  rooms: RoomList,
  conversation: Conversation,
  banner: ConnectionBanner,
): void {
  const { live } = chat;
  live.on('status', (status) => {
    banner.show(status);
    rooms.render();
    conversation.onPresence();
    if (status === 'live') conversation.onLive();
  });
  live.on('room', (state) => {
    rooms.render();
    conversation.onRoomState(state);
  });
  live.on('message', (message) => conversation.onMessage(message));
  // A send stored before the stream was up is not news to it: the answer shows it.
  live.on('sent', ({ message }) => conversation.onMessage(message));
  live.on('pending', () => conversation.renderOutgoing());
  live.on('failed', ({ pending, error }) => {
    chat.storage.addFailed({ ...pending, code: error.code });
    conversation.renderOutgoing();
  });
  live.on('typing', ({ roomId, userIds }) => {
    rooms.render();
    conversation.onTyping(roomId, userIds);
  });
  live.on('presence', () => {
    rooms.render();
    conversation.onPresence();
  });
  live.on('closed', (reason) => {
    if (reason.code === 'unauthorized') chat.notify(reason);
  });
}

function context(
  client: ChatClient,
  live: LiveSession,
  me: User,
  ended: (reason: string) => void,
): ChatContext {
  return {
    client,
    live,
    me,
    storage: new UserStorage(me.id),
    login: (userId) => {
      for (const state of live.rooms()) {
        const user = state.room.users.find((member) => member.id === userId);
        if (user) return user.login;
      }
      return `user ${userId}`;
    },
    notify: (error) => {
      if (isChatError(error, 'unauthorized')) return ended(SESSION_ENDED);
      byId('notice').textContent = errorText(error);
    },
  };
}

function openRoom(roomId: number): void {
  location.hash = `#room/${roomId}`;
}

/** The room the address points at (`#room/12`), if any. */
function roomInAddress(): number | undefined {
  const id = Number(/^#room\/(\d+)$/.exec(location.hash)?.[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
