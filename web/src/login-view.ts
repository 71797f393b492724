// The login form: log in or register, then hand the new session on.
import type { ChatClient } from '../../client/src/index.js';
import { byId } from './dom.js';
import { errorText } from './error-text.js';

export function showLoginForm(client: ChatClient, reason: string, onSession: () => void): void {
  document.body.dataset.view = 'login';
  byId('login-error').textContent = reason;
  const form = byId<HTMLFormElement>('login-form');
  form.onsubmit = async (event) => {
    event.preventDefault();
    const login = (form.elements.namedItem('login') as HTMLInputElement).value;
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    const register = (event.submitter as HTMLButtonElement | null)?.value === 'register';
    try {
      await (register ? client.register(login, password) : client.login(login, password));
      form.reset();
      byId('login-error').textContent = '';
      onSession();
    } catch (error) {
      byId('login-error').textContent = errorText(error);
    }
  };
  (form.elements.namedItem('login') as HTMLInputElement).focus();
}
