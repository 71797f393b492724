// The Store on PostgreSQL: not written yet (see the scale-out issue).
import type { Store } from '../store.js';

export async function openPostgresStore(_url: string, _poolSize: number): Promise<Store> {
  throw new Error('PostgreSQL storage is not available yet');
}
