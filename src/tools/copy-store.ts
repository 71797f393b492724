// copy-store: every table of one of our stores into another (SQLite ⇄ PostgreSQL), ids kept,
// page by page in key order, then a check that counts and last ids match.
import type { Interruption } from './interruption.js';
import type { Progress } from './progress.js';
import {
  engineOf,
  openSourceStore,
  openTargetStore,
  type StoreDatabase,
} from './store-database.js';
import { keyOf, type Row, TABLES, type Table } from './tables.js';
import { displayUrl, ToolError } from './tool-error.js';

export interface CopyOptions {
  readonly from: string;
  readonly to: string;
  /** Into a store that holds rows already: only rows whose key it lacks are added. */
  readonly append: boolean;
  readonly progress: Progress;
  readonly interruption: Interruption;
  /** Rows per page read and per transaction written. */
  readonly batchSize: number;
}

export interface CopiedTable {
  readonly table: string;
  readonly read: number;
  readonly copied: number;
  /** Rows whose key (or a unique column) the target held already: with --append only. */
  readonly alreadyPresent: number;
}

export async function copyStore(options: CopyOptions): Promise<CopiedTable[]> {
  if (options.from === options.to) throw new ToolError('--from and --to name the same store', 2);
  // Both URLs checked before either store is opened.
  engineOf(options.from);
  engineOf(options.to);
  const source = await openSourceStore(options.from);
  try {
    const target = await openTargetStore(options.to);
    try {
      if (!options.append) await requireEmpty(target, options.to);
      const copied: CopiedTable[] = [];
      for (const table of TABLES) copied.push(await copyTable(source, target, table, options));
      await target.moveSequences(TABLES);
      await verify(source, target, options.append);
      return copied;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function requireEmpty(target: StoreDatabase, url: string): Promise<void> {
  for (const table of TABLES) {
    if ((await target.count(table)) > 0) {
      throw new ToolError(
        `${displayUrl(url)} is not empty (${table.name} has rows): copy into an empty store, or pass --append to add only the rows it lacks (e.g. to finish an interrupted copy)`,
      );
    }
  }
}

async function copyTable(
  source: StoreDatabase,
  target: StoreDatabase,
  table: Table,
  options: CopyOptions,
): Promise<CopiedTable> {
  options.progress.start(table.name, await source.count(table));
  let read = 0;
  let copied = 0;
  let after: Row | undefined;
  for (;;) {
    const page = await source.readPage(table, after, options.batchSize);
    if (page.length === 0) break;
    copied += await target.insertRows(table, page);
    read += page.length;
    after = keyOf(table, page[page.length - 1] as Row);
    options.progress.advance(page.length);
    options.interruption.check();
  }
  options.progress.finish();
  return { table: table.name, read, copied, alreadyPresent: read - copied };
}

/** Counts and last ids equal; with --append the target may hold more, never less. */
async function verify(
  source: StoreDatabase,
  target: StoreDatabase,
  append: boolean,
): Promise<void> {
  for (const table of TABLES) {
    const figures = async (database: StoreDatabase) => ({
      count: await database.count(table),
      lastId: table.generatedId ? await database.lastId(table) : 0,
    });
    const [from, to] = [await figures(source), await figures(target)];
    const matches = append
      ? to.count >= from.count && to.lastId >= from.lastId
      : to.count === from.count && to.lastId === from.lastId;
    if (!matches) {
      throw new ToolError(
        `check failed for ${table.name}: source ${from.count} rows (last id ${from.lastId}), target ${to.count} rows (last id ${to.lastId})`,
      );
    }
  }
}
