// The browser client's start: log in once per browser (every tab and restart shares it), open the
// chat screen, and go back to the login form when the session ends here or in another tab.
import { ChatClient, isChatError } from '../../client/src/index.js';
import { type ChatScreen, openChatScreen, SESSION_ENDED } from './chat-screen.js';
import { byId } from './dom.js';
import { errorText } from './error-text.js';
import { showLoginForm } from './login-view.js';
import { forgetSession, onOtherTabSession, savedSession, saveSession } from './session-store.js';

const RETRY_MS = 3000;

let client = newClient(savedSession());
let screen: ChatScreen | undefined;
/** Counts every enter and logout, so that a screen opening late is dropped. */
let attempts = 0;

function newClient(session: string | undefined): ChatClient {
  return new ChatClient({ baseUrl: location.origin, ...(session && { session }) });
}

async function enter(): Promise<void> {
  const attempt = ++attempts;
  screen?.close();
  screen = undefined;
  if (client.session === undefined) return loggedOut('');
  try {
    const opened = await openChatScreen(client, loggedOut);
    // Logged out or in again meanwhile (another tab): this screen is not wanted any more.
    if (attempt !== attempts) return opened.close();
    screen = opened;
    // Only now, so that a logout always has the screen to end.
    byId('logout').hidden = false;
  } catch (error) {
    if (attempt !== attempts) return;
    if (isChatError(error, 'unauthorized')) return loggedOut(SESSION_ENDED);
    // The server is out as the page loads: say so and try again.
    byId('notice').textContent = errorText(error);
    setTimeout(() => void enter(), RETRY_MS);
  }
}

function loggedOut(reason: string): void {
  attempts += 1;
  screen?.close();
  screen = undefined;
  forgetSession();
  client = newClient(undefined);
  showLoginForm(client, reason, () => {
    if (client.session) saveSession(client.session);
    void enter();
  });
}

byId('logout').onclick = async () => {
  await screen?.logout();
  screen = undefined;
  history.replaceState(null, '', location.pathname);
  loggedOut('');
};
document.addEventListener('click', () => {
  byId('notice').textContent = '';
});
onOtherTabSession((session) => {
  if (session === client.session) return;
  if (session === undefined) return loggedOut('You logged out in another tab.');
  screen?.close();
  client = newClient(session);
  void enter();
});
void enter();
