// Above and below the open room's messages: its name with who is online, and who is typing.
import type { ChatContext } from './chat-context.js';
import { byId } from './dom.js';
import { listOfNames, roomName } from './format.js';
import { isOnline, presenceKnown } from './presence.js';

export class RoomHeader {
  constructor(private readonly chat: ChatContext) {}

  /** The room's name and its members' presence (`online`, `3 members, 2 online`) when known. */
  render(roomId: number | undefined): void {
    const state = roomId === undefined ? undefined : this.chat.live.room(roomId);
    byId('room-title').textContent = state ? roomName(state.room, this.chat.me) : 'Pick a room';
    const others = state?.room.users.filter((user) => user.id !== this.chat.me.id) ?? [];
    const online = others.filter((user) => isOnline(this.chat.live, user.id)).length;
    const members = byId('members');
    members.classList.toggle('online', online > 0);
    const known = presenceKnown(this.chat.live);
    const count = `${others.length + 1} members`;
    if (!state || (!known && others.length <= 1)) members.textContent = '';
    else if (others.length <= 1) members.textContent = online ? 'online' : 'offline';
    else members.textContent = known ? `${count}, ${online} online` : count;
  }

  /** `Пётр is typing…`, `Пётр and Анна are typing…`, or nothing. */
  typing(userIds: readonly number[]): void {
    const names = userIds.map((id) => this.chat.login(id));
    const verb = names.length === 1 ? 'is' : 'are';
    byId('typing').textContent = names.length ? `${listOfNames(names)} ${verb} typing…` : '';
  }
}
