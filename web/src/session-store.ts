// The login of this browser: kept in localStorage, so it holds across tabs and restarts until a
// logout, which every other tab hears through the storage event.

const SESSION_KEY = 'e-chat.session';

export function savedSession(): string | undefined {
  return localStorage.getItem(SESSION_KEY) ?? undefined;
}

export function saveSession(session: string): void {
  localStorage.setItem(SESSION_KEY, session);
}

export function forgetSession(): void {
  localStorage.removeItem(SESSION_KEY);
}

/** Calls back when another tab logs in (the new session) or out (undefined). */
export function onOtherTabSession(listener: (session: string | undefined) => void): void {
  window.addEventListener('storage', (event) => {
    if (event.key === SESSION_KEY || event.key === null) {
      listener(event.newValue ?? undefined);
    }
  });
}
