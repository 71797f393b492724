// The browser client's screens: log in, find people, list rooms, and talk in a room.
// User data only ever reaches the page as text (textContent, text nodes), never as markup.
import { ApiError, api, RoomChannel, session } from './api.js';

const HISTORY_PAGE = 50;
const SEARCH_DELAY_MS = 250;
const $ = (id) => document.getElementById(id);

const ERROR_TEXT = {
  user_not_found: 'No user with that login.',
  wrong_credentials: 'Wrong password.',
  user_already_exists: 'That login is taken.',
  too_many_requests: 'Too many attempts: wait a moment.',
  message_too_long: 'too long',
  invalid_message: 'empty',
  room_not_found: 'No such room.',
  unavailable: 'The server is unavailable: try again soon.',
};

const state = {
  me: null,
  room: null,
  channel: null,
  logins: new Map(),
  /** message id → its list item */
  shown: new Map(),
  /** client_id → the list item of a message not yet acknowledged */
  pending: new Map(),
  /** user id → login, for the room about to be created */
  picked: new Map(),
  /** Bumped by every navigation, so a slow answer for a room we left is dropped. */
  visit: 0,
};

/** An element with properties (className, textContent, onclick…) and child nodes or strings. */
function el(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

function show(view) {
  document.body.dataset.view = view;
}

function notify(error) {
  if (error instanceof ApiError && error.status === 401) {
    loggedOut('Your session has ended: please log in again.');
    return;
  }
  const code = error instanceof ApiError ? error.code : 'unavailable';
  $('notice').textContent = ERROR_TEXT[code] ?? error.message;
}

/** Runs an action of the user; shows what went wrong instead of failing silently. */
const guarded =
  (action) =>
  (...args) =>
    action(...args).catch(notify);

// --- Accounts ---

async function submitLogin(event) {
  event.preventDefault();
  const form = event.target;
  const action = event.submitter?.value === 'register' ? 'register' : 'login';
  const body = { login: form.login.value, password: form.password.value };
  try {
    const { session_id } = await api('POST', `/v1/${action}`, body);
    session.set(session_id);
    form.reset();
    $('login-error').textContent = '';
    await enter();
  } catch (error) {
    $('login-error').textContent = ERROR_TEXT[error.code] ?? error.message;
  }
}

async function logout() {
  leaveRoom();
  await api('POST', '/v1/logout').catch(() => {});
  history.replaceState(null, '', location.pathname);
  loggedOut('');
}

function loggedOut(reason) {
  leaveRoom();
  session.clear();
  state.me = null;
  $('me').textContent = '';
  $('logout').hidden = true;
  $('login-error').textContent = reason;
  show('login');
}

async function enter() {
  if (!session.get()) return loggedOut('');
  state.me = await api('GET', '/v1/info');
  $('me').textContent = state.me.login;
  $('logout').hidden = false;
  await route();
}

// --- People and rooms ---

function roomName(room) {
  const others = room.users.filter((user) => user.id !== state.me.id).map((user) => user.login);
  return others.length > 0 ? others.join(', ') : `${state.me.login} (just you)`;
}

async function loadRooms() {
  const rooms = await api('GET', '/v1/rooms');
  const items = rooms.map((room) => {
    const link = el('a', { href: `#room/${room.id}`, textContent: roomName(room) });
    if (room.id === roomInAddress()) link.setAttribute('aria-current', 'page');
    return el('li', {}, link);
  });
  if (items.length === 0) items.push(el('li', { className: 'hint' }, 'No rooms yet.'));
  $('room-list').replaceChildren(...items);
}

async function searchPeople() {
  const query = $('people').value.trim();
  const users = query ? await api('GET', `/v1/users?q=${encodeURIComponent(query)}`) : [];
  if (query !== $('people').value.trim()) return;
  const others = users.filter((user) => user.id !== state.me.id && !state.picked.has(user.id));
  const items = others.map((user) => {
    const add = () => pick(user);
    return el(
      'li',
      {},
      el('button', { type: 'button', className: 'quiet', onclick: add }, user.login),
    );
  });
  if (query && items.length === 0) items.push(el('li', { className: 'hint' }, 'Nobody found.'));
  $('found').replaceChildren(...items);
}

function pick(user) {
  state.picked.set(user.id, user.login);
  $('people').value = '';
  $('found').replaceChildren();
  renderPicked();
  $('people').focus();
}

function renderPicked() {
  const chips = [...state.picked].map(([id, login]) => {
    const remove = () => {
      state.picked.delete(id);
      renderPicked();
    };
    const label = `Remove ${login}`;
    return el(
      'li',
      {},
      el('button', { type: 'button', onclick: remove, ariaLabel: label }, `${login} ×`),
    );
  });
  $('picked').replaceChildren(...chips);
  $('create-room').disabled = state.picked.size === 0;
}

async function createRoom() {
  const users = [...state.picked.keys()].map((id) => ({ id }));
  const room = await api('POST', '/v1/rooms', { users });
  state.picked.clear();
  renderPicked();
  location.hash = `#room/${room.id}`;
}

// --- A room ---

/** The room the address points at (`#room/12`), if any. */
function roomInAddress() {
  return Number(/^#room\/(\d+)$/.exec(location.hash)?.[1]) || null;
}

async function route() {
  const visit = ++state.visit;
  const roomId = roomInAddress();
  leaveRoom();
  show('rooms');
  await Promise.all([loadRooms(), roomId && openRoom(roomId, visit).catch(notify)]);
}

async function openRoom(roomId, visit) {
  const [room, latest] = await Promise.all([
    api('GET', `/v1/rooms/${roomId}`),
    api('GET', `/v1/rooms/${roomId}/messages`),
  ]);
  if (visit !== state.visit) return;
  state.room = room;
  state.logins = new Map(room.users.map((user) => [user.id, user.login]));
  $('room-title').textContent = roomName(room);
  for (const message of latest) showMessage(message);
  $('older').hidden = latest.length < HISTORY_PAGE;
  state.channel = new RoomChannel(room.id, latest.at(-1)?.id ?? 0, {
    onMessage: (message) => followBottom(() => showMessage(message)),
    onRejected: rejected,
    onStatus: (text) => {
      $('status').textContent = text;
    },
    onLoggedOut: () => loggedOut('Your session has ended: please log in again.'),
  });
  show('room');
  scrollToBottom();
}

function leaveRoom() {
  state.channel?.stop();
  state.channel = null;
  state.room = null;
  state.shown.clear();
  state.pending.clear();
  $('messages').replaceChildren();
  $('older').hidden = true;
  $('status').textContent = '';
  $('room-title').textContent = 'Pick a room';
}

function messageItem(userId, text) {
  const mine = userId === state.me.id;
  const author = state.logins.get(userId) ?? `user ${userId}`;
  return el(
    'li',
    { className: mine ? 'message mine' : 'message' },
    el('span', { className: 'author' }, author),
    el('time'),
    el('p', { className: 'text' }, text),
  );
}

function stamp(item, message) {
  const time = item.querySelector('time');
  const date = new Date(message.created_at);
  time.dateTime = message.created_at;
  time.title = date.toLocaleString();
  time.textContent = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  item.classList.remove('pending');
  item.dataset.id = message.id;
}

/** Shows a stored message once, in id order; an acknowledgement settles its pending item. */
function showMessage(message) {
  const pendingItem = state.pending.get(message.client_id);
  state.pending.delete(message.client_id);
  if (state.shown.has(message.id)) {
    pendingItem?.remove();
    return;
  }
  const item = pendingItem ?? messageItem(message.user_id, message.text);
  stamp(item, message);
  state.shown.set(message.id, item);
  const later = [...$('messages').children].find(
    (other) => other !== item && (!other.dataset.id || Number(other.dataset.id) > message.id),
  );
  $('messages').insertBefore(item, later ?? null);
}

function rejected(clientId, code) {
  const item = state.pending.get(clientId);
  if (!item) return;
  state.pending.delete(clientId);
  item.classList.replace('pending', 'failed');
  item.querySelector('time').textContent = `not sent: ${ERROR_TEXT[code] ?? code}`;
}

function send(event) {
  event.preventDefault();
  const text = $('text').value;
  if (!state.channel || text.trim() === '') return;
  const item = messageItem(state.me.id, text);
  item.classList.add('pending');
  item.querySelector('time').textContent = 'sending…';
  state.pending.set(state.channel.send(text), item);
  $('messages').append(item);
  $('text').value = '';
  scrollToBottom();
}

async function loadOlder() {
  const oldest = $('messages').querySelector('[data-id]')?.dataset.id;
  if (!oldest || !state.room) return;
  const visit = state.visit;
  const page = await api('GET', `/v1/rooms/${state.room.id}/messages?before=${oldest}`);
  if (visit !== state.visit) return;
  const scroller = $('scroller');
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  for (const message of page) showMessage(message);
  scroller.scrollTop = scroller.scrollHeight - fromBottom;
  $('older').hidden = page.length < HISTORY_PAGE;
}

function scrollToBottom() {
  $('scroller').scrollTop = $('scroller').scrollHeight;
}

/** Keeps the newest message in view if the reader was already looking at the bottom. */
function followBottom(change) {
  const scroller = $('scroller');
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  change();
  if (atBottom) scrollToBottom();
}

// --- Wiring ---

let searchTimer = 0;
$('login-form').addEventListener('submit', submitLogin);
$('logout').addEventListener('click', logout);
$('people').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(guarded(searchPeople), SEARCH_DELAY_MS);
});
$('create-room').addEventListener('click', guarded(createRoom));
$('refresh-rooms').addEventListener('click', guarded(loadRooms));
$('older').addEventListener('click', guarded(loadOlder));
$('composer').addEventListener('submit', send);
$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});
window.addEventListener('hashchange', () => state.me && guarded(route)());
window.addEventListener('focus', () => state.me && guarded(loadRooms)());
document.addEventListener('click', () => {
  $('notice').textContent = '';
});
guarded(enter)();
