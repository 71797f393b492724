// The message box: a draft per room, a length counter near the server's limit, typing signals,
// and Enter to send on a keyboard (on a touch screen Enter starts a new line; the button sends).
import { byId } from './dom.js';
import type { UserStorage } from './user-storage.js';

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9;

export interface ComposerActions {
  send(roomId: number, text: string): void;
  typing(roomId: number): void;
}

export class Composer {
  private roomId: number | undefined;
  private readonly box = byId<HTMLTextAreaElement>('text');
  private readonly maxChars = messageMaxChars();

  constructor(
    private readonly storage: UserStorage,
    private readonly actions: ComposerActions,
  ) {
    this.box.oninput = () => this.edited();
    this.box.onkeydown = (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || isTouch()) return;
      event.preventDefault();
      this.submit();
    };
    byId<HTMLFormElement>('composer').onsubmit = (event) => {
      event.preventDefault();
      this.submit();
      this.box.focus();
    };
  }

  /** Shows the room's draft and puts the cursor in the box. */
  open(roomId: number | undefined): void {
    this.roomId = roomId;
    this.box.value = roomId === undefined ? '' : this.storage.draft(roomId);
    this.update();
    if (roomId !== undefined) this.box.focus();
  }

  private edited(): void {
    if (this.roomId === undefined) return;
    this.storage.saveDraft(this.roomId, this.box.value);
    if (this.box.value.trim() !== '') this.actions.typing(this.roomId);
    this.update();
  }

  private submit(): void {
    const text = this.box.value;
    if (this.roomId === undefined || text.trim() === '' || length(text) > this.maxChars) return;
    this.actions.send(this.roomId, text);
    this.box.value = '';
    this.storage.saveDraft(this.roomId, '');
    this.update();
  }

  private update(): void {
    const used = length(this.box.value);
    const counter = byId('counter');
    counter.hidden = used < this.maxChars * COUNTER_FROM;
    counter.textContent = `${used} / ${this.maxChars}`;
    counter.classList.toggle('over', used > this.maxChars);
    byId<HTMLButtonElement>('send').disabled =
      this.roomId === undefined || this.box.value.trim() === '' || used > this.maxChars;
  }
}

/** The server counts characters (code points), not UTF-16 units. */
function length(text: string): number {
  return [...text].length;
}

function isTouch(): boolean {
  return window.matchMedia('(pointer: coarse)').matches;
}

/** The limit the server configured, written into the page. */
function messageMaxChars(): number {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="e-chat-message-max-chars"]');
  const value = Number(meta?.content);
  return Number.isInteger(value) && value > 0 ? value : 4096;
}
