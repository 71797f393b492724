// "Start a chat with": find people by login, pick one or more, and open the room with them.
import type { ChatClient, Room, User } from '../../client/src/index.js';
import { byId, el } from './dom.js';

const SEARCH_DELAY_MS = 250;

export class PeopleSearch {
  private readonly picked = new Map<number, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: ChatClient,
    private readonly me: User,
    private readonly onRoom: (room: Room) => void,
    onError: (error: unknown) => void,
  ) {
    byId('people').oninput = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search().catch(onError), SEARCH_DELAY_MS);
    };
    byId('create-room').onclick = () => this.createRoom().catch(onError);
    byId<HTMLInputElement>('people').value = '';
    byId('found').replaceChildren();
    this.renderPicked();
  }

  private async search(): Promise<void> {
    const input = byId<HTMLInputElement>('people');
    const query = input.value.trim();
    const users = query ? await this.client.searchUsers(query) : [];
    if (query !== input.value.trim()) return;
    const others = users.filter((user) => user.id !== this.me.id && !this.picked.has(user.id));
    const items = others.map((user) =>
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', className: 'quiet', onclick: () => this.pick(user) },
          user.login,
        ),
      ),
    );
    if (query && items.length === 0) items.push(el('li', { className: 'hint' }, 'Nobody found.'));
    byId('found').replaceChildren(...items);
  }

  private pick(user: User): void {
    this.picked.set(user.id, user.login);
    const input = byId<HTMLInputElement>('people');
    input.value = '';
    byId('found').replaceChildren();
    this.renderPicked();
    input.focus();
  }

  private renderPicked(): void {
    const chips = [...this.picked].map(([id, login]) => {
      const remove = () => {
        this.picked.delete(id);
        this.renderPicked();
      };
      return el(
        'li',
        {},
        el(
          'button',
          { type: 'button', onclick: remove, ariaLabel: `Remove ${login}` },
          `${login} ×`,
        ),
      );
    });
    byId('picked').replaceChildren(...chips);
    byId<HTMLButtonElement>('create-room').disabled = this.picked.size === 0;
  }

  private async createRoom(): Promise<void> {
    const room = await this.client.createRoom([...this.picked.keys()]);
    this.picked.clear();
    this.renderPicked();
    this.onRoom(room);
  }
}
