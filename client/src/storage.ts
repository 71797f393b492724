// Where the send queue survives a reload: any store with localStorage's three methods.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Kept in memory only: survives reconnects and room switches, not a reload. */
export function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => {
      values.set(key, value);
    },
    removeItem: (key) => {
      values.delete(key);
    },
  };
}

/** A JSON list kept under `key`, with only the items `isItem` accepts; anything unreadable is none. */
export function readStoredList<T>(
  storage: KeyValueStorage,
  key: string,
  isItem: (value: unknown) => value is T,
): T[] {
  try {
    const stored: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    return Array.isArray(stored) ? stored.filter(isItem) : [];
  } catch {
    return [];
  }
}

/** A guard for a stored object: every field named in `shape` has that `typeof`. */
export function hasFields<T>(
  shape: Readonly<Record<keyof T, 'string' | 'number'>>,
): (value: unknown) => value is T {
  return (value: unknown): value is T =>
    typeof value === 'object' &&
    value !== null &&
    Object.entries(shape).every(
      ([name, type]) => typeof (value as Record<string, unknown>)[name] === type,
    );
}
