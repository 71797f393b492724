// The latest page of a room's history as JSON, kept while the room has no newer message.
// Messages never change once stored, so a page bounded by the room's last message id is the same
// whoever reads it and whichever node wrote it: the id read with the membership check validates it.

interface Page {
  readonly lastMessageId: number;
  readonly json: string;
}

/** Bounded by the characters it holds; the least recently read page goes first. */
export class HistoryCache {
  private readonly pages = new Map<string, Page>();
  private held = 0;

  constructor(private readonly maxChars = 8 * 1024 * 1024) {}

  get(roomId: number, limit: number, lastMessageId: number): string | undefined {
    const key = `${roomId}:${limit}`;
    const page = this.pages.get(key);
    if (page?.lastMessageId !== lastMessageId) return undefined;
    // Maps keep insertion order: re-inserting marks it as the most recently read.
    this.pages.delete(key);
    this.pages.set(key, page);
    return page.json;
  }

  set(roomId: number, limit: number, lastMessageId: number, json: string): void {
    const key = `${roomId}:${limit}`;
    this.drop(key);
    if (json.length > this.maxChars) return;
    while (this.held + json.length > this.maxChars) {
      this.drop(this.pages.keys().next().value as string);
    }
    this.pages.set(key, { lastMessageId, json });
    this.held += json.length;
  }

  private drop(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.held -= page.json.length;
  }
}
